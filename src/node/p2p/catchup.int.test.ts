// Catch-up: a node killed with SIGKILL during a publish load comes back with the same peer id
// and asks its peers for what it missed, until it holds every envelope they hold.

import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { encodeContactBundleV2 } from '../../protocol/contacts/index.ts'
import { PrivateKeyBundleV1 } from '../../protocol/keys/index.ts'
import { contactTopic } from '../../protocol/topics.ts'
import { createIdentity, type TestIdentity } from '../testing/identities.ts'
import { post } from '../testing/http.ts'
import { healthOf, peersOf, startNetNode, topicContents, waitFor, waitForPeers, type NetNode } from './testing.ts'

let dir: string
let a: NetNode, b: NetNode, c: NetNode
let alice: TestIdentity
let token: string
const TOPICS = Array.from({ length: 6 }, (_, i) => `/xmtp/0/m-catchup${process.pid}t${i}/proto`)

const publish = (node: NetNode, envelopes: unknown[]) => post(`${node.url}/message/v1/publish`, { envelopes }, { Authorization: `Bearer ${token}` })
const startB = () => startNetNode({ db: join(dir, 'b.db'), bootstrap: [a.bareAddress], rateLimits: false })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-catchup-'))
  ;[a, alice] = await Promise.all([startNetNode({ rateLimits: false }), createIdentity()])
  token = await alice.token()
  ;[b, c] = await Promise.all([startB(), startNetNode({ bootstrap: [a.bareAddress], rateLimits: false })])
  await Promise.all([waitForPeers(a, [b.peerId, c.peerId]), waitForPeers(b, [a.peerId, c.peerId])])
}, 150_000)
afterAll(async () => {
  await Promise.all([a, b, c].map((n) => n?.stop()))
  rmSync(dir, { recursive: true, force: true })
})

/** One publisher: `requests` publishes of 10 envelopes over the topics, a few ms apart. */
async function load(node: NetNode, label: string, requests: number, onHalf?: () => Promise<void>): Promise<number> {
  let sent = 0
  for (let r = 0; r < requests; r++) {
    if (r === requests / 2) await onHalf?.()
    const now = BigInt(Date.now()) * 1_000_000n
    const envelopes = Array.from({ length: 10 }, (_, i) => ({
      contentTopic: TOPICS[(r + i) % TOPICS.length],
      timestampNs: String(now + BigInt(i)),
      message: Buffer.from(`${label} ${r}.${i}`).toString('base64'),
    }))
    const { status } = await publish(node, envelopes)
    expect(status).toBe(200)
    sent += envelopes.length
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return sent
}

it('a node killed during a publish load catches up on restart and holds what the others hold', { timeout: 300_000 }, async () => {
  const peerIdBefore = b.peerId
  expect(statSync(join(dir, 'b.db.p2p-key')).mode & 0o777).toBe(0o600)
  let killedAt = 0
  const [fromA, fromC] = await Promise.all([
    load(a, 'A', 60, async () => {
      await b.kill('SIGKILL')
      killedAt = Date.now()
    }),
    load(c, 'C', 60),
  ])
  // While B is down: a contact bundle (its wallet signature is the proof catch-up relies on).
  const bundle = await PrivateKeyBundleV1.generate(alice.wallet)
  const contact = contactTopic(alice.address)
  expect((await publish(a, [{ contentTopic: contact, timestampNs: String(BigInt(Date.now()) * 1_000_000n), message: Buffer.from(encodeContactBundleV2(bundle)).toString('base64') }])).status).toBe(200)
  expect(killedAt).toBeGreaterThan(0)

  for (const t of TOPICS) await waitFor('A and C to agree', async () => (await topicContents(a, t)).length === (await topicContents(c, t)).length)
  const total = (await Promise.all(TOPICS.map((t) => topicContents(a, t)))).reduce((n, list) => n + list.length, 0)
  expect(total).toBe(fromA + fromC)

  b = await startB()
  expect(b.peerId).toBe(peerIdBefore)
  await waitForPeers(b, [a.peerId, c.peerId])
  for (const t of [...TOPICS, contact]) {
    const expected = await topicContents(a, t)
    await waitFor(`B to hold all of ${t}`, async () => (await topicContents(b, t)).length === expected.length, 60_000)
    expect(await topicContents(b, t)).toEqual(expected)
    expect(await topicContents(c, t)).toEqual(expected)
  }
  const health = await healthOf(b)
  expect(health.p2p.catchUp.storedEnvelopes).toBeGreaterThan(0)
  expect(health.p2p.catchUp.refusedEnvelopes).toBe(0)
  for (const node of [a, c]) expect((await healthOf(node)).p2p.relay.droppedEnvelopes).toBe(0)
  expect((await peersOf(b)).peers.map((p) => p.peerId).sort()).toEqual([a.peerId, c.peerId].sort())
})
