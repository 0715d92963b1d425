// The bytes nodes exchange: one envelope batch format for gossip and for catch-up pages, and
// JSON catch-up requests. Decoding checks every length against the input and rejects trailing
// bytes, so a malformed frame from a peer is an error, never a partial read.
//
// Envelope batch (big-endian):
//   u8 version (1) | u8 flags (bit 0: more pages follow; bit 1: each envelope has a proof)
//   | u16 token length | token (UTF-8) | u32 envelope count | count × ( u16 topic length
//   | topic | u64 sender time ns | u32 message length | message [| u16 proof length | proof] )
// The token is the publisher's `Authorization` value, carried when a gossip batch holds an
// owner-only topic (contact-, privatestore-) so that every node can check the owner itself.
// Catch-up and anti-entropy pages mix envelopes of many publishers: there each envelope
// carries its own proof (the Authorization value it was stored with; empty when none).

import type { Envelope } from '../../wire/message-api.ts'
import type { ProvenEnvelope } from '../store/types.ts'

export const FRAME_VERSION = 1
const HEADER = 4
const ENVELOPE_OVERHEAD = 2 + 8 + 4
const MAX_TOKEN_BYTES = 0xffff

export interface EnvelopeBatch {
  envelopes: ProvenEnvelope[]
  /** The publisher's Authorization header value, when the batch needs it. */
  authorization?: string
  /** Catch-up pages: the responder has more after this page. */
  more?: boolean
}

