// One message to the SQLite writer thread carrying every insert request of one event-loop turn.
//
// Structured clone copies a Uint8Array's whole backing ArrayBuffer, and a decoded message of a
// few hundred bytes is a view into Node's 8 KiB Buffer pool: cloned one by one, every envelope
// would cost the copy (and the allocation in the writer) of 8 KiB. Here the messages are copied
// once into one buffer that is transferred, not copied, and the rest travels as flat arrays.

import type { ProvenEnvelope } from './types.ts'

export interface InsertBatch {
  /** Envelopes per request, in order: each request stays atomic on its own. */
  counts: number[]
  topics: string[]
  /** As given (a plain array: an out-of-range value must fail in the writer, not wrap). */
  times: bigint[]
  sizes: Uint32Array
  /** Every message, back to back. */
  bytes: Uint8Array
  /** Owner proofs by envelope index, when any envelope has one. */
  proofs: (string | null)[] | undefined
}

/** Packs `requests`; the returned transfer list holds the one buffer to move. */
export function packBatch(requests: readonly (readonly ProvenEnvelope[])[]): { batch: InsertBatch; transfer: ArrayBuffer[] } {
  let total = 0
  let bytes = 0
  let anyProof = false
  for (const envelopes of requests) {
    total += envelopes.length
    for (const e of envelopes) {
      bytes += e.message.byteLength
      if (e.proof !== undefined) anyProof = true
    }
  }
  const counts: number[] = []
  const topics: string[] = []
  const times: bigint[] = []
  const sizes = new Uint32Array(total)
  const packed = new Uint8Array(bytes)
  const proofs = anyProof ? new Array<string | null>(total).fill(null) : undefined
  let i = 0
  let at = 0
  for (const envelopes of requests) {
    counts.push(envelopes.length)
    for (const e of envelopes) {
      topics.push(e.contentTopic)
      times.push(e.timestampNs)
      sizes[i] = e.message.byteLength
      packed.set(e.message, at)
      at += e.message.byteLength
      if (proofs && e.proof !== undefined) proofs[i] = e.proof
      i++
    }
  }
  return { batch: { counts, topics, times, sizes, bytes: packed, proofs }, transfer: [packed.buffer as ArrayBuffer] }
}

/** The requests of a batch again (messages are views into the batch's one buffer). */
export function unpackBatch(batch: InsertBatch): ProvenEnvelope[][] {
  const requests: ProvenEnvelope[][] = []
  let i = 0
  let at = 0
  for (const count of batch.counts) {
    const envelopes: ProvenEnvelope[] = []
    for (let n = 0; n < count; n++, i++) {
      const size = batch.sizes[i]!
      const envelope: ProvenEnvelope = { contentTopic: batch.topics[i]!, timestampNs: batch.times[i]!, message: batch.bytes.subarray(at, at + size) }
      const proof = batch.proofs?.[i]
      if (proof !== undefined && proof !== null) envelope.proof = proof
      envelopes.push(envelope)
      at += size
    }
    requests.push(envelopes)
  }
  return requests
}
