// The behaviour every EnvelopeStore must have, as one suite run against each store
// (sqlite.test.ts, postgres.int.test.ts): node-go's dedup key, (timestamp, digest) ordering
// both ways, exclusive cursors, inclusive time bounds, limits, all-or-nothing inserts.

import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { EnvelopeStore, StoreQuery } from '../types.ts'

const enc = new TextEncoder()
const dec = new TextDecoder()
export const env = (topic: string, ts: bigint | number, text: string) => ({ contentTopic: topic, timestampNs: BigInt(ts), message: enc.encode(text) })
export const texts = (rows: { message: Uint8Array }[]) => rows.map((r) => dec.decode(r.message))
const q = (over: Partial<StoreQuery>): StoreQuery => ({ topics: ['t'], ascending: true, limit: 100, ...over })
const overflow = { contentTopic: 't', timestampNs: 1n << 64n, message: enc.encode('overflow') }

/** Runs the shared suite; `open` gives a new, empty store for each test. */
export function describeStoreContract(name: string, open: () => Promise<EnvelopeStore>): void {
  describe(`${name}: the EnvelopeStore contract`, () => {
    let store: EnvelopeStore | undefined
    const fresh = async () => (store = await open())
    afterEach(async () => {
      await store?.close()
      store = undefined
    })

    it('orders by (timestamp, digest) in both directions', async () => {
      const s = await fresh()
      await s.insert([env('t', 2, 'b'), env('t', 1, 'a'), env('t', 2, 'c'), env('t', 3, 'd'), env('t', 2, 'e')])
      const asc = await s.query(q({}))
      expect(asc.map((r) => r.timestampNs)).toEqual([1n, 2n, 2n, 2n, 3n])
      const tied = asc.slice(1, 4).map((r) => Buffer.from(r.digest))
      expect([...tied].sort(Buffer.compare)).toEqual(tied)
      const desc = await s.query(q({ ascending: false }))
      expect(texts(desc)).toEqual(texts(asc).reverse())
    })

    it('prunes (retention): deletes a topic range older than a time, in batches, and counts a dry run', async () => {
      const s = await fresh()
      const m = (id: string) => `/xmtp/0/m-${id}/proto`
      await s.insert([env(m('a'), 1, 'a1'), env(m('a'), 2, 'a2'), env(m('a'), 9, 'a9'), env(m('b'), 3, 'b3'), env('/xmtp/0/mE-a/proto', 1, 'eph'), env('/xmtp/0/contact-x/proto', 1, 'c')])
      const range = { from: '/xmtp/0/m-', to: '/xmtp/0/m.' }
      expect(await s.countOlder!(range, 5n)).toBe(3)
      const first = await s.deleteOlder!(range, 5n, 2)
      expect(first).toEqual({ deleted: 2, lastTopic: m('a') })
      const second = await s.deleteOlder!({ from: first.lastTopic!, to: range.to }, 5n, 2)
      expect(second).toEqual({ deleted: 1, lastTopic: m('b') })
      expect(await s.deleteOlder!(range, 5n, 2)).toEqual({ deleted: 0, lastTopic: undefined })
      expect(texts(await s.query(q({ topics: [m('a'), m('b'), '/xmtp/0/mE-a/proto', '/xmtp/0/contact-x/proto'] }))).sort()).toEqual(['a9', 'c', 'eph'])
      expect(await s.count()).toBe(3)
    })

    it('computes the digest as SHA-256(topic ‖ message)', async () => {
      const s = await fresh()
      await s.insert([env('t', 1, 'x')])
      const [row] = await s.query(q({}))
      expect(Buffer.from(row!.digest).toString('hex')).toBe(createHash('sha256').update('tx').digest('hex'))
    })

    it('continues after a cursor, exclusive, both directions; digest-only when the time is 0', async () => {
      const s = await fresh()
      await s.insert([1, 2, 3, 4, 5].map((i) => env('t', i, `m${i}`)))
      const all = await s.query(q({}))
      const third = all[2]!
      const cursor = { senderTimeNs: third.timestampNs, digest: third.digest }
      expect(texts(await s.query(q({ cursor })))).toEqual(['m4', 'm5'])
      expect(texts(await s.query(q({ ascending: false, cursor })))).toEqual(['m2', 'm1'])
      // A cursor without a digest is ignored (first page again).
      expect(await s.query(q({ cursor: { senderTimeNs: 3n, digest: new Uint8Array() } }))).toHaveLength(5)
      // Time 0: only the digest is compared (node-go quirk), both directions.
      const after = all.filter((r) => Buffer.compare(Buffer.from(r.digest), Buffer.from(third.digest)) > 0)
      const before = all.filter((r) => Buffer.compare(Buffer.from(r.digest), Buffer.from(third.digest)) < 0)
      expect(texts(await s.query(q({ cursor: { senderTimeNs: 0n, digest: third.digest } }))).sort()).toEqual(texts(after).sort())
      expect(texts(await s.query(q({ ascending: false, cursor: { senderTimeNs: 0n, digest: third.digest } }))).sort()).toEqual(texts(before).sort())
    })

    it('pages through ties on one timestamp with cursors, without loss or repeats', async () => {
      const s = await fresh()
      await s.insert(Array.from({ length: 9 }, (_, i) => env('t', 7, `tie${i}`)))
      for (const ascending of [true, false]) {
        const seen: string[] = []
        let page = await s.query(q({ ascending, limit: 2 }))
        while (page.length > 0) {
          seen.push(...texts(page))
          const last = page[page.length - 1]!
          page = await s.query(q({ ascending, limit: 2, cursor: { senderTimeNs: last.timestampNs, digest: last.digest } }))
        }
        expect(seen).toHaveLength(9)
        expect(new Set(seen).size).toBe(9)
      }
    })

    it('ignores duplicates (same topic, timestamp and message) and counts only new rows', async () => {
      const s = await fresh()
      expect(await s.count()).toBe(0)
      expect(await s.insert([env('t', 1, 'a'), env('t', 1, 'a')])).toBe(1)
      expect(await s.count()).toBe(1)
      expect(await s.insert([env('t', 1, 'a'), env('t', 2, 'a'), env('u', 1, 'a')])).toBe(2)
      expect(await s.count()).toBe(3)
    })

    it('filters by inclusive time bounds, topics and limit', async () => {
      const s = await fresh()
      await s.insert([...[10, 20, 30, 40].map((i) => env('t', i, `t${i}`)), env('u', 25, 'u25'), env('v', 26, 'v26')])
      expect(texts(await s.query(q({ startTimeNs: 20n, endTimeNs: 30n })))).toEqual(['t20', 't30'])
      expect(texts(await s.query(q({ topics: ['t', 'u'], startTimeNs: 20n, endTimeNs: 30n })))).toEqual(['t20', 'u25', 't30'])
      expect(texts(await s.query(q({ topics: ['t', 'u', 'v'], ascending: false, limit: 3 })))).toEqual(['t40', 't30', 'v26'])
      expect(texts(await s.query(q({ topics: ['t'], ascending: false, limit: 2 })))).toEqual(['t40', 't30'])
      expect(await s.query(q({ topics: [] }))).toEqual([])
      expect(await s.query(q({ limit: 0 }))).toEqual([])
    })

    it('keeps the full uint64 range in order', async () => {
      const s = await fresh()
      const max = (1n << 64n) - 1n
      await s.insert([env('t', max, 'max'), env('t', 0, 'zero'), env('t', 1n << 63n, 'mid'), env('t', (1n << 63n) - 1n, 'below')])
      expect((await s.query(q({}))).map((r) => r.timestampNs)).toEqual([0n, (1n << 63n) - 1n, 1n << 63n, max])
      expect(texts(await s.query(q({ startTimeNs: 1n << 63n })))).toEqual(['mid', 'max'])
    })

    it('keeps binary payloads byte for byte', async () => {
      const s = await fresh()
      const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) % 256)
      await s.insert([{ contentTopic: 't', timestampNs: 1n, message: bytes }])
      const [row] = await s.query(q({}))
      expect(Buffer.from(row!.message).equals(Buffer.from(bytes))).toBe(true)
    })

    it('inserts all or nothing', async () => {
      const s = await fresh()
      await expect(s.insert([env('t', 1, 'a'), overflow])).rejects.toThrow()
      expect(await s.count()).toBe(0)
    })

    it('keeps concurrent inserts atomic each', async () => {
      const s = await fresh()
      const results = await Promise.allSettled([s.insert([env('t', 1, 'a')]), s.insert([env('t', 2, 'b'), overflow]), s.insert([env('t', 3, 'c'), env('t', 4, 'd')])])
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
      expect(texts(await s.query(q({})))).toEqual(['a', 'c', 'd'])
    })

    it('lists topics holding an envelope at or after a time, sorted, paged after a topic', async () => {
      const s = await fresh()
      await s.insert([env('b', 1, 'old'), env('a', 5, 'x'), env('c', 10, 'y'), env('d', 7, 'z'), env('c', 11, 'w')])
      expect(await s.listTopics!({ startTimeNs: 5n, after: '', limit: 10 })).toEqual(['a', 'c', 'd'])
      expect(await s.listTopics!({ startTimeNs: 5n, after: 'a', limit: 1 })).toEqual(['c'])
      expect(await s.listTopics!({ startTimeNs: 0n, after: 'c', limit: 10 })).toEqual(['d'])
    })

    it('keeps an owner-only envelope\'s proof with it; the first stored copy\'s proof stays', async () => {
      const s = await fresh()
      await s.insert([{ ...env('t', 1, 'proven'), proof: 'Bearer first' }, env('t', 2, 'plain')])
      await s.insert([{ ...env('t', 1, 'proven'), proof: 'Bearer second' }])
      const rows = await s.query(q({}))
      expect(rows.map((r) => [texts([r])[0], r.proof])).toEqual([
        ['proven', 'Bearer first'],
        ['plain', undefined],
      ])
      expect('proof' in rows[1]!).toBe(false)
    })

    it('scans envelope keys in a time range in (topic, time, digest) order, after a key', async () => {
      const s = await fresh()
      await s.insert([env('b', 5, 'x'), env('a', 6, 'y'), env('a', 5, 'z'), env('a', 1, 'old'), env('c', 99, 'late'), env('a', 5, 'w')])
      const keys = await s.scanKeys!({ startTimeNs: 5n, endTimeNs: 10n, limit: 10 })
      expect(keys.map((k) => `${k.contentTopic}${k.timestampNs}`)).toEqual(['a5', 'a5', 'a6', 'b5'])
      expect(Buffer.compare(Buffer.from(keys[0]!.digest), Buffer.from(keys[1]!.digest))).toBe(-1)
      const rest = await s.scanKeys!({ startTimeNs: 5n, endTimeNs: 10n, after: keys[1]!, limit: 2 })
      expect(rest.map((k) => `${k.contentTopic}${k.timestampNs}`)).toEqual(['a6', 'b5'])
      const all = await s.scanKeys!({ startTimeNs: 0n, endTimeNs: (1n << 64n) - 1n, limit: 10 })
      expect(all).toHaveLength(6)
    })

    it('refuses inserts once closed', async () => {
      const s = await fresh()
      await s.close()
      await expect(s.insert([env('t', 2, 'too late')])).rejects.toThrow(/closed/)
    })
  })
}
