// Anti-entropy between connected nodes: envelopes that gossip never carried (written into A's
// database behind its back, so A never relayed them) reach B in one repair round, without a
// reconnect; owner-only envelopes travel with their proofs, and forged proofs (another
// wallet's token, an expired one, none) are refused by anti-entropy and by catch-up alike,
// counted, and not fetched again and again.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { privateStoreTopic } from '../../protocol/topics.ts'
import { SqliteEnvelopeStore } from '../store/sqlite.ts'
import type { ProvenEnvelope } from '../store/types.ts'
import { createIdentity, type TestIdentity } from '../testing/identities.ts'
import { healthOf, peersOf, startNetNode, topicContents, waitFor, waitForPeers, type NetNode } from './testing.ts'

let dir: string
let a: NetNode, b: NetNode
let erin: TestIdentity, mallory: TestIdentity
const ROUND = ['--anti-entropy-interval', '1']
const MINUTE_NS = 60_000_000_000n
const text = (s: string) => new TextEncoder().encode(s)
const dateOf = (ns: bigint) => new Date(Number(ns / 1_000_000n))

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-ae-'))
  ;[erin, mallory] = await Promise.all([createIdentity(), createIdentity()])
  a = await startNetNode({ db: join(dir, 'a.db'), args: ROUND })
  b = await startNetNode({ db: join(dir, 'b.db'), bootstrap: [a.bareAddress], args: ROUND })
  await Promise.all([waitForPeers(a, [b.peerId]), waitForPeers(b, [a.peerId])])
  // The catch-up that follows connecting is over: from here on only anti-entropy can repair.
  for (const node of [a, b]) await waitFor('the first catch-up', async () => (await healthOf(node)).p2p.catchUp.last !== undefined)
}, 120_000)
afterAll(async () => {
  await Promise.all([a, b].map((n) => n?.stop()))
  rmSync(dir, { recursive: true, force: true })
})

/** Writes straight into A's database (WAL: a second connection may): A never gossips these. */
async function behindTheRelay(envelopes: ProvenEnvelope[]): Promise<void> {
  const sideDoor = new SqliteEnvelopeStore({ path: join(dir, 'a.db'), sync: 'normal' })
  try {
    expect(await sideDoor.insert(envelopes)).toBe(envelopes.length)
  } finally {
    await sideDoor.close()
  }
}

/** 30 plain envelopes, erin's private store with her proof, and three forgeries of it. */
async function history(label: string, writtenNs: bigint) {
  const topics = [0, 1, 2].map((i) => `/xmtp/0/m-ae${process.pid}${label}${i}/proto`)
  const plain = Array.from({ length: 30 }, (_, i) => ({ contentTopic: topics[i % 3]!, timestampNs: writtenNs + BigInt(i), message: text(`${label} ${i}`) }))
  const store = privateStoreTopic(erin.address)
  const proven = { contentTopic: store, timestampNs: writtenNs, message: text(`${label} keys`), proof: `Bearer ${await erin.token(dateOf(writtenNs - 1_000_000_000n))}` }
  const forged = [
    { contentTopic: store, timestampNs: writtenNs + 1n, message: text(`${label} mallory's`), proof: `Bearer ${await mallory.token(dateOf(writtenNs))}` },
    { contentTopic: store, timestampNs: writtenNs + 2n, message: text(`${label} expired`), proof: `Bearer ${await erin.token(dateOf(writtenNs - 120n * MINUTE_NS))}` },
    { contentTopic: store, timestampNs: writtenNs + 3n, message: text(`${label} unproven`) },
  ]
  return { topics, plain, proven, forged, store }
}

