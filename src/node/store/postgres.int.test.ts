// The PostgreSQL store on a real server (scripts/with-postgres.sh): the shared store suite,
// schema migrations, cross-process fan-out between two stores, and the outage behaviour.

import { describe, expect, it } from 'vitest'
import { createTestDatabase } from '../testing/postgres.ts'
import { startPostgresServer } from '../testing/postgres-server.ts'
import { SchemaTooNewError, StoreUnavailableError } from './errors.ts'
import { MIGRATIONS, migrate } from './migrations.ts'
import { PostgresEnvelopeStore, redactUrl } from './postgres.ts'
import { describeStoreContract, env, texts } from './testing/store-contract.ts'
import type { Envelope } from '../../wire/message-api.ts'

describeStoreContract('PostgresEnvelopeStore', async () => PostgresEnvelopeStore.open({ url: await createTestDatabase() }))

const waitFor = async (check: () => boolean, what: string, ms = 10_000) => {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('PostgresEnvelopeStore schema', () => {
  it('migrates once: a second open (or two at once) applies nothing and keeps the data', async () => {
    const url = await createTestDatabase()
    const [a, b] = await Promise.all([PostgresEnvelopeStore.open({ url }), PostgresEnvelopeStore.open({ url })])
    await a.insert([env('t', 1, 'kept')])
    const versions = await a.database.query('SELECT version FROM parley_schema ORDER BY version')
    expect(versions.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version))
    const client = await a.database.connect()
    try {
      expect(await migrate(client)).toEqual({ version: MIGRATIONS.length, applied: [] })
    } finally {
      client.release()
    }
    expect(texts(await b.query({ topics: ['t'], ascending: true, limit: 10 }))).toEqual(['kept'])
    expect(await b.health()).toMatchObject({ kind: 'postgres', available: true, schemaVersion: MIGRATIONS.length })
    await Promise.all([a.close(), b.close()])
  })

  it('migration 2 adds owner proofs and keeps the rows stored before it, without one', async () => {
    const url = await createTestDatabase()
    const setup = await PostgresEnvelopeStore.open({ url })
    // Roll the database back to schema 1 with a row in it, as a node of the previous release left it.
    await setup.database.query('DROP TABLE envelopes, ephemeral_relay, parley_schema')
    const client = await setup.database.connect()
    try {
      await migrate(client, MIGRATIONS.slice(0, 1))
      await client.query("INSERT INTO envelopes VALUES ('t', -9223372036854775807, '\\x00'::bytea, 0, 'legacy'::bytea)")
    } finally {
      client.release()
    }
    await setup.close()
    const store = await PostgresEnvelopeStore.open({ url })
    await store.insert([{ ...env('t', 2, 'new'), proof: 'Bearer tok' }])
    const rows = await store.query({ topics: ['t'], ascending: true, limit: 10 })
    expect(rows.map((r) => [texts([r])[0], r.proof])).toEqual([
      ['legacy', undefined],
      ['new', 'Bearer tok'],
    ])
    expect(await store.health()).toMatchObject({ schemaVersion: 2 })
    await store.close()
  })

  it('refuses a database whose schema is newer than the code knows', async () => {
    const url = await createTestDatabase()
    const store = await PostgresEnvelopeStore.open({ url })
    await store.database.query("INSERT INTO parley_schema (version, name) VALUES (99, 'from the future')")
    await store.close()
    const opening = PostgresEnvelopeStore.open({ url })
    await expect(opening).rejects.toBeInstanceOf(SchemaTooNewError)
    await expect(opening).rejects.toThrow(`schema is at version 99, newer than this node knows (${MIGRATIONS.length})`)
  })

  it('gives up on an unreachable database after the connect timeout, naming it without the password', async () => {
    const url = 'postgres://parley:secret@127.0.0.1:1/none'
    await expect(PostgresEnvelopeStore.open({ url, connectTimeoutMs: 300 })).rejects.toThrow(/cannot reach PostgreSQL at postgres:\/\/parley:\*\*\*@127\.0\.0\.1:1\/none/)
    expect(redactUrl(url)).not.toContain('secret')
  })
})

