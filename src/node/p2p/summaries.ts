// Summaries of recent history for anti-entropy: per time bucket, and per topic within a
// bucket, the number of envelopes and the XOR of their digests. Two nodes holding the same
// envelopes in a range hold equal summaries; a difference shows where to fetch. XOR is order-
// free, so summaries are built in one pass over the store's keys (no payload is read).
//
// A scan stops at a row cap (a peer's request must not cost unbounded work): the answer then
// says it is truncated, and the asker leaves the range for a later round.

import type { EnvelopeKey, EnvelopeStore } from '../store/types.ts'
import type { BucketsAnswer, BucketTopicsAnswer, SummaryJson } from './frames.ts'

export interface Summary {
  count: number
  hash: Uint8Array
}

/** Rows one scan reads from the store per call. */
const SCAN_PAGE = 5_000
/** Rows one summary request may read in all (about 60 bytes of key each). */
export const MAX_SCAN_ROWS = 200_000

function add(summaries: Map<string | number, Summary>, key: string | number, digest: Uint8Array): void {
  let s = summaries.get(key)
  if (!s) summaries.set(key, (s = { count: 0, hash: new Uint8Array(32) }))
  s.count++
  for (let i = 0; i < 32 && i < digest.length; i++) s.hash[i]! ^= digest[i]!
}

export const summaryJson = (s: Summary): SummaryJson => [s.count, Buffer.from(s.hash).toString('hex')]
export const sameSummary = (mine: Summary | undefined, theirs: SummaryJson | undefined): boolean =>
  (mine === undefined && theirs === undefined) || (mine !== undefined && theirs !== undefined && mine.count === theirs[0] && summaryJson(mine)[1] === theirs[1])

/** Walks the keys of [startNs, endNs] from `after`, at most `maxRows`; `visit` false stops early. */
async function scan(store: EnvelopeStore, startNs: bigint, endNs: bigint, after: EnvelopeKey | undefined, maxRows: number, visit: (key: EnvelopeKey) => boolean): Promise<{ truncated: boolean; stopped: boolean }> {
  let read = 0
  for (;;) {
    const page = await store.scanKeys!({ startTimeNs: startNs, endTimeNs: endNs, ...(after && { after }), limit: Math.min(SCAN_PAGE, maxRows - read) })
    for (const key of page) if (!visit(key)) return { truncated: false, stopped: true }
    read += page.length
    if (page.length < SCAN_PAGE) return { truncated: read >= maxRows && page.length > 0, stopped: false }
    if (read >= maxRows) return { truncated: true, stopped: false }
    after = page.at(-1)
  }
}

/** Non-empty buckets of [startNs, endNs], bucket i covering [startNs + i·bucketNs, startNs + (i+1)·bucketNs). */
export async function bucketSummaries(store: EnvelopeStore, startNs: bigint, endNs: bigint, bucketNs: bigint, maxRows = MAX_SCAN_ROWS): Promise<{ buckets: Map<number, Summary>; truncated: boolean }> {
  const buckets = new Map<number, Summary>()
  const { truncated } = await scan(store, startNs, endNs, undefined, maxRows, (key) => {
    add(buckets as Map<string | number, Summary>, Number((key.timestampNs - startNs) / bucketNs), key.digest)
    return true
  })
  return { buckets, truncated }
}

export async function bucketsAnswer(store: EnvelopeStore, startNs: bigint, endNs: bigint, bucketNs: bigint): Promise<BucketsAnswer> {
  const { buckets, truncated } = await bucketSummaries(store, startNs, endNs, bucketNs)
  return { buckets: [...buckets].map(([i, s]) => [i, ...summaryJson(s)]), truncated }
}

/** Per-topic summaries of [startNs, endNs] for topics after `after`, at most `limit` whole topics. */
export async function topicSummaries(store: EnvelopeStore, startNs: bigint, endNs: bigint, after: string, limit: number, maxRows = MAX_SCAN_ROWS): Promise<{ topics: Map<string, Summary>; more: boolean; truncated: boolean }> {
  const topics = new Map<string, Summary>()
  // Past every key of `after`: the largest time and a digest longer than any real one.
  const start = after === '' ? undefined : { contentTopic: after, timestampNs: (1n << 64n) - 1n, digest: new Uint8Array(33).fill(0xff) }
  let more = false
  const { truncated } = await scan(store, startNs, endNs, start, maxRows, (key) => {
    if (!topics.has(key.contentTopic) && topics.size === limit) {
      more = true
      return false
    }
    add(topics as Map<string | number, Summary>, key.contentTopic, key.digest)
    return true
  })
  return { topics, more, truncated }
}

export async function bucketTopicsAnswer(store: EnvelopeStore, startNs: bigint, endNs: bigint, after: string, limit: number): Promise<BucketTopicsAnswer> {
  const { topics, more, truncated } = await topicSummaries(store, startNs, endNs, after, limit)
  return { topics: [...topics].map(([t, s]) => [t, ...summaryJson(s)]), more, truncated }
}