it('envelopes gossip never carried reach the other node in one anti-entropy round, with no reconnect', { timeout: 120_000 }, async () => {
  const { topics, plain, proven, forged, store } = await history('x', BigInt(Date.now()) * 1_000_000n - 5n * MINUTE_NS)
  const before = (await healthOf(b)).p2p
  const connectionBefore = (await peersOf(b)).peers.find((p) => p.peerId === a.peerId)
  await behindTheRelay([...plain, proven, ...forged])

  for (const t of topics) await waitFor(`B to hold ${t}`, async () => (await topicContents(b, t)).length === 10, 30_000)
  await waitFor('B to hold erin\'s proven private store', async () => (await topicContents(b, store)).length === 1, 30_000)
  for (const t of topics) expect(await topicContents(b, t)).toEqual(await topicContents(a, t))
  expect((await topicContents(b, store))[0]).toContain(Buffer.from('x keys').toString('base64'))
  const after = (await healthOf(b)).p2p
  // All of it arrived in one round (the summaries of a round see one committed state of A).
  expect(after.antiEntropy.repairRounds - before.antiEntropy.repairRounds).toBe(1)
  expect(after.antiEntropy.storedEnvelopes - before.antiEntropy.storedEnvelopes).toBe(31)
  expect(after.antiEntropy.refused.forged - before.antiEntropy.refused.forged).toBe(2)
  expect(after.antiEntropy.refused.unproven - before.antiEntropy.refused.unproven).toBe(1)
  // The same counts, and the peer bounds, on /metrics for an operator's scraper.
  const scrape = await (await fetch(`${b.url}/metrics`)).text()
  const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(scrape)?.[1])
  expect(metric('parley_antientropy_stored_envelopes_total')).toBe(after.antiEntropy.storedEnvelopes)
  expect(metric('parley_antientropy_repair_rounds_total')).toBeGreaterThanOrEqual(after.antiEntropy.repairRounds)
  expect(metric('parley_p2p_connections')).toBeGreaterThanOrEqual(1)
  expect(metric('parley_p2p_max_peers')).toBeGreaterThan(metric('parley_p2p_min_peers'))
  // No reconnect: no new catch-up session, the same connection.
  expect(after.catchUp.sessions).toBe(before.catchUp.sessions)
  expect((await peersOf(b)).peers.find((p) => p.peerId === a.peerId)).toEqual(connectionBefore)
  // Gossip carried none of it.
  expect((await healthOf(a)).p2p.relay.publishedEnvelopes).toBe(before.relay.publishedEnvelopes)

  // The refused range is not fetched again while A's summary of it stays the same.
  const rounds = after.antiEntropy.rounds
  await waitFor('two more rounds', async () => (await healthOf(b)).p2p.antiEntropy.rounds >= rounds + 2, 30_000)
  const later = (await healthOf(b)).p2p.antiEntropy
  expect(later.refusedEnvelopes).toBe(after.antiEntropy.refusedEnvelopes)
  expect(later.repairRounds).toBe(after.antiEntropy.repairRounds)
})

it('catch-up refuses the same forgeries and counts them', { timeout: 120_000 }, async () => {
  const { topics, proven, forged, store } = await history('y', BigInt(Date.now()) * 1_000_000n - 3n * MINUTE_NS)
  await behindTheRelay([proven, ...forged])
  // A newcomer with anti-entropy off: all it gets comes through catch-up.
  const c = await startNetNode({ bootstrap: [a.bareAddress], args: ['--anti-entropy-interval', '0'] })
  try {
    await waitFor('C to catch up both of erin\'s proven private stores', async () => (await topicContents(c, store)).length === 2, 60_000)
    await waitFor('C to catch up the earlier history', async () => (await topicContents(c, `/xmtp/0/m-ae${process.pid}x0/proto`)).length === 10, 30_000)
    expect(topics).toHaveLength(3)
    const { catchUp, antiEntropy } = (await healthOf(c)).p2p
    expect(antiEntropy.rounds).toBe(0)
    // Two forgeries of each history from each peer that served it (A, and B for the first).
    expect(catchUp.refused.forged).toBeGreaterThanOrEqual(4)
    expect(catchUp.refused.unproven).toBeGreaterThanOrEqual(2)
    expect(catchUp.refused.forged % 2).toBe(0)
    expect(await topicContents(c, store)).toEqual(await topicContents(a, store).then((all) => all.filter((e) => !/mallory|expired|unproven/.test(Buffer.from(e.split(' ')[1]!, 'base64').toString()))))
  } finally {
    await c.stop()
  }
})
