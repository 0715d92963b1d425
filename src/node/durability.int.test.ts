// Every envelope the node acknowledged survives kill -9 of the node.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { post } from './testing/http.ts'
import { startNode } from './testing/node-process.ts'
import { testStoreKind } from './testing/postgres.ts'

const dir = mkdtempSync(join(tmpdir(), 'parley-durability-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const TOPICS = Array.from({ length: 4 }, (_, i) => `/xmtp/0/m-durability${i}/proto`)

async function readAll(url: string, topic: string): Promise<Set<string>> {
  const seen = new Set<string>()
  let cursor: unknown
  do {
    const { status, body } = await post(`${url}/message/v1/query`, {
      contentTopics: [topic],
      pagingInfo: { limit: 100, direction: 'SORT_DIRECTION_ASCENDING', ...(cursor ? { cursor } : {}) },
    })
    expect(status).toBe(200)
    for (const e of body.envelopes) seen.add(`${e.contentTopic}|${e.timestampNs}|${e.message}`)
    cursor = body.pagingInfo.cursor
  } while (cursor)
  return seen
}

// On PostgreSQL (PARLEY_TEST_STORE=postgres) --sync does not apply: one run.
const modes = testStoreKind() === 'postgres' ? (['postgres'] as const) : (['full', 'normal'] as const)

describe.each(modes)('kill -9 of the node (%s)', (mode) => {
  const sync = mode === 'postgres' ? undefined : mode
  it('loses no acknowledged envelope', async () => {
    const db = join(dir, `node-${mode}.db`)
    const node = await startNode({ db, sync, auth: false, rateLimits: false })
    const acknowledged: string[] = []
    let attempted = 0
    let failed = 0
    let killed = false
    let sequence = 0

    // Four clients publish batches of 1–5 envelopes back to back until the node dies.
    const client = async (id: number) => {
      while (!killed) {
        const envelopes = Array.from({ length: 1 + (sequence % 5) }, () => {
          const n = ++sequence
          return { contentTopic: TOPICS[n % TOPICS.length]!, timestampNs: String(1_700_000_000_000_000_000n + BigInt(n)), message: Buffer.from(`client${id}-${n}`).toString('base64') }
        })
        attempted += envelopes.length
        try {
          const response = await post(`${node.url}/message/v1/publish`, { envelopes })
          if (response.status === 200) acknowledged.push(...envelopes.map((e) => `${e.contentTopic}|${e.timestampNs}|${e.message}`))
          else failed += envelopes.length
        } catch {
          failed += envelopes.length // in flight when the node died: unknown, not promised
        }
      }
    }
    const clients = [0, 1, 2, 3].map(client)
    const deadline = Date.now() + 20_000
    while (acknowledged.length < 600 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    await node.kill('SIGKILL') // mid-stream: requests are in flight
    killed = true
    await Promise.all(clients)
    expect((await node.exited).signal).toBe('SIGKILL')
    expect(acknowledged.length).toBeGreaterThanOrEqual(600)
    expect(failed).toBeGreaterThan(0) // proof that the kill hit publishes in flight

    const restarted = await startNode({ db, sync, auth: false, rateLimits: false })
    try {
      const stored = new Set<string>()
      for (const topic of TOPICS) for (const key of await readAll(restarted.url, topic)) stored.add(key)
      const missing = acknowledged.filter((key) => !stored.has(key))
      expect(missing).toEqual([])
      // Nothing appears that was never sent.
      expect(stored.size).toBeLessThanOrEqual(attempted)
    } finally {
      await restarted.stop()
    }
  })
})
