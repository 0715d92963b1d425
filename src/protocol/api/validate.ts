// Boundary checks for what callers hand the API client, with labelled TypeError /
// RangeError, so a bad argument fails here and not as a confusing node error.
// Limits are the node's (../shared/protocol/xmtp-v2.md §13.1, §13.4, §13.5).

import { SortDirection, type Envelope, type QueryRequest } from '../../wire/message-api.ts'

export const MAX_TOPIC_LENGTH = 300
export const MAX_MESSAGE_BYTES = 1_048_214
export const MAX_PAGE_SIZE = 100
export const MAX_BATCH_SIZE = 50

const UINT64_MAX = (1n << 64n) - 1n

export function checkTopic(topic: unknown, label: string): string {
  if (typeof topic !== 'string' || topic.length === 0) throw new TypeError(`${label} must be a non-empty string`)
  if (topic.length > MAX_TOPIC_LENGTH) throw new RangeError(`${label} must be at most ${MAX_TOPIC_LENGTH} characters`)
  return topic
}

export function checkTopics(topics: unknown, label: string): string[] {
  if (!Array.isArray(topics) || topics.length === 0) throw new TypeError(`${label} must be a non-empty array of topics`)
  return topics.map((t, i) => checkTopic(t, `${label}[${i}]`))
}

function checkUint64(value: unknown, label: string): bigint {
  if (typeof value !== 'bigint') throw new TypeError(`${label} must be a bigint (nanoseconds)`)
  if (value < 0n || value > UINT64_MAX) throw new RangeError(`${label} must be in the uint64 range`)
  return value
}

/** A Date or a bigint of nanoseconds since the epoch → ns. Numbers are refused (ms or ns?). */
export function toNs(time: unknown, label: string): bigint {
  if (time instanceof Date) {
    const ms = time.getTime()
    if (Number.isNaN(ms)) throw new RangeError(`${label} is an invalid Date`)
    if (ms < 0) throw new RangeError(`${label} must not be before 1970`)
    return BigInt(ms) * 1_000_000n
  }
  if (typeof time === 'bigint') return checkUint64(time, label)
  throw new TypeError(`${label} must be a Date or a bigint of nanoseconds`)
}

export function checkEnvelope(envelope: unknown, label: string): Envelope {
  if (typeof envelope !== 'object' || envelope === null) throw new TypeError(`${label} must be an envelope object`)
  const e = envelope as Partial<Envelope>
  checkTopic(e.contentTopic, `${label}.contentTopic`)
  checkUint64(e.timestampNs, `${label}.timestampNs`)
  if (!(e.message instanceof Uint8Array) || e.message.length === 0) throw new TypeError(`${label}.message must be a non-empty Uint8Array`)
  if (e.message.length > MAX_MESSAGE_BYTES) throw new RangeError(`${label}.message must be at most ${MAX_MESSAGE_BYTES} bytes`)
  return { contentTopic: e.contentTopic!, timestampNs: e.timestampNs!, message: e.message }
}

export function checkPageSize(size: unknown, label: string): number {
  if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > MAX_PAGE_SIZE) {
    throw new RangeError(`${label} must be an integer in 1..${MAX_PAGE_SIZE}`)
  }
  return size as number
}

export type DirectionInput = 'ascending' | 'descending' | SortDirection

export function toDirection(direction: unknown, label: string): SortDirection {
  if (direction === undefined || direction === 'ascending' || direction === SortDirection.SORT_DIRECTION_ASCENDING) {
    return SortDirection.SORT_DIRECTION_ASCENDING
  }
  if (direction === 'descending' || direction === SortDirection.SORT_DIRECTION_DESCENDING) return SortDirection.SORT_DIRECTION_DESCENDING
  throw new TypeError(`${label} must be 'ascending' or 'descending'`)
}

/**
 * Checks a raw QueryRequest and makes its paging explicit: the node's default order is
 * DESCENDING (§14 item 13), ours is ASCENDING as in xmtp-js, so `direction` is always sent.
 */
export function normaliseQueryRequest(request: unknown, label: string): QueryRequest {
  if (typeof request !== 'object' || request === null) throw new TypeError(`${label} must be a query request object`)
  const r = request as Partial<QueryRequest>
  const out: QueryRequest = { contentTopics: checkTopics(r.contentTopics, `${label}.contentTopics`) }
  if (r.startTimeNs !== undefined) out.startTimeNs = checkUint64(r.startTimeNs, `${label}.startTimeNs`)
  if (r.endTimeNs !== undefined) out.endTimeNs = checkUint64(r.endTimeNs, `${label}.endTimeNs`)
  const paging = r.pagingInfo
  if (paging !== undefined && (typeof paging !== 'object' || paging === null)) throw new TypeError(`${label}.pagingInfo must be an object`)
  const limit = paging?.limit ?? 0
  if (limit !== 0) checkPageSize(limit, `${label}.pagingInfo.limit`)
  const direction = paging?.direction
  out.pagingInfo = {
    limit: limit === 0 ? MAX_PAGE_SIZE : limit,
    direction: direction === undefined || direction === SortDirection.SORT_DIRECTION_UNSPECIFIED ? SortDirection.SORT_DIRECTION_ASCENDING : toDirection(direction, `${label}.pagingInfo.direction`),
  }
  if (paging?.cursor !== undefined) {
    const c = paging.cursor
    if (typeof c !== 'object' || c === null || !(c.digest instanceof Uint8Array)) throw new TypeError(`${label}.pagingInfo.cursor must be an index cursor`)
    out.pagingInfo.cursor = { digest: c.digest, senderTimeNs: checkUint64(c.senderTimeNs, `${label}.pagingInfo.cursor.senderTimeNs`) }
  }
  return out
}

/** What ApiClient.query / queryIterator take (and a subscription's gap fill asks). */
export interface QueryParams {
  contentTopic?: string
  contentTopics?: string[]
  /** Inclusive lower bound on the sender timestamp. */
  startTime?: Date | bigint
  /** Inclusive upper bound on the sender timestamp. */
  endTime?: Date | bigint
  /** Default 'ascending' (sent explicitly; the node's own default is descending). */
  direction?: DirectionInput
  /** Rows per request, 1..100. Default 100. */
  pageSize?: number
  /** Stop after this many envelopes in total. */
  limit?: number
  signal?: AbortSignal
}

/** The request `params` describe (first page: limit 100, no cursor), checked with labelled errors. */
export function queryRequestFromParams(params: QueryParams): QueryRequest {
  if (typeof params !== 'object' || params === null) throw new TypeError('params must be an object')
  let topics: string[]
  if (params.contentTopics !== undefined) {
    if (params.contentTopic !== undefined) throw new TypeError('params must have contentTopic or contentTopics, not both')
    topics = checkTopics(params.contentTopics, 'params.contentTopics')
  } else {
    topics = [checkTopic(params.contentTopic, 'params.contentTopic')]
  }
  const request: QueryRequest = {
    contentTopics: topics,
    pagingInfo: { limit: MAX_PAGE_SIZE, direction: toDirection(params.direction, 'params.direction') },
  }
  if (params.startTime !== undefined) request.startTimeNs = toNs(params.startTime, 'params.startTime')
  if (params.endTime !== undefined) request.endTimeNs = toNs(params.endTime, 'params.endTime')
  if (request.startTimeNs !== undefined && request.endTimeNs !== undefined && request.startTimeNs > request.endTimeNs) {
    throw new RangeError('params.startTime must not be after params.endTime')
  }
  return request
}
