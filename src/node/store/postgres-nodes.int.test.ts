// Node processes on PostgreSQL: two nodes on one database serve each other's envelopes and
// subscribers; a PostgreSQL restart under publish load gives 503s, then recovery by itself,
// with every acknowledged envelope kept.

import { afterAll, describe, expect, it } from 'vitest'
import { openStream, post } from '../testing/http.ts'
import { startNode, type NodeProcess } from '../testing/node-process.ts'
import { createTestDatabase } from '../testing/postgres.ts'
import { startPostgresServer, type PostgresServer } from '../testing/postgres-server.ts'
import { MIGRATIONS } from './migrations.ts'

const b64 = (text: string) => Buffer.from(text).toString('base64')
const unb64 = (text: string) => Buffer.from(text, 'base64').toString()
const envelope = (topic: string, ts: bigint | number, text: string) => ({ contentTopic: topic, timestampNs: String(ts), message: b64(text) })
const nodes: NodeProcess[] = []
const started = async (options: Parameters<typeof startNode>[0]) => {
  const node = await startNode({ auth: false, rateLimits: false, ...options })
  nodes.push(node)
  return node
}
let server: PostgresServer | undefined
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.kill()))
  await server?.destroy()
})

async function readAll(url: string, topic: string): Promise<string[]> {
  const seen: string[] = []
  let cursor: unknown
  do {
    const { status, body } = await post(`${url}/message/v1/query`, { contentTopics: [topic], pagingInfo: { limit: 100, direction: 'SORT_DIRECTION_ASCENDING', ...(cursor ? { cursor } : {}) } })
    expect(status).toBe(200)
    seen.push(...body.envelopes.map((e: { message: string }) => unb64(e.message)))
    cursor = body.pagingInfo.cursor
  } while (cursor)
  return seen
}

describe('two node processes on one PostgreSQL database', () => {
  it('serve every stored envelope and deliver a publish on one to subscribers of the other', async () => {
    const databaseUrl = await createTestDatabase()
    const [a, b] = await Promise.all([started({ databaseUrl }), started({ databaseUrl })])
    const topic = '/xmtp/0/m-shared-conversation/proto'
    const ephemeral = '/xmtp/0/mE-shared-conversation/proto'
    const atB = await openStream(`${b.url}/message/v1/subscribe`, { contentTopics: [topic, ephemeral] })
    const atA = await openStream(`${a.url}/message/v1/subscribe-all`, {})
    try {
      expect((await post(`${a.url}/message/v1/publish`, { envelopes: [envelope(topic, 1, 'from a'), envelope(ephemeral, 2, 'typing on a')] })).status).toBe(200)
      expect((await post(`${b.url}/message/v1/publish`, { envelopes: [envelope(topic, 3, 'from b')] })).status).toBe(200)
      const lines = await atB.next(3, 10_000)
      expect(lines.map((l) => unb64(l.result.message))).toEqual(['from a', 'typing on a', 'from b'])
      const linesA = await atA.next(3, 10_000)
      expect(linesA.map((l) => unb64(l.result.message))).toEqual(['from a', 'typing on a', 'from b'])
      // Both answer queries over everything stored, whoever stored it; ephemeral stays unstored.
      expect(await readAll(a.url, topic)).toEqual(['from a', 'from b'])
      expect(await readAll(b.url, topic)).toEqual(['from a', 'from b'])
      expect(await readAll(b.url, ephemeral)).toEqual([])
      const health = await (await fetch(`${b.url}/healthz`)).json()
      expect(health).toMatchObject({ status: 'ok', envelopes: 2, store: { kind: 'postgres', available: true, schemaVersion: MIGRATIONS.length } })
    } finally {
      atA.close()
      atB.close()
    }
  })
})

describe('a PostgreSQL restart under publish load', () => {
  it('answers 503 while the database is down, recovers by itself and loses nothing acknowledged', async () => {
    server = await startPostgresServer()
    const node = await started({ databaseUrl: server.url })
    const topic = '/xmtp/0/m-restart/proto'
    const acknowledged: string[] = []
    const unavailable: string[] = []
    const other: string[] = []
    let stopping = false
    let n = 0
    const client = async () => {
      while (!stopping) {
        const texts = [`e${++n}`, `e${++n}`]
        try {
          const response = await post(`${node.url}/message/v1/publish`, { envelopes: texts.map((t, i) => envelope(topic, 1_000 + n + i, t)) })
          if (response.status === 200) acknowledged.push(...texts)
          else if (response.status === 503) unavailable.push(`Retry-After ${response.headers.get('retry-after')}: ${response.body.message}`)
          else other.push(`${response.status} ${JSON.stringify(response.body)}`)
        } catch (err) {
          other.push(String(err))
        }
        if (unavailable.length > 0) await new Promise((r) => setTimeout(r, 10)) // no busy loop on fast 503s
      }
    }
    const waitUntil = async (check: () => boolean, what: string) => {
      const deadline = Date.now() + 30_000
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; other responses: ${other.slice(0, 3).join('; ')}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    }
    const clients = [client(), client(), client()]
    try {
      await waitUntil(() => acknowledged.length >= 100, '100 acknowledged envelopes')
      await server.stop()
      await waitUntil(() => unavailable.length >= 3, '503 answers')
      const down = await fetch(`${node.url}/healthz`)
      expect(down.status).toBe(503)
      expect(await down.json()).toMatchObject({ status: 'unavailable', store: { kind: 'postgres', available: false } })
      const beforeRestart = acknowledged.length
      await server.start()
      await waitUntil(() => acknowledged.length >= beforeRestart + 100, '100 more acknowledged after the restart')
      // The LISTEN connection comes back on its own backoff schedule.
      await waitUntil(() => /fan-out: listening again/.test(node.output()), 'the LISTEN connection to return')
    } finally {
      stopping = true
      await Promise.all(clients)
    }
    expect(unavailable[0]).toMatch(/^Retry-After 1: the message store is unavailable \(.+\); retry shortly$/)
    expect(other).toEqual([])
    expect(node.output()).toMatch(/database reachable again/)
    const stored = new Set(await readAll(node.url, topic))
    expect(acknowledged.filter((t) => !stored.has(t))).toEqual([])
    expect((await (await fetch(`${node.url}/healthz`)).json()).store.available).toBe(true)
  })
})
