import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { SqliteEnvelopeStore } from './sqlite.ts'
import type { StoreQuery } from './types.ts'

const enc = new TextEncoder()
const dec = new TextDecoder()
const env = (topic: string, ts: bigint | number, text: string) => ({ contentTopic: topic, timestampNs: BigInt(ts), message: enc.encode(text) })
const texts = (rows: { message: Uint8Array }[]) => rows.map((r) => dec.decode(r.message))

let store: SqliteEnvelopeStore
afterEach(async () => store?.close())

const q = (over: Partial<StoreQuery>): StoreQuery => ({ topics: ['t'], ascending: true, limit: 100, ...over })

describe('SqliteEnvelopeStore', () => {
  it('orders by (timestamp, digest) in both directions', async () => {
    store = new SqliteEnvelopeStore({ path: ':memory:' })
    await store.insert([env('t', 2, 'b'), env('t', 1, 'a'), env('t', 2, 'c'), env('t', 3, 'd')])
    const asc = await store.query(q({}))
    expect(asc.map((r) => r.timestampNs)).toEqual([1n, 2n, 2n, 3n])
    const tied = asc.slice(1, 3)
    expect(Buffer.compare(Buffer.from(tied[0]!.digest), Buffer.from(tied[1]!.digest))).toBe(-1)
    const desc = await store.query(q({ ascending: false }))
    expect(texts(desc)).toEqual(texts(asc).reverse())
  })

  it('computes the digest as SHA-256(topic ‖ message)', async () => {
    store = new SqliteEnvelopeStore({ path: ':memory:' })
    await store.insert([env('t', 1, 'x')])
    const [row] = await store.query(q({}))
    expect(Buffer.from(row!.digest).toString('hex')).toBe(createHash('sha256').update('tx').digest('hex'))
  })

  it('continues after a cursor, exclusive, both directions; digest-only when the time is 0', async () => {
    store = new SqliteEnvelopeStore({ path: ':memory:' })
    await store.insert([1, 2, 3, 4, 5].map((i) => env('t', i, `m${i}`)))
    const all = await store.query(q({}))
    const third = all[2]!
    expect(texts(await store.query(q({ cursor: { senderTimeNs: third.timestampNs, digest: third.digest } })))).toEqual(['m4', 'm5'])
    expect(texts(await store.query(q({ ascending: false, cursor: { senderTimeNs: third.timestampNs, digest: third.digest } })))).toEqual(['m2', 'm1'])
    // A cursor without a digest is ignored (first page again).
    expect(await store.query(q({ cursor: { senderTimeNs: 3n, digest: new Uint8Array() } }))).toHaveLength(5)
    // Time 0: only the digest is compared (node-go quirk).
    const byDigest = await store.query(q({ cursor: { senderTimeNs: 0n, digest: third.digest } }))
    const expected = all.filter((r) => Buffer.compare(Buffer.from(r.digest), Buffer.from(third.digest)) > 0)
    expect(texts(byDigest).sort()).toEqual(texts(expected).sort())
  })

  it('ignores duplicates (same topic, timestamp and message) and counts only new rows', async () => {
    store = new SqliteEnvelopeStore({ path: ':memory:' })
    expect(await store.count()).toBe(0)
    expect(await store.insert([env('t', 1, 'a'), env('t', 1, 'a')])).toBe(1)
    expect(await store.count()).toBe(1)
    expect(await store.insert([env('t', 1, 'a'), env('t', 2, 'a'), env('u', 1, 'a')])).toBe(2)
    expect(await store.count()).toBe(3)
  })

  it('filters by inclusive time bounds, topics and limit', async () => {
    store = new SqliteEnvelopeStore({ path: ':memory:' })
    await store.insert([...[10, 20, 30, 40].map((i) => env('t', i, `t${i}`)), env('u', 25, 'u25'), env('v', 26, 'v26')])
    expect(texts(await store.query(q({ startTimeNs: 20n, endTimeNs: 30n })))).toEqual(['t20', 't30'])
    expect(texts(await store.query(q({ topics: ['t', 'u'], startTimeNs: 20n, endTimeNs: 30n })))).toEqual(['t20', 'u25', 't30'])
    expect(texts(await store.query(q({ topics: ['t'], ascending: false, limit: 2 })))).toEqual(['t40', 't30'])
    expect(await store.query(q({ topics: [] }))).toEqual([])
  })

  it('keeps the full uint64 range in order', async () => {
    store = new SqliteEnvelopeStore({ path: ':memory:' })
    const max = (1n << 64n) - 1n
    await store.insert([env('t', max, 'max'), env('t', 0, 'zero'), env('t', 1n << 63n, 'mid'), env('t', (1n << 63n) - 1n, 'below')])
    expect((await store.query(q({}))).map((r) => r.timestampNs)).toEqual([0n, (1n << 63n) - 1n, 1n << 63n, max])
    expect(texts(await store.query(q({ startTimeNs: 1n << 63n })))).toEqual(['mid', 'max'])
  })

  it('inserts all or nothing', async () => {
    store = new SqliteEnvelopeStore({ path: ':memory:' })
    const bad = { contentTopic: 't', timestampNs: 1n << 64n, message: enc.encode('overflow') }
    await expect(store.insert([env('t', 1, 'a'), bad])).rejects.toThrow()
    expect(await store.count()).toBe(0)
  })

  it('commits concurrent inserts together but keeps each one atomic', async () => {
    store = new SqliteEnvelopeStore({ path: ':memory:' })
    const bad = { contentTopic: 't', timestampNs: 1n << 64n, message: enc.encode('overflow') }
    const results = await Promise.allSettled([
      store.insert([env('t', 1, 'a')]),
      store.insert([env('t', 2, 'b'), bad]),
      store.insert([env('t', 3, 'c'), env('t', 1, 'a')]),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(results[2]).toEqual({ status: 'fulfilled', value: 1 }) // the duplicate of 'a' is ignored
    expect(texts(await store.query(q({})))).toEqual(['a', 'c'])
  })

  it('commits accepted inserts on close instead of dropping them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-store-'))
    try {
      const path = join(dir, 'node.db')
      store = new SqliteEnvelopeStore({ path })
      const pending = store.insert([env('t', 1, 'last words')])
      await store.close()
      expect(await pending).toBe(1)
      store = new SqliteEnvelopeStore({ path })
      expect(await store.count()).toBe(1)
      await store.close()
      await expect(store.insert([env('t', 2, 'too late')])).rejects.toThrow(/closed/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('persists to a file and reopens it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-store-'))
    try {
      const path = join(dir, 'nested', 'node.db')
      store = new SqliteEnvelopeStore({ path })
      await store.insert([env('t', 1, 'kept')])
      await store.close()
      store = new SqliteEnvelopeStore({ path, sync: 'normal' })
      expect(texts(await store.query(q({})))).toEqual(['kept'])
      expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal')
    } finally {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
