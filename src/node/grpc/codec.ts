// The message API's protobuf messages (the generated static code from proto/) turned into the
// shapes the handlers share with the HTTP gateway (wire/message-api.ts), and back. Decoding is
// ours, not grpc-js's: a request that is not valid protobuf is the client's mistake and gets
// INVALID_ARGUMENT naming the method, never the INTERNAL grpc-js would answer.

import Long from 'long'
import { xmtp } from '../../gen/proto.js'
import type { BatchQueryRequest, BatchQueryResponse, Envelope, PagingInfo, PublishRequest, QueryRequest, QueryResponse, SortDirection, SubscribeRequest } from '../../wire/message-api.ts'
import { invalidArgument } from '../errors.ts'

const pb = xmtp.message_api.v1

const toBigInt = (value: Long | number | null | undefined): bigint => {
  if (value === null || value === undefined) return 0n
  if (typeof value === 'number') return BigInt(value)
  // Two 32-bit halves: cheaper than going through a decimal string for every envelope.
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0)
}

const toLong = (value: bigint): Long => Long.fromBits(Number(value & 0xffffffffn), Number((value >> 32n) & 0xffffffffn), true)

/** Decodes with the generated code; anything it refuses is INVALID_ARGUMENT. */
function decode<T>(what: string, bytes: Uint8Array, decoder: (bytes: Uint8Array) => T): T {
  try {
    return decoder(bytes)
  } catch (err) {
    throw invalidArgument(`${what} is not valid protobuf: ${err instanceof Error ? err.message : String(err)}`)
  }
}

type PbEnvelope = { contentTopic?: string | null; timestampNs?: Long | number | null; message?: Uint8Array | null }
type PbQuery = {
  contentTopics?: string[] | null
  startTimeNs?: Long | number | null
  endTimeNs?: Long | number | null
  pagingInfo?: {
    limit?: number | null
    direction?: number | null
    cursor?: { index?: { digest?: Uint8Array | null; senderTimeNs?: Long | number | null } | null } | null
  } | null
}

const envelopeFrom = (e: PbEnvelope): Envelope => ({
  contentTopic: e.contentTopic ?? '',
  timestampNs: toBigInt(e.timestampNs),
  message: e.message ?? new Uint8Array(0),
})

function queryFrom(q: PbQuery): QueryRequest {
  const request: QueryRequest = { contentTopics: q.contentTopics ?? [] }
  const start = toBigInt(q.startTimeNs)
  const end = toBigInt(q.endTimeNs)
  if (start) request.startTimeNs = start
  if (end) request.endTimeNs = end
  const paging = q.pagingInfo
  if (paging) {
    const info: PagingInfo = { limit: paging.limit ?? 0, direction: (paging.direction ?? 0) as SortDirection }
    const index = paging.cursor?.index
    if (index) info.cursor = { digest: index.digest ?? new Uint8Array(0), senderTimeNs: toBigInt(index.senderTimeNs) }
    request.pagingInfo = info
  }
  return request
}

export const decodePublishRequest = (bytes: Uint8Array): PublishRequest =>
  decode('PublishRequest', bytes, (b) => ({ envelopes: pb.PublishRequest.decode(b).envelopes.map(envelopeFrom) }))

export const decodeQueryRequest = (bytes: Uint8Array): QueryRequest => decode('QueryRequest', bytes, (b) => queryFrom(pb.QueryRequest.decode(b)))

export const decodeBatchQueryRequest = (bytes: Uint8Array): BatchQueryRequest =>
  decode('BatchQueryRequest', bytes, (b) => ({ requests: pb.BatchQueryRequest.decode(b).requests.map(queryFrom) }))

export const decodeSubscribeRequest = (bytes: Uint8Array): SubscribeRequest =>
  decode('SubscribeRequest', bytes, (b) => ({ contentTopics: pb.SubscribeRequest.decode(b).contentTopics }))

/** SubscribeAllRequest has no fields; it must still be protobuf. */
export const decodeSubscribeAllRequest = (bytes: Uint8Array): Record<string, never> => decode('SubscribeAllRequest', bytes, (b) => (pb.SubscribeAllRequest.decode(b), {}))

const envelopeTo = (e: Envelope) => ({ contentTopic: e.contentTopic, timestampNs: toLong(e.timestampNs), message: e.message })

function pagingTo(p: PagingInfo | undefined) {
  if (!p) return null
  return {
    limit: p.limit,
    direction: p.direction,
    cursor: p.cursor ? { index: { digest: p.cursor.digest, senderTimeNs: toLong(p.cursor.senderTimeNs) } } : null,
  }
}

const queryResponseTo = (r: QueryResponse) => ({ envelopes: r.envelopes.map(envelopeTo), pagingInfo: pagingTo(r.pagingInfo) })

export const encodeEnvelope = (e: Envelope): Buffer => toBuffer(pb.Envelope.encode(envelopeTo(e)).finish())
export const encodePublishResponse = (): Buffer => Buffer.alloc(0)
export const encodeQueryResponse = (r: QueryResponse): Buffer => toBuffer(pb.QueryResponse.encode(queryResponseTo(r)).finish())
export const encodeBatchQueryResponse = (r: BatchQueryResponse): Buffer =>
  toBuffer(pb.BatchQueryResponse.encode({ responses: r.responses.map(queryResponseTo) }).finish())

const toBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))

/** Request encoders, for tests and the benchmark's gRPC load (the client side of the codec). */
export const encodeRequest = {
  publish: (r: PublishRequest): Buffer => toBuffer(pb.PublishRequest.encode({ envelopes: r.envelopes.map(envelopeTo) }).finish()),
  query: (q: QueryRequest): Buffer => toBuffer(pb.QueryRequest.encode(queryTo(q)).finish()),
  batchQuery: (r: BatchQueryRequest): Buffer => toBuffer(pb.BatchQueryRequest.encode({ requests: r.requests.map(queryTo) }).finish()),
  subscribe: (r: SubscribeRequest): Buffer => toBuffer(pb.SubscribeRequest.encode(r).finish()),
}

function queryTo(q: QueryRequest) {
  return {
    contentTopics: q.contentTopics,
    startTimeNs: toLong(q.startTimeNs ?? 0n),
    endTimeNs: toLong(q.endTimeNs ?? 0n),
    pagingInfo: pagingTo(q.pagingInfo),
  }
}

/** Response decoders for tests and benchmarks. */
export const decodeResponse = {
  envelope: (bytes: Uint8Array): Envelope => envelopeFrom(pb.Envelope.decode(bytes)),
  query: (bytes: Uint8Array): QueryResponse => {
    const r = pb.QueryResponse.decode(bytes)
    const p = r.pagingInfo ? queryFrom({ pagingInfo: r.pagingInfo }).pagingInfo : undefined
    return { envelopes: r.envelopes.map(envelopeFrom), ...(p && { pagingInfo: p }) }
  },
  batchQuery: (bytes: Uint8Array): BatchQueryResponse => ({
    responses: pb.BatchQueryResponse.decode(bytes).responses.map((r) => {
      const p = r.pagingInfo ? queryFrom({ pagingInfo: r.pagingInfo }).pagingInfo : undefined
      return { envelopes: (r.envelopes ?? []).map(envelopeFrom), ...(p && { pagingInfo: p }) }
    }),
  }),
}
