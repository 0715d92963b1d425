// Downloading a remote attachment a peer named (issue 19, item 4): only links
// attachmentUrlProblem allows, without cookies or credentials, following a redirect only to
// an allowed link (at most a few), with a timeout over the whole download, and reading no
// more than the size the message declared (plus the encoding's overhead) and never more than
// a hard cap. The payload's
// digest is checked before it is decrypted (decryptRemoteAttachment).
import { attachmentUrlProblem } from '../../extension/attachment-url.ts'
import { BackgroundError } from '../errors.ts'

export type AttachmentFetch = (url: string, init?: RequestInit) => Promise<Response>

/** Largest remote attachment Parley downloads, whatever the message declares. */
export const MAX_REMOTE_ATTACHMENT_BYTES = 25 * 1024 * 1024
export const ATTACHMENT_TIMEOUT_MS = 30_000
const MAX_REDIRECTS = 3
/**
 * Room above the declared size: senders (xmtp-js's own examples) declare the file's size, and
 * the download is that file encoded (name, type) and sealed (AES-GCM tag).
 */
export const DECLARED_SIZE_SLACK_BYTES = 64 * 1024

/** A download refused or failed; `message` says why, in words for the person. */
export class AttachmentDownloadError extends BackgroundError<'refused'> {
  override readonly name = 'AttachmentDownloadError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('refused', message, options)
  }
}

export interface DownloadOptions {
  /** The size the message declared; reading stops past it. */
  contentLength?: number
  maxBytes?: number
  timeoutMs?: number
}

/** The payload at `url` under the rules above; throws AttachmentDownloadError saying why not. */
export async function downloadAttachment(fetchFn: AttachmentFetch, url: string, options: DownloadOptions = {}): Promise<Uint8Array> {
  const hardCap = options.maxBytes ?? MAX_REMOTE_ATTACHMENT_BYTES
  const declared = options.contentLength
  const byDeclaration = declared !== undefined && Number.isSafeInteger(declared) && declared >= 0 && declared + DECLARED_SIZE_SLACK_BYTES < hardCap
  const limit = byDeclaration ? declared + DECLARED_SIZE_SLACK_BYTES : hardCap
  const controller = new AbortController()
  const timeoutMs = options.timeoutMs ?? ATTACHMENT_TIMEOUT_MS
  const timer = setTimeout(() => controller.abort(new AttachmentDownloadError(`the attachment took longer than ${Math.round(timeoutMs / 1000)} s to download`)), timeoutMs)
  try {
    let current = url
    for (let hop = 0; ; hop++) {
      const problem = attachmentUrlProblem(current)
      if (problem) throw new AttachmentDownloadError(hop === 0 ? `Not downloaded: ${problem}` : `Not downloaded: the attachment host redirected to a refused link (${problem})`)
      let response: Response
      try {
        response = await fetchFn(current, { credentials: 'omit', redirect: 'manual', referrerPolicy: 'no-referrer', cache: 'no-store', signal: controller.signal })
      } catch (cause) {
        if (controller.signal.reason instanceof AttachmentDownloadError) throw controller.signal.reason
        throw new AttachmentDownloadError('the attachment could not be downloaded', { cause })
      }
      // A browser hides a manual redirect's target (an opaque answer): it cannot be checked, so it is not followed.
      if (response.type === 'opaqueredirect') throw new AttachmentDownloadError('Not downloaded: the attachment host redirected elsewhere')
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get('location')
        await response.body?.cancel().catch(() => undefined)
        if (!location || hop >= MAX_REDIRECTS) throw new AttachmentDownloadError('Not downloaded: the attachment host redirected too often or nowhere')
        current = new URL(location, current).href
        continue
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined)
        throw new AttachmentDownloadError(`the attachment could not be downloaded (HTTP ${response.status})`)
      }
      return await readAtMost(response, limit, byDeclaration)
    }
  } catch (error) {
    if (error instanceof AttachmentDownloadError) throw error
    if (controller.signal.reason instanceof AttachmentDownloadError) throw controller.signal.reason
    throw new AttachmentDownloadError('the attachment could not be downloaded', { cause: error })
  } finally {
    clearTimeout(timer)
  }
}

async function readAtMost(response: Response, limit: number, byDeclaration: boolean): Promise<Uint8Array> {
  const tooLarge = () =>
    new AttachmentDownloadError(byDeclaration ? `Not downloaded: the attachment is larger than its message declared (${limit - DECLARED_SIZE_SLACK_BYTES} bytes)` : `Not downloaded: the attachment is larger than ${limit} bytes`)
  const header = Number(response.headers.get('content-length'))
  if (response.headers.has('content-length') && Number.isFinite(header) && header > limit) {
    await response.body?.cancel().catch(() => undefined)
    throw tooLarge()
  }
  if (!response.body) return new Uint8Array(await response.arrayBuffer())
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge()
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.byteLength
  }
  return out
}
