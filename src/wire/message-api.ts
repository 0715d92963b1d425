// The XMTP message API v1 as its HTTP gateway speaks it (../shared/protocol/xmtp-v2.md §12):
// one table of methods, the request/response shapes, and a protojson codec for them.
// Both sides use this module: the node parses requests and writes responses with it,
// the client writes requests and parses responses with it.
//
// JSON rules (§12.3): camelCase names; uint64 as decimal strings (xmtp-js crashes on
// JSON numbers); bytes as standard padded base64; enums by name. Output follows
// protojson with EmitUnpopulated (every non-oneof field present, unset messages null).
// Input is accepted as protojson accepts it: camelCase or snake_case names, uint64 as
// string or number, standard or URL-safe base64 with or without padding, enums by name
// or number, unknown fields ignored, null meaning unset.

import { fromBase64, toBase64 } from './bytes.ts'

export enum SortDirection {
  SORT_DIRECTION_UNSPECIFIED = 0,
  SORT_DIRECTION_ASCENDING = 1,
  SORT_DIRECTION_DESCENDING = 2,
}

export interface Envelope {
  contentTopic: string
  /** Sender timestamp in nanoseconds since the epoch. */
  timestampNs: bigint
  message: Uint8Array
}

export interface IndexCursor {
  digest: Uint8Array
  senderTimeNs: bigint
}

export interface PagingInfo {
  limit: number
  cursor?: IndexCursor
  direction: SortDirection
}

export interface QueryRequest {
  contentTopics: string[]
  startTimeNs?: bigint
  endTimeNs?: bigint
  pagingInfo?: PagingInfo
}

export interface QueryResponse {
  envelopes: Envelope[]
  pagingInfo?: PagingInfo
}

export interface PublishRequest {
  envelopes: Envelope[]
}

export interface SubscribeRequest {
  contentTopics: string[]
}

export interface BatchQueryRequest {
  requests: QueryRequest[]
}

export interface BatchQueryResponse {
  responses: QueryResponse[]
}

/** Every method of the message API: name → HTTP path and whether it streams. */
export const MESSAGE_API = {
  publish: { path: '/message/v1/publish', streaming: false },
  query: { path: '/message/v1/query', streaming: false },
  batchQuery: { path: '/message/v1/batch-query', streaming: false },
  subscribe: { path: '/message/v1/subscribe', streaming: true },
  subscribeAll: { path: '/message/v1/subscribe-all', streaming: true },
} as const

export type MessageApiMethod = keyof typeof MESSAGE_API

/** Request and response types of each method (streams yield Envelopes). */
export interface MessageApiTypes {
  publish: { request: PublishRequest; response: Record<string, never> }
  query: { request: QueryRequest; response: QueryResponse }
  batchQuery: { request: BatchQueryRequest; response: BatchQueryResponse }
  subscribe: { request: SubscribeRequest; response: Envelope }
  subscribeAll: { request: Record<string, never>; response: Envelope }
}

/** Malformed JSON for a message API shape; `path` names the offending field. */
export class WireFormatError extends TypeError {
  readonly path: string
  constructor(path: string, problem: string) {
    super(`${path} ${problem}`)
    this.name = 'WireFormatError'
    this.path = path
  }
}

const UINT64_MAX = (1n << 64n) - 1n
const UINT32_MAX = 0xffffffff

// ---------------------------------------------------------------- writing

export function envelopeToJson(e: Envelope) {
  return { contentTopic: e.contentTopic, timestampNs: e.timestampNs.toString(), message: toBase64(e.message) }
}

export function pagingInfoToJson(p: PagingInfo | undefined) {
  if (!p) return null
  return {
    limit: p.limit,
    cursor: p.cursor
      ? { index: { digest: toBase64(p.cursor.digest), senderTimeNs: p.cursor.senderTimeNs.toString() } }
      : null,
    direction: SortDirection[p.direction] ?? 'SORT_DIRECTION_UNSPECIFIED',
  }
}

export function queryRequestToJson(q: QueryRequest) {
  return {
    contentTopics: q.contentTopics,
    startTimeNs: (q.startTimeNs ?? 0n).toString(),
    endTimeNs: (q.endTimeNs ?? 0n).toString(),
    pagingInfo: pagingInfoToJson(q.pagingInfo),
  }
}

