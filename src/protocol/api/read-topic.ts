// Reading one topic a page at a time under a budget (issue 19): each page is handed to the
// caller and let go before the next is asked for, the answer of each request is read up to a
// byte cap, the page size shrinks when rows are large (and grows back when they are small),
// and the read stops where the pass budget runs out, returning the node's cursor to resume
// from. Nothing here holds more than one page.
import { ResponseFormatError, ResponseTooLargeError } from './errors.ts'
import type { BoundedPage, BoundedPageOptions } from './bounded-page.ts'
import { SortDirection, type Envelope, type IndexCursor, type QueryRequest } from '../../wire/message-api.ts'
import { equalBytes } from '../../wire/bytes.ts'

/** What one pass may still read, over every topic it reads; readTopic spends from it. */
export interface ReadBudget {
  envelopes: number
  /** Message bytes (as the node sends them, before decoding). */
  bytes: number
}

export interface ReadTopicOptions {
  /** Messages larger than this are dropped undecoded (counted in `oversized`). */
  maxMessageBytes?: number
  /** Cap on one answer's bytes; default 8 MiB (the page size adapts to stay under it). */
  maxResponseBytes?: number
  /** Resume after this cursor (from an earlier result), with the same request. */
  cursor?: IndexCursor
  /** Rows per request at first, 1..100 (default 100). */
  pageSize?: number
}

export interface ReadTopicResult {
  /** True when the query was read to its end; false when the budget ran out first. */
  complete: boolean
  /** Where to resume when not complete (pass it back as `cursor` with the same request). */
  cursor?: IndexCursor
  rows: number
  oversized: number
}

export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024
const MAX_ROWS = 100
/** JSON bytes a row takes besides its message's base64 (topic, timestamp, field names). */
const ROW_OVERHEAD_BYTES = 400

interface PageSource {
  queryBoundedPage(request: QueryRequest, bounds: BoundedPageOptions): Promise<BoundedPage>
}

export function budgetLeft(budget: ReadBudget): boolean {
  return budget.envelopes > 0 && budget.bytes > 0
}

/**
 * Reads `request` (its topics, times and direction; ascending when unset) page by page into
 * `onPage` until its end or until `budget` is spent. `onPage` runs before the next page is
 * asked for, so a page's envelopes can be released as soon as it returns.
 */
export async function readTopic(
  source: PageSource,
  request: QueryRequest,
  budget: ReadBudget,
  onPage: (envelopes: Envelope[], page: BoundedPage) => Promise<void> | void,
  options: ReadTopicOptions = {},
): Promise<ReadTopicResult> {
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  const direction = request.pagingInfo?.direction ?? SortDirection.SORT_DIRECTION_ASCENDING
  let limit = Math.min(MAX_ROWS, Math.max(1, options.pageSize ?? MAX_ROWS))
  let cursor = options.cursor
  let rows = 0
  let oversized = 0
  const bounds: BoundedPageOptions = { maxResponseBytes, ...(options.maxMessageBytes !== undefined ? { maxMessageBytes: options.maxMessageBytes } : {}) }
  for (;;) {
    if (!budgetLeft(budget)) return { complete: false, ...(cursor ? { cursor } : {}), rows, oversized }
    const asked = Math.max(1, Math.min(limit, budget.envelopes))
    let page: BoundedPage
    try {
      page = await source.queryBoundedPage({ ...request, pagingInfo: { limit: asked, direction, ...(cursor ? { cursor } : {}) } }, bounds)
    } catch (error) {
      // Rows too large for one answer: ask for fewer (one row always fits a node's 1 MiB message).
      if (error instanceof ResponseTooLargeError && asked > 1) {
        limit = Math.max(1, Math.floor(asked / 10))
        continue
      }
      throw error
    }
    rows += page.rows
    oversized += page.oversized
    budget.envelopes -= page.rows
    budget.bytes -= page.bytes
    await onPage(page.envelopes, page)
    const next = page.pagingInfo?.cursor
    if (page.rows < asked || !next) return { complete: true, rows, oversized }
    if (cursor && cursor.senderTimeNs === next.senderTimeNs && equalBytes(cursor.digest, next.digest)) {
      throw new ResponseFormatError('query failed: the node returned the same cursor twice', { method: 'query', httpStatus: 200 })
    }
    cursor = next
    // Aim the next answer at half the cap, from this page's bytes per row.
    const perRow = (page.bytes * 4) / 3 / Math.max(1, page.rows) + ROW_OVERHEAD_BYTES
    limit = Math.min(MAX_ROWS, Math.max(1, Math.floor(maxResponseBytes / 2 / perRow)))
  }
}
