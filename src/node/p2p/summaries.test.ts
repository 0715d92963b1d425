import { afterEach, describe, expect, it } from 'vitest'
import { SqliteEnvelopeStore } from '../store/sqlite.ts'
import { decodeBuckets, decodeBucketTopics, decodeRequest, encodeJson, encodeRequest, FrameError } from './frames.ts'
import { bucketsAnswer, bucketSummaries, bucketTopicsAnswer, sameSummary, summaryJson, topicSummaries } from './summaries.ts'

const stores: SqliteEnvelopeStore[] = []
const open = () => {
  const store = new SqliteEnvelopeStore({ path: ':memory:' })
  stores.push(store)
  return store
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
})
const env = (topic: string, ts: bigint, text: string) => ({ contentTopic: topic, timestampNs: ts, message: new TextEncoder().encode(text) })
const history = [env('a', 10n, '1'), env('b', 15n, '2'), env('a', 25n, '3'), env('c', 29n, '4'), env('b', 31n, '5')]

describe('anti-entropy summaries', () => {
  it('are equal for equal histories whatever the insert order, and show the bucket and topic that differ', async () => {
    const [x, y] = [open(), open()]
    await x.insert(history)
    await y.insert([...history].reverse().filter((e) => e.timestampNs !== 25n))
    const mine = await bucketSummaries(x, 0n, 39n, 10n)
    const theirs = await bucketsAnswer(y, 0n, 39n, 10n)
    expect(theirs.truncated).toBe(false)
    const differing = theirs.buckets.filter(([i, c, h]) => !sameSummary(mine.buckets.get(i), [c, h])).map(([i]) => i)
    expect([...mine.buckets.keys()].sort()).toEqual([1, 2, 3])
    expect(differing).toEqual([2]) // [20, 30): 'a'@25 is missing in y
    const topics = await topicSummaries(x, 20n, 29n, '', 100)
    const theirTopics = await bucketTopicsAnswer(y, 20n, 29n, '', 100)
    expect(theirTopics.topics.map(([t]) => t)).toEqual(['c'])
    expect([...topics.topics.keys()]).toEqual(['a', 'c'])
    expect(sameSummary(topics.topics.get('c'), theirTopics.topics[0]!.slice(1) as [number, string])).toBe(true)
    expect(summaryJson(topics.topics.get('a')!)[0]).toBe(1)
  })

  it('page topics after a topic, whole topics only, and say when a row cap cut them short', async () => {
    const x = open()
    await x.insert(history)
    expect(await bucketTopicsAnswer(x, 0n, 100n, '', 2)).toMatchObject({ more: true, truncated: false })
    expect((await bucketTopicsAnswer(x, 0n, 100n, '', 2)).topics.map(([t, n]) => [t, n])).toEqual([['a', 2], ['b', 2]])
    expect((await bucketTopicsAnswer(x, 0n, 100n, 'b', 2)).topics.map(([t]) => t)).toEqual(['c'])
    expect((await bucketSummaries(x, 0n, 100n, 10n, 3)).truncated).toBe(true)
    expect((await bucketSummaries(x, 0n, 100n, 10n, 100)).truncated).toBe(false)
  })

  it('travel as checked frames', async () => {
    const buckets = { kind: 'buckets', startNs: 0n, endNs: 59_999_999_999n, bucketNs: 1_000_000_000n } as const
    expect(decodeRequest(encodeRequest(buckets))).toEqual(buckets)
    const topics = { kind: 'bucketTopics', startNs: 5n, endNs: 9n, after: 'a', limit: 10 } as const
    expect(decodeRequest(encodeRequest(topics))).toEqual(topics)
    expect(() => decodeRequest(encodeRequest({ ...buckets, bucketNs: 1n }))).toThrow(/at least one second/)
    expect(() => decodeRequest(encodeRequest({ ...buckets, endNs: 10_000n * 1_000_000_000n }))).toThrow(/at most 4096 buckets/)
    const x = open()
    await x.insert(history)
    const answer = await bucketsAnswer(x, 0n, 39n, 10n)
    expect(decodeBuckets(encodeJson(answer))).toEqual(answer)
    expect(() => decodeBuckets(new TextEncoder().encode('{"buckets":[[1,1,"zz"]],"truncated":false}'))).toThrow(FrameError)
    expect(() => decodeBucketTopics(new TextEncoder().encode('{"topics":[["",1,"00"]],"more":false,"truncated":false}'))).toThrow(FrameError)
  })
})
