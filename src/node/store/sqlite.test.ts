import { mkdtempSync, rmSync } from 'node:fs'
import Database from 'better-sqlite3'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SqliteEnvelopeStore } from './sqlite.ts'
import { describeStoreContract } from './testing/store-contract.ts'
import type { StoreQuery } from './types.ts'

const enc = new TextEncoder()
const dec = new TextDecoder()
const env = (topic: string, ts: bigint | number, text: string) => ({ contentTopic: topic, timestampNs: BigInt(ts), message: enc.encode(text) })
const texts = (rows: { message: Uint8Array }[]) => rows.map((r) => dec.decode(r.message))

let store: SqliteEnvelopeStore
afterEach(async () => store?.close())

const q = (over: Partial<StoreQuery>): StoreQuery => ({ topics: ['t'], ascending: true, limit: 100, ...over })

describeStoreContract('SqliteEnvelopeStore', async () => new SqliteEnvelopeStore({ path: ':memory:' }))

describe('SqliteEnvelopeStore', () => {
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

  it('writes a database file from its writer thread: concurrent inserts share commits, each stays atomic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-store-'))
    try {
      store = new SqliteEnvelopeStore({ path: join(dir, 'node.db') })
      const bad = { contentTopic: 't', timestampNs: 1n << 64n, message: enc.encode('overflow') }
      const results = await Promise.allSettled([
        ...Array.from({ length: 200 }, (_, i) => store.insert([env('t', i + 10, `m${i}`)])),
        store.insert([env('t', 2, 'b'), bad]),
      ])
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(200)
      expect(results[200]!.status).toBe('rejected')
      // All 201 requests of one event-loop turn went to the writer as one batch: one commit.
      expect(store.commitStats.requests).toBe(201)
      expect(store.commitStats.commits).toBe(1)
      expect(await store.count()).toBe(200)
      expect(texts(await store.query(q({ limit: 1 })))).toEqual(['m0']) // 'b' went with its request
      // Pruning goes through the writer too.
      expect(await store.deleteOlder({ from: 't', to: 'u' }, 20n, 500)).toEqual({ deleted: 10, lastTopic: 't' })
      expect(await store.count()).toBe(190)
    } finally {
      await store.close()
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

  it('adds the proof column to a file written before proofs were kept; old rows have none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-store-'))
    try {
      const path = join(dir, 'old.db')
      // The schema as it was: no proof column.
      const old = new Database(path)
      old.exec('CREATE TABLE envelopes (topic TEXT NOT NULL, sender_ts INTEGER NOT NULL, digest BLOB NOT NULL, receiver_ts INTEGER NOT NULL, payload BLOB NOT NULL)')
      old.prepare('INSERT INTO envelopes VALUES (?, ?, ?, ?, ?)').run('t', -(2n ** 63n) + 1n, Buffer.alloc(32), 0, Buffer.from('legacy'))
      old.close()
      store = new SqliteEnvelopeStore({ path })
      await store.insert([{ ...env('t', 2, 'new'), proof: 'Bearer tok' }])
      expect((await store.query(q({}))).map((r) => [dec.decode(r.message), r.proof])).toEqual([
        ['legacy', undefined],
        ['new', 'Bearer tok'],
      ])
      await store.close()
      store = new SqliteEnvelopeStore({ path }) // reopening migrates nothing twice
      expect(await store.count()).toBe(2)
    } finally {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