export class FrameError extends Error {
  override readonly name = 'FrameError'
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function encodedBatchSize(envelopes: readonly ProvenEnvelope[], authorization = ''): number {
  const withProofs = envelopes.some((e) => e.proof)
  let size = HEADER + encoder.encode(authorization).length + 4
  for (const e of envelopes) size += envelopeFrameSize(e) + (withProofs && !e.proof ? 2 : 0)
  return size
}

/** Bytes one envelope takes inside a batch (with its proof, when it has one). */
export function envelopeFrameSize(e: ProvenEnvelope): number {
  return ENVELOPE_OVERHEAD + encoder.encode(e.contentTopic).length + e.message.length + (e.proof ? 2 + encoder.encode(e.proof).length : 0)
}

const FLAG_MORE = 1
const FLAG_PROOFS = 2

export function encodeBatch(batch: EnvelopeBatch): Uint8Array {
  const token = encoder.encode(batch.authorization ?? '')
  if (token.length > MAX_TOKEN_BYTES) throw new FrameError(`authorization is ${token.length} bytes, at most ${MAX_TOKEN_BYTES}`)
  const topics = batch.envelopes.map((e) => encoder.encode(e.contentTopic))
  const withProofs = batch.envelopes.some((e) => e.proof)
  const proofs = withProofs ? batch.envelopes.map((e) => encoder.encode(e.proof ?? '')) : []
  let size = HEADER + token.length + 4
  batch.envelopes.forEach((e, i) => {
    if (topics[i]!.length > 0xffff) throw new FrameError(`envelope ${i}: topic is too long to frame`)
    size += ENVELOPE_OVERHEAD + topics[i]!.length + e.message.length
    if (withProofs) {
      if (proofs[i]!.length > MAX_TOKEN_BYTES) throw new FrameError(`envelope ${i}: proof is ${proofs[i]!.length} bytes, at most ${MAX_TOKEN_BYTES}`)
      size += 2 + proofs[i]!.length
    }
  })
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  out[0] = FRAME_VERSION
  out[1] = (batch.more ? FLAG_MORE : 0) | (withProofs ? FLAG_PROOFS : 0)
  view.setUint16(2, token.length)
  out.set(token, HEADER)
  let at = HEADER + token.length
  view.setUint32(at, batch.envelopes.length)
  at += 4
  batch.envelopes.forEach((e, i) => {
    const topic = topics[i]!
    view.setUint16(at, topic.length)
    out.set(topic, at + 2)
    at += 2 + topic.length
    view.setBigUint64(at, e.timestampNs)
    view.setUint32(at + 8, e.message.length)
    out.set(e.message, at + 12)
    at += 12 + e.message.length
    if (withProofs) {
      view.setUint16(at, proofs[i]!.length)
      out.set(proofs[i]!, at + 2)
      at += 2 + proofs[i]!.length
    }
  })
  return out
}

/** Decodes a batch; the envelopes' messages are copies, independent of `bytes`. */
export function decodeBatch(bytes: Uint8Array): EnvelopeBatch {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let at = 0
  const need = (n: number, what: string) => {
    if (at + n > bytes.length) throw new FrameError(`truncated frame: ${what} needs ${n} bytes at offset ${at} of ${bytes.length}`)
  }
  need(HEADER, 'the header')
  if (bytes[0] !== FRAME_VERSION) throw new FrameError(`unknown frame version ${bytes[0]}`)
  const flags = bytes[1]!
  if ((flags & ~(FLAG_MORE | FLAG_PROOFS)) !== 0) throw new FrameError(`unknown frame flags ${flags}`)
  const withProofs = (flags & FLAG_PROOFS) !== 0
  const tokenLength = view.getUint16(2)
  at = HEADER
  need(tokenLength, 'the authorization')
  const authorization = decodeText(bytes.subarray(at, at + tokenLength), 'authorization')
  at += tokenLength
  need(4, 'the envelope count')
  const count = view.getUint32(at)
  at += 4
  // Each envelope takes at least ENVELOPE_OVERHEAD bytes: a huge count cannot allocate.
  if (count * ENVELOPE_OVERHEAD > bytes.length - at) throw new FrameError(`frame claims ${count} envelopes in ${bytes.length - at} bytes`)
  const envelopes: ProvenEnvelope[] = []
  for (let i = 0; i < count; i++) {
    need(2, `envelope ${i} topic length`)
    const topicLength = view.getUint16(at)
    at += 2
    need(topicLength + 12, `envelope ${i}`)
    const contentTopic = decodeText(bytes.subarray(at, at + topicLength), `envelope ${i} topic`)
    at += topicLength
    const timestampNs = view.getBigUint64(at)
    const messageLength = view.getUint32(at + 8)
    at += 12
    need(messageLength, `envelope ${i} message`)
    const envelope: ProvenEnvelope = { contentTopic, timestampNs, message: bytes.slice(at, at + messageLength) }
    at += messageLength
    if (withProofs) {
      need(2, `envelope ${i} proof length`)
      const proofLength = view.getUint16(at)
      at += 2
      need(proofLength, `envelope ${i} proof`)
      if (proofLength > 0) envelope.proof = decodeText(bytes.subarray(at, at + proofLength), `envelope ${i} proof`)
      at += proofLength
    }
    envelopes.push(envelope)
  }
  if (at !== bytes.length) throw new FrameError(`${bytes.length - at} trailing bytes after ${count} envelopes`)
  const batch: EnvelopeBatch = { envelopes }
  if (authorization !== '') batch.authorization = authorization
  if (flags & FLAG_MORE) batch.more = true
  return batch
}

function decodeText(bytes: Uint8Array, what: string): string {
  try {
    return decoder.decode(bytes)
  } catch {
    throw new FrameError(`${what} is not valid UTF-8`)
  }
}

// ---- catch-up requests (JSON, one per stream) ----

/** Topics holding envelopes whose sender time is in [startNs, endNs], after `after`, sorted. */
export interface TopicsRequest {
  kind: 'topics'
  startNs: bigint
  endNs: bigint
  after: string
  limit: number
}

/** One page of a topic in [startNs, endNs], ascending, after the cursor (exclusive). */
export interface EnvelopesRequest {
  kind: 'envelopes'
  topic: string
  startNs: bigint
  endNs: bigint
  cursor?: { senderTimeNs: bigint; digest: Uint8Array }
  limit: number
}

/** Anti-entropy: a summary (count, XOR of digests) per time bucket of [startNs, endNs]. */
export interface BucketsRequest {
  kind: 'buckets'
  startNs: bigint
  endNs: bigint
  bucketNs: bigint
}

/** Anti-entropy: a summary per topic of the envelopes in [startNs, endNs], topics after `after`. */
export interface BucketTopicsRequest {
  kind: 'bucketTopics'
  startNs: bigint
  endNs: bigint
  after: string
  limit: number
}

export type CatchUpRequest = TopicsRequest | EnvelopesRequest | BucketsRequest | BucketTopicsRequest

/** At most this many buckets per summary request: the answer stays a few tens of KB. */
export const MAX_BUCKETS = 4096
const MIN_BUCKET_NS = 1_000_000_000n

export function encodeRequest(request: CatchUpRequest): Uint8Array {
  if (request.kind === 'buckets' || request.kind === 'bucketTopics') {
    const { startNs, endNs, ...rest } = request
    const extra = request.kind === 'buckets' ? { bucketNs: String(request.bucketNs) } : {}
    return encoder.encode(JSON.stringify({ ...rest, startNs: String(startNs), endNs: String(endNs), ...extra }))
  }
  const json =
    request.kind === 'topics'
      ? { kind: 'topics', startNs: String(request.startNs), endNs: String(request.endNs), after: request.after, limit: request.limit }
      : {
          kind: 'envelopes',
          topic: request.topic,
          startNs: String(request.startNs),
          endNs: String(request.endNs),
          limit: request.limit,
          ...(request.cursor && { cursor: { senderTimeNs: String(request.cursor.senderTimeNs), digest: Buffer.from(request.cursor.digest).toString('hex') } }),
        }
  return encoder.encode(JSON.stringify(json))
}

const uint64Text = /^[0-9]{1,20}$/

function nanos(value: unknown, field: string): bigint {
  if (typeof value !== 'string' || !uint64Text.test(value) || BigInt(value) >= 1n << 64n) throw new FrameError(`${field} must be a uint64 decimal string`)
  return BigInt(value)
}

function limit(value: unknown, max: number): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) throw new FrameError(`limit must be an integer from 1 to ${max}`)
  return value as number
}