describe('PostgresEnvelopeStore fan-out between processes sharing a database', () => {
  it('delivers what one store accepted to the others, stored and ephemeral, small and large, in commit order', async () => {
    const url = await createTestDatabase()
    const [a, b] = await Promise.all([PostgresEnvelopeStore.open({ url }), PostgresEnvelopeStore.open({ url })])
    try {
      const atA: Envelope[] = []
      const atB: Envelope[] = []
      a.fanOut.onRemote((es) => atA.push(...es))
      b.fanOut.onRemote((es) => atB.push(...es))
      // Enough envelopes with long topics to need several NOTIFY payloads.
      const batch = Array.from({ length: 100 }, (_, i) => env(`/xmtp/0/m-${'x'.repeat(200)}-${i}/proto`, i + 1, `batch${i}`))
      expect(await a.insert(batch)).toBe(100)
      await a.insert([env('t', 500, 'after the batch')])
      await a.insert([env('t', 500, 'after the batch')]) // a duplicate is delivered again, as node-go does
      const big = new Uint8Array(20_000).fill(7)
      await a.fanOut.announce([env('/xmtp/0/mE-typing/proto', 9, 'ephemeral'), { contentTopic: '/xmtp/0/mE-big/proto', timestampNs: 10n, message: big }])
      await waitFor(() => atB.length === 104, 'four announcements at b')
      expect(texts(atB.slice(0, 102))).toEqual([...batch.map((e) => `batch${batch.indexOf(e)}`), 'after the batch', 'after the batch'])
      expect(atB.slice(0, 100).map((e) => e.contentTopic)).toEqual(batch.map((e) => e.contentTopic))
      expect(atB[102]).toMatchObject({ contentTopic: '/xmtp/0/mE-typing/proto', timestampNs: 9n })
      expect(atB[103]!.contentTopic).toBe('/xmtp/0/mE-big/proto')
      expect(Buffer.from(atB[103]!.message).equals(Buffer.from(big))).toBe(true)
      expect(atA).toEqual([]) // a store does not hear its own announcements
      // A failed (rolled back) insert announces nothing.
      await expect(a.insert([env('t', 600, 'never'), { contentTopic: 't', timestampNs: 1n << 64n, message: new Uint8Array(1) }])).rejects.toThrow()
      await b.insert([env('t', 700, 'from b')])
      await waitFor(() => atA.length === 1, 'b → a')
      expect(texts(atA)).toEqual(['from b'])
      expect(atB).toHaveLength(104)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })
})

describe('PostgresEnvelopeStore errors', () => {
  it('answers StoreUnavailableError (HTTP 503) while the server is down and recovers by itself', async () => {
    // A private server, so stopping it does not disturb the other test files.
    const server = await startPostgresServer()
    const store = await PostgresEnvelopeStore.open({ url: server.url })
    try {
      await store.insert([env('t', 1, 'before')])
      await server.stop()
      const failure = await store.insert([env('t', 2, 'during')]).then(
        () => undefined,
        (err: unknown) => err,
      )
      expect(failure).toBeInstanceOf(StoreUnavailableError)
      expect((failure as StoreUnavailableError).status).toBe(503)
      expect((failure as Error).message).toMatch(/the message store is unavailable \(.+\); retry shortly/)
      // While it is known to be down, requests fail at once instead of waiting on connections.
      await expect(store.query({ topics: ['t'], ascending: true, limit: 10 })).rejects.toBeInstanceOf(StoreUnavailableError)
      expect(await store.health()).toMatchObject({ kind: 'postgres', available: false, error: expect.any(String) })
      await server.start()
      const deadline = Date.now() + 30_000
      for (;;) {
        try {
          await store.insert([env('t', 3, 'after')])
          break
        } catch (err) {
          if (!(err instanceof StoreUnavailableError) || Date.now() > deadline) throw err
          await new Promise((r) => setTimeout(r, 50))
        }
      }
      expect(texts(await store.query({ topics: ['t'], ascending: true, limit: 10 }))).toEqual(['before', 'after'])
      expect((await store.health()).available).toBe(true)
    } finally {
      await store.close()
      await server.destroy()
    }
  })
})
