// The HTTP side of the message API client: one POST with the client's headers, a
// timeout, and the mapping of every way it can fail onto the typed errors. No retries
// here (see retry.ts and client.ts) and no knowledge of message shapes (src/wire/message-api.ts).

import { ApiError, NetworkError, ResponseFormatError, ResponseTooLargeError, apiErrorFor, codeForHttpStatus, redact } from './errors.ts'
import { parseErrorBody } from '../../wire/message-api.ts'
import { parseRetryAfter } from './retry.ts'

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>

export interface PostOptions {
  method: string
  headers?: Record<string, string>
  signal?: AbortSignal
  /** Abort and fail with a NetworkError after this long (whole request, body included). 0 = none. */
  timeoutMs: number
  /** Text that must never appear in an error message (the auth token). */
  secret?: string
  /** Stop reading and fail with ResponseTooLargeError once the answer passes this many bytes. */
  maxResponseBytes?: number
}

/** The body as text, reading no more than `maxBytes` of it (the rest is never buffered). */
async function boundedText(response: Response, method: string, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined)
    throw new ResponseTooLargeError(method, maxBytes)
  }
  if (!response.body) return response.text()
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let total = 0
  let text = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new ResponseTooLargeError(method, maxBytes)
    }
    text += decoder.decode(value, { stream: true })
  }
  return text + decoder.decode()
}

/** Checks and normalises a base URL: http(s), no query or fragment, no trailing slash. */
export function normaliseApiUrl(apiUrl: unknown): string {
  if (typeof apiUrl !== 'string' || apiUrl.length === 0) throw new TypeError('apiUrl must be a non-empty string')
  let url: URL
  try {
    url = new URL(apiUrl)
  } catch {
    throw new TypeError('apiUrl must be an absolute http(s) URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('apiUrl must use http or https')
  if (url.search || url.hash) throw new TypeError('apiUrl must not have a query or fragment')
  if (url.username || url.password) throw new TypeError('apiUrl must not contain credentials')
  return url.origin + url.pathname.replace(/\/+$/, '')
}

/**
 * A signal that aborts when `outer` does or after `timeoutMs`. `timedOut()` tells
 * the two apart; `dispose()` clears the timer.
 */
export function linkedSignal(outer: AbortSignal | undefined, timeoutMs: number) {
  const controller = new AbortController()
  let timedOut = false
  const onAbort = () => controller.abort(outer?.reason)
  if (outer?.aborted) controller.abort(outer.reason)
  else outer?.addEventListener('abort', onAbort, { once: true })
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true
          controller.abort(new Error('timeout'))
        }, timeoutMs)
      : undefined
  return {
    signal: controller.signal,
    abort: (reason?: unknown) => controller.abort(reason),
    timedOut: () => timedOut,
    dispose() {
      if (timer !== undefined) clearTimeout(timer)
      outer?.removeEventListener('abort', onAbort)
    },
  }
}

/** The caller's own abort: rethrown as its reason (usually a DOMException AbortError), never retried. */
export function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted', 'AbortError')
}

function failureText(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause
  if (cause && typeof cause.code === 'string') return cause.code // ECONNREFUSED, ECONNRESET, …
  if (error instanceof Error) return error.message
  return String(error)
}

/** Turns a non-2xx answer into the typed error, reading `{code, message, details}` when present. */
export async function errorFromResponse(response: Response, method: string, nowMs: number, secret?: string): Promise<ApiError> {
  let text = ''
  try {
    text = await response.text()
  } catch {
    // The status alone still says what happened.
  }
  let body: ReturnType<typeof parseErrorBody>
  try {
    body = parseErrorBody(JSON.parse(text))
  } catch {
    body = undefined
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), nowMs)
  return apiErrorFor({
    method,
    httpStatus: response.status,
    code: body?.code ?? codeForHttpStatus(response.status),
    serverMessage: redact(body?.message ?? '', secret),
    details: body?.details ?? [],
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  })
}

/**
 * POSTs `body` as JSON and returns the parsed JSON answer. Throws ApiError subclasses
 * for error answers, NetworkError when no (complete) answer arrived, and the caller's
 * abort reason when `signal` aborted.
 */
export async function postJson(fetchFn: FetchFn, url: string, body: unknown, options: PostOptions, nowMs: () => number): Promise<unknown> {
  const link = linkedSignal(options.signal, options.timeoutMs)
  const fail = (error: unknown): never => {
    if (options.signal?.aborted) throw abortReason(options.signal)
    if (error instanceof ApiError) throw error
    const why = link.timedOut() ? `timed out after ${options.timeoutMs} ms` : redact(failureText(error), options.secret)
    throw new NetworkError(`${options.method} failed: no answer from the node (${why})`, { method: options.method, cause: error })
  }
  try {
    let response: Response
    try {
      // No Content-Type, as xmtp-js: the node parses any body as JSON, and a browser
      // then needs no CORS preflight for the unauthenticated calls.
      response = await fetchFn(url, { method: 'POST', body: JSON.stringify(body), headers: options.headers ?? {}, signal: link.signal })
    } catch (error) {
      return fail(error)
    }
    if (!response.ok) throw await errorFromResponse(response, options.method, nowMs(), options.secret)
    let text: string
    try {
      text = options.maxResponseBytes === undefined ? await response.text() : await boundedText(response, options.method, options.maxResponseBytes)
    } catch (error) {
      if (error instanceof ResponseTooLargeError) throw error
      return fail(error)
    }
    try {
      return JSON.parse(text)
    } catch {
      throw new ResponseFormatError(`${options.method} failed: the node's answer is not JSON`, { method: options.method, httpStatus: response.status })
    }
  } catch (error) {
    return fail(error)
  } finally {
    link.dispose()
  }
}