export const MAX_TOPICS_PAGE = 1000
export const MAX_ENVELOPES_PAGE = 100

export function decodeRequest(bytes: Uint8Array): CatchUpRequest {
  let json: Record<string, unknown>
  try {
    json = JSON.parse(decodeText(bytes, 'request'))
  } catch (err) {
    throw err instanceof FrameError ? err : new FrameError('request is not JSON')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new FrameError('request must be a JSON object')
  if (json.kind !== 'topics' && json.kind !== 'envelopes' && json.kind !== 'buckets' && json.kind !== 'bucketTopics') {
    throw new FrameError('kind must be topics, envelopes, buckets or bucketTopics')
  }
  const startNs = nanos(json.startNs, 'startNs')
  const endNs = nanos(json.endNs, 'endNs')
  if (json.kind === 'buckets') {
    const bucketNs = nanos(json.bucketNs, 'bucketNs')
    if (bucketNs < MIN_BUCKET_NS) throw new FrameError('bucketNs must be at least one second')
    if (endNs < startNs || (endNs - startNs) / bucketNs >= BigInt(MAX_BUCKETS)) throw new FrameError(`a summary spans at most ${MAX_BUCKETS} buckets`)
    return { kind: 'buckets', startNs, endNs, bucketNs }
  }
  if (json.kind === 'bucketTopics') {
    if (typeof json.after !== 'string') throw new FrameError('after must be a string')
    if (endNs < startNs) throw new FrameError('endNs must not precede startNs')
    return { kind: 'bucketTopics', startNs, endNs, after: json.after, limit: limit(json.limit, MAX_TOPICS_PAGE) }
  }
  if (json.kind === 'topics') {
    if (typeof json.after !== 'string') throw new FrameError('after must be a string')
    return { kind: 'topics', startNs, endNs, after: json.after, limit: limit(json.limit, MAX_TOPICS_PAGE) }
  }
  if (json.kind === 'envelopes') {
    if (typeof json.topic !== 'string' || json.topic === '') throw new FrameError('topic must be a non-empty string')
    const request: EnvelopesRequest = { kind: 'envelopes', topic: json.topic, startNs, endNs, limit: limit(json.limit, MAX_ENVELOPES_PAGE) }
    if (json.cursor !== undefined) {
      const cursor = json.cursor as Record<string, unknown>
      if (typeof cursor !== 'object' || cursor === null || typeof cursor.digest !== 'string' || !/^([0-9a-f]{2})+$/.test(cursor.digest)) {
        throw new FrameError('cursor must hold senderTimeNs and a hex digest')
      }
      request.cursor = { senderTimeNs: nanos(cursor.senderTimeNs, 'cursor.senderTimeNs'), digest: new Uint8Array(Buffer.from(cursor.digest, 'hex')) }
    }
    return request
  }
  throw new FrameError('kind must be topics or envelopes')
}

export function encodeTopics(topics: string[], more: boolean): Uint8Array {
  return encoder.encode(JSON.stringify({ topics, more }))
}

export function decodeTopics(bytes: Uint8Array): { topics: string[]; more: boolean } {
  let json: { topics?: unknown; more?: unknown }
  try {
    json = JSON.parse(decodeText(bytes, 'topics answer'))
  } catch (err) {
    throw err instanceof FrameError ? err : new FrameError('topics answer is not JSON')
  }
  if (!Array.isArray(json?.topics) || !json.topics.every((t) => typeof t === 'string') || typeof json.more !== 'boolean') {
    throw new FrameError('topics answer must be { topics: string[], more: boolean }')
  }
  return { topics: json.topics as string[], more: json.more }
}

// ---- anti-entropy answers (JSON) ----

/** count and hex XOR of digests: what two nodes compare per bucket or per topic. */
export type SummaryJson = [count: number, hashHex: string]

export interface BucketsAnswer {
  /** [bucket index, count, hash] for each non-empty bucket. */
  buckets: [number, ...SummaryJson][]
  /** The responder stopped scanning at its row cap: the summaries are incomplete. */
  truncated: boolean
}

export interface BucketTopicsAnswer {
  topics: [string, ...SummaryJson][]
  more: boolean
  truncated: boolean
}

export function encodeJson(value: BucketsAnswer | BucketTopicsAnswer): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

const summaryOk = (count: unknown, hash: unknown) => Number.isInteger(count) && (count as number) > 0 && typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash)

