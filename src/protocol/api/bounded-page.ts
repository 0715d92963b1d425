// One query page read under hostile-input bounds (issue 19): the answer is read up to a byte
// cap (http.ts stops reading past it), and envelopes whose message is larger than the caller
// accepts are counted and dropped while still base64 text — never decoded. The page still
// counts them, so "the page came back full" and the node's cursor keep their meaning.
import { WireFormatError, parseEnvelope, parsePagingInfo, type Envelope, type QueryResponse } from '../../wire/message-api.ts'

export interface BoundedPageOptions {
  /** Fail with ResponseTooLargeError once the answer passes this many bytes (ask for fewer rows then). */
  maxResponseBytes: number
  /** Envelopes whose message is larger than this are dropped before any decoding. */
  maxMessageBytes?: number
}

export interface BoundedPage extends QueryResponse {
  /** Rows the node returned, kept or dropped (compare with the limit asked for). */
  rows: number
  /** Rows dropped because their message was over `maxMessageBytes`. */
  oversized: number
  /** Message bytes the page carried (base64 length × 3/4, kept and dropped). */
  bytes: number
}

/** The decoded size of a base64 string (padding aside, as the node sends it). */
function decodedSize(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  return Math.max(0, Math.floor((text.length * 3) / 4) - padding)
}

function messageText(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined
  const message = (raw as Record<string, unknown>).message
  return typeof message === 'string' ? message : undefined
}

/** Parses a QueryResponse JSON value under `maxMessageBytes` (see the header). */
export function parseBoundedPage(value: unknown, maxMessageBytes: number | undefined, path = 'response'): BoundedPage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new WireFormatError(path, 'must be a JSON object')
  const obj = value as Record<string, unknown>
  const list = obj.envelopes ?? null
  if (list !== null && !Array.isArray(list)) throw new WireFormatError(`${path}.envelopes`, 'must be an array')
  const envelopes: Envelope[] = []
  let oversized = 0
  let bytes = 0
  for (const [i, raw] of (list ?? []).entries()) {
    const text = messageText(raw)
    const size = text === undefined ? 0 : decodedSize(text)
    bytes += size
    if (maxMessageBytes !== undefined && size > maxMessageBytes) {
      oversized++
      continue
    }
    envelopes.push(parseEnvelope(raw, `${path}.envelopes[${i}]`))
  }
  const page: BoundedPage = { envelopes, rows: (list ?? []).length, oversized, bytes }
  const paging = parsePagingInfo(obj.pagingInfo ?? obj.paging_info ?? undefined, `${path}.pagingInfo`)
  if (paging) page.pagingInfo = paging
  return page
}
