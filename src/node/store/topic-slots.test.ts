// The SQLite query statement's size must not follow the client's topic count (issue 14).
import { describe, expect, it } from 'vitest'
import { SqliteEnvelopeStore, topicSlots } from './sqlite.ts'

describe('query statement size', () => {
  it('fills power-of-two topic slots, and any topic count up to the cap answers correctly', async () => {
    expect([1, 2, 3, 4, 5, 1000, 1024, 1025].map(topicSlots)).toEqual([1, 2, 4, 4, 8, 1024, 1024, 2048])
    expect(() => topicSlots(16_385)).toThrow(RangeError)
    const store = new SqliteEnvelopeStore({ path: ':memory:' })
    await store.insert([
      { contentTopic: '/t/last', timestampNs: 1n, message: new Uint8Array([1]) },
      { contentTopic: '/t/0', timestampNs: 2n, message: new Uint8Array([2]) },
    ])
    for (const n of [3, 5, 999, 10_000]) {
      const topics = [...Array.from({ length: n - 1 }, (_, i) => `/t/${i}`), '/t/last']
      const rows = await store.query({ topics, ascending: true, limit: 10 })
      expect(rows.map((r) => r.contentTopic)).toEqual(['/t/last', '/t/0'])
    }
    // The padding repeats the last topic; it must not duplicate rows.
    expect(await store.query({ topics: ['/t/0', '/t/x', '/t/last'], ascending: true, limit: 10 })).toHaveLength(2)
    await store.close()
  })
})