export function decodeBuckets(bytes: Uint8Array): BucketsAnswer {
  const json = parseJson(bytes, 'buckets answer') as Partial<BucketsAnswer>
  if (!Array.isArray(json?.buckets) || typeof json.truncated !== 'boolean' || json.buckets.length > MAX_BUCKETS) throw new FrameError('buckets answer must be { buckets: [index, count, hash][], truncated }')
  for (const b of json.buckets) {
    if (!Array.isArray(b) || b.length !== 3 || !Number.isInteger(b[0]) || b[0] < 0 || b[0] >= MAX_BUCKETS || !summaryOk(b[1], b[2])) throw new FrameError('malformed bucket summary')
  }
  return json as BucketsAnswer
}

export function decodeBucketTopics(bytes: Uint8Array): BucketTopicsAnswer {
  const json = parseJson(bytes, 'bucket topics answer') as Partial<BucketTopicsAnswer>
  if (!Array.isArray(json?.topics) || typeof json.more !== 'boolean' || typeof json.truncated !== 'boolean' || json.topics.length > MAX_TOPICS_PAGE) {
    throw new FrameError('bucket topics answer must be { topics: [topic, count, hash][], more, truncated }')
  }
  for (const t of json.topics) {
    if (!Array.isArray(t) || t.length !== 3 || typeof t[0] !== 'string' || t[0] === '' || !summaryOk(t[1], t[2])) throw new FrameError('malformed topic summary')
  }
  return json as BucketTopicsAnswer
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(decodeText(bytes, what))
  } catch (err) {
    throw err instanceof FrameError ? err : new FrameError(`${what} is not JSON`)
  }
}