export function queryResponseToJson(r: QueryResponse) {
  return { envelopes: r.envelopes.map(envelopeToJson), pagingInfo: pagingInfoToJson(r.pagingInfo) }
}

export function publishRequestToJson(r: PublishRequest) {
  return { envelopes: r.envelopes.map(envelopeToJson) }
}

export function batchQueryRequestToJson(r: BatchQueryRequest) {
  return { requests: r.requests.map(queryRequestToJson) }
}

export function batchQueryResponseToJson(r: BatchQueryResponse) {
  return { responses: r.responses.map(queryResponseToJson) }
}

export function subscribeRequestToJson(r: SubscribeRequest) {
  return { contentTopics: r.contentTopics }
}

/** One line of a subscribe stream: `{"result": Envelope}` followed by a newline. */
export function streamLine(e: Envelope): string {
  return JSON.stringify({ result: envelopeToJson(e) }) + '\n'
}

// ---------------------------------------------------------------- reading

type Json = Record<string, unknown>

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new WireFormatError(path, 'must be a JSON object')
  return value as Json
}

/** Field by camelCase name or its snake_case original; null counts as absent. */
/** camelCase field name → its snake_case twin (a handful of names, each made once). */
const SNAKE = new Map<string, string>()

function field(obj: Json, camel: string): unknown {
  let snake = SNAKE.get(camel)
  if (snake === undefined) SNAKE.set(camel, (snake = camel.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())))
  const value = obj[camel] !== undefined ? obj[camel] : obj[snake]
  return value === null ? undefined : value
}

function string(value: unknown, path: string): string {
  if (value === undefined) return ''
  if (typeof value !== 'string') throw new WireFormatError(path, 'must be a string')
  return value
}

function uint64(value: unknown, path: string): bigint {
  if (value === undefined) return 0n
  let n: bigint
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new WireFormatError(path, 'must be an unsigned 64-bit integer (send large values as a decimal string)')
    n = BigInt(value)
  } else if (typeof value === 'string' && /^[0-9]{1,20}$/.test(value)) {
    n = BigInt(value)
  } else {
    throw new WireFormatError(path, 'must be an unsigned 64-bit integer as a decimal string')
  }
  if (n < 0n || n > UINT64_MAX) throw new WireFormatError(path, 'is out of the uint64 range')
  return n
}

function uint32(value: unknown, path: string): number {
  if (value === undefined) return 0
  const n = typeof value === 'string' && /^[0-9]{1,10}$/.test(value) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > UINT32_MAX) throw new WireFormatError(path, 'must be an unsigned 32-bit integer')
  return n
}

function bytes(value: unknown, path: string): Uint8Array {
  if (value === undefined) return new Uint8Array(0)
  if (typeof value !== 'string') throw new WireFormatError(path, 'must be a base64 string')
  try {
    return fromBase64(value, path)
  } catch {
    throw new WireFormatError(path, 'is not valid base64')
  }
}

function array(value: unknown, path: string): unknown[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new WireFormatError(path, 'must be an array')
  return value
}

function sortDirection(value: unknown, path: string): SortDirection {
  if (value === undefined) return SortDirection.SORT_DIRECTION_UNSPECIFIED
  if (typeof value === 'string' && value in SortDirection && Number.isNaN(Number(value))) {
    return SortDirection[value as keyof typeof SortDirection]
  }
  if (typeof value === 'number' && SortDirection[value] !== undefined) return value
  throw new WireFormatError(path, 'must be SORT_DIRECTION_ASCENDING, SORT_DIRECTION_DESCENDING or SORT_DIRECTION_UNSPECIFIED')
}

export function parseEnvelope(value: unknown, path = 'envelope'): Envelope {
  const obj = object(value, path)
  return {
    contentTopic: string(field(obj, 'contentTopic'), `${path}.contentTopic`),
    timestampNs: uint64(field(obj, 'timestampNs'), `${path}.timestampNs`),
    message: bytes(field(obj, 'message'), `${path}.message`),
  }
}

