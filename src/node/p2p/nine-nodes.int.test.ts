// Nine node processes on loopback with tight peer bounds (3 to 5 peers each), all joined
// through one bootstrap address: every node stays within its bounds (so the network is not a
// full mesh), an envelope published at any node reaches a stream on every other, and a node
// killed and restarted converges on what the others hold.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createIdentity } from '../testing/identities.ts'
import { openStream, post, type OpenStream } from '../testing/http.ts'
import { healthOf, peersOf, startNetNode, topicContents, waitFor, type NetNode } from './testing.ts'

const COUNT = 9
const BOUNDS = { min: 3, max: 5 }
const ARGS = ['--min-peers', String(BOUNDS.min), '--max-peers', String(BOUNDS.max), '--anti-entropy-interval', '10']
let dir: string
let nodes: NetNode[] = []
let token: string
const topic = `/xmtp/0/m-nine${process.pid}/proto`
let sent = 0

const startAt = (i: number) =>
  startNetNode({ db: join(dir, `n${i}.db`), args: ARGS, rateLimits: false, timeoutMs: 60_000, ...(i > 0 && { bootstrap: [nodes[0]!.bareAddress] }) })

async function publishAt(node: NetNode): Promise<string> {
  const text = `from ${node.port} #${++sent}`
  const envelope = { contentTopic: topic, timestampNs: String(BigInt(Date.now()) * 1_000_000n + BigInt(sent)), message: Buffer.from(text).toString('base64') }
  expect((await post(`${node.url}/message/v1/publish`, { envelopes: [envelope] }, { Authorization: `Bearer ${token}` })).status).toBe(200)
  return text
}

/** Peer ids each node is connected to, once every node is within its bounds and all are one network. */
async function settledNetwork(): Promise<Map<string, string[]>> {
  let graph = new Map<string, string[]>()
  let seen = ''
  await waitFor('every node within its peer bounds, in one connected network', async () => {
    graph = new Map()
    const counts: string[] = []
    for (const node of nodes) {
      const answer = await peersOf(node)
      graph.set(node.peerId, answer.peers.filter((p) => p.relaying).map((p) => p.peerId))
      counts.push(`${answer.peers.filter((p) => p.relaying).length}/${answer.peers.length}`)
    }
    const within = [...graph.values()].every((peers) => peers.length >= BOUNDS.min && peers.length <= BOUNDS.max)
    const reached = new Set([nodes[0]!.peerId])
    for (const id of reached) for (const next of graph.get(id) ?? []) reached.add(next)
    seen = `relaying/connected peers per node: ${counts.join(' ')}; one network: ${reached.size === COUNT}`
    return within && reached.size === COUNT
  }, 120_000).catch((err: Error) => {
    throw new Error(`${err.message}; last seen: ${seen}`)
  })
  return graph
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-nine-'))
  token = await (await createIdentity()).token()
  nodes = [await startAt(0)]
  nodes.push(...(await Promise.all(Array.from({ length: COUNT - 1 }, (_, i) => startAt(i + 1)))))
}, 180_000)
afterAll(async () => {
  await Promise.all(nodes.map((n) => n?.stop()))
  rmSync(dir, { recursive: true, force: true })
})

it('stays within peer bounds, and a publish at any node reaches a stream at every other', { timeout: 240_000 }, async () => {
  const graph = await settledNetwork()
  // Not a full mesh: nobody holds all eight others.
  expect(Math.max(...[...graph.values()].map((p) => p.length))).toBeLessThanOrEqual(BOUNDS.max)
  for (const node of nodes) expect((await peersOf(node)).bounds).toEqual(BOUNDS)
  const streams: OpenStream[] = await Promise.all(nodes.map((n) => openStream(`${n.url}/message/v1/subscribe`, { contentTopics: [topic] })))
  try {
    const texts: string[] = []
    for (const node of nodes) texts.push(await publishAt(node))
    for (const stream of streams) {
      const lines = await stream.next(COUNT, 60_000)
      expect(lines.map((l) => Buffer.from(l.result.message, 'base64').toString()).sort()).toEqual([...texts].sort())
    }
  } finally {
    for (const stream of streams) stream.close()
  }
})

it('a node killed and restarted converges on what the others hold', { timeout: 240_000 }, async () => {
  const k = 4
  await nodes[k]!.kill('SIGKILL')
  for (const node of nodes.filter((_, i) => i !== k)) await publishAt(node)
  // Its departure may split the bounded network for a moment; the others mend it and agree.
  for (const node of nodes.filter((_, i) => i !== k)) await waitFor('the others to hold everything', async () => (await topicContents(node, topic)).length === sent, 120_000)
  const expected = await topicContents(nodes[0]!, topic)
  for (const node of nodes.filter((_, i) => i !== k)) expect(await topicContents(node, topic)).toEqual(expected)

  nodes[k] = await startAt(k)
  await waitFor('the restarted node to converge', async () => (await topicContents(nodes[k]!, topic)).length === expected.length, 120_000)
  expect(await topicContents(nodes[k]!, topic)).toEqual(expected)
  await settledNetwork()
  const health = await healthOf(nodes[k]!)
  expect(health.p2p.catchUp.storedEnvelopes).toBeGreaterThan(0)
})