export function parsePagingInfo(value: unknown, path = 'pagingInfo'): PagingInfo | undefined {
  if (value === undefined || value === null) return undefined
  const obj = object(value, path)
  const info: PagingInfo = {
    limit: uint32(field(obj, 'limit'), `${path}.limit`),
    direction: sortDirection(field(obj, 'direction'), `${path}.direction`),
  }
  const cursor = field(obj, 'cursor')
  if (cursor !== undefined) {
    const index = field(object(cursor, `${path}.cursor`), 'index')
    if (index !== undefined) {
      const idx = object(index, `${path}.cursor.index`)
      info.cursor = {
        digest: bytes(field(idx, 'digest'), `${path}.cursor.index.digest`),
        senderTimeNs: uint64(field(idx, 'senderTimeNs'), `${path}.cursor.index.senderTimeNs`),
      }
    }
  }
  return info
}

function topics(value: unknown, path: string): string[] {
  return array(value, path).map((t, i) => {
    if (typeof t !== 'string') throw new WireFormatError(`${path}[${i}]`, 'must be a string')
    return t
  })
}

export function parseQueryRequest(value: unknown, path = 'request'): QueryRequest {
  const obj = object(value, path)
  const request: QueryRequest = {
    contentTopics: topics(field(obj, 'contentTopics'), `${path}.contentTopics`),
    startTimeNs: uint64(field(obj, 'startTimeNs'), `${path}.startTimeNs`),
    endTimeNs: uint64(field(obj, 'endTimeNs'), `${path}.endTimeNs`),
  }
  const paging = parsePagingInfo(field(obj, 'pagingInfo'), `${path}.pagingInfo`)
  if (paging) request.pagingInfo = paging
  return request
}

export function parseQueryResponse(value: unknown, path = 'response'): QueryResponse {
  const obj = object(value, path)
  const response: QueryResponse = {
    envelopes: array(field(obj, 'envelopes'), `${path}.envelopes`).map((e, i) => parseEnvelope(e, `${path}.envelopes[${i}]`)),
  }
  const paging = parsePagingInfo(field(obj, 'pagingInfo'), `${path}.pagingInfo`)
  if (paging) response.pagingInfo = paging
  return response
}

export function parsePublishRequest(value: unknown, path = 'request'): PublishRequest {
  const obj = object(value, path)
  return { envelopes: array(field(obj, 'envelopes'), `${path}.envelopes`).map((e, i) => parseEnvelope(e, `${path}.envelopes[${i}]`)) }
}

export function parseSubscribeRequest(value: unknown, path = 'request'): SubscribeRequest {
  const obj = object(value, path)
  return { contentTopics: topics(field(obj, 'contentTopics'), `${path}.contentTopics`) }
}

export function parseBatchQueryRequest(value: unknown, path = 'request'): BatchQueryRequest {
  const obj = object(value, path)
  return { requests: array(field(obj, 'requests'), `${path}.requests`).map((q, i) => parseQueryRequest(q, `${path}.requests[${i}]`)) }
}

export function parseBatchQueryResponse(value: unknown, path = 'response'): BatchQueryResponse {
  const obj = object(value, path)
  return { responses: array(field(obj, 'responses'), `${path}.responses`).map((r, i) => parseQueryResponse(r, `${path}.responses[${i}]`)) }
}

/** gRPC status codes, as error bodies carry them in `code` (§12.5). */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const

export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode]

/** A gRPC-style error body: `{code, message, details}` (§12.5). */
export interface ApiErrorBody {
  code: number
  message: string
  details: unknown[]
}

export function parseErrorBody(value: unknown): ApiErrorBody | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const obj = value as Json
  if (typeof obj.code !== 'number') return undefined
  return { code: obj.code, message: typeof obj.message === 'string' ? obj.message : '', details: Array.isArray(obj.details) ? obj.details : [] }
}

/**
 * One line of a subscribe stream. Returns the envelope, undefined for a line without
 * a message (ignored, as xmtp-js does), or throws with the stream error's body.
 */
export function parseStreamLine(line: string): Envelope | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw new WireFormatError('stream line', 'is not valid JSON')
  }
  const obj = object(value, 'stream line')
  if (obj.error !== undefined && obj.error !== null) {
    const body = parseErrorBody(obj.error)
    throw new WireFormatError('stream', `error ${body?.code ?? '?'}: ${body?.message ?? 'unknown'}`)
  }
  if (obj.result === undefined || obj.result === null) return undefined
  const envelope = parseEnvelope(obj.result, 'result')
  return envelope.message.length === 0 ? undefined : envelope
}
