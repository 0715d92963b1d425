// A network of real node processes on loopback (auth on): relay, peer exchange, ephemeral
// envelopes, owner-only topics, and what happens to malformed or oversized gossip.

import '../p2p/polyfill.ts'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIdentity, type TestIdentity } from '../testing/identities.ts'
import { openStream, post } from '../testing/http.ts'
import { encodeBatch } from './frames.ts'
import { ENVELOPES_TOPIC } from './relay.ts'
import { healthOf, peersOf, startNetNode, topicContents, waitFor, waitForPeers, type NetNode } from './testing.ts'

let a: NetNode, b: NetNode, c: NetNode
let alice: TestIdentity
let bob: TestIdentity
let aliceToken: string
let run = 0
const topic = (kind = 'm') => `/xmtp/0/${kind}-p2p${process.pid}x${++run}/proto`
const b64 = (text: string) => Buffer.from(text).toString('base64')
const envelope = (contentTopic: string, ts: bigint | number, text: string) => ({ contentTopic, timestampNs: String(ts), message: b64(text) })
const publish = (node: NetNode, envelopes: unknown[], token = aliceToken) =>
  post(`${node.url}/message/v1/publish`, { envelopes }, { Authorization: `Bearer ${token}` })

beforeAll(async () => {
  ;[a, alice, bob] = await Promise.all([startNetNode(), createIdentity(), createIdentity()])
  aliceToken = await alice.token()
  // B knows A's full address (with peer id, through @libp2p/bootstrap); C only its TCP address.
  ;[b, c] = await Promise.all([startNetNode({ bootstrap: [a.addresses[0]!] }), startNetNode({ bootstrap: [a.bareAddress] })])
  await Promise.all([waitForPeers(a, [b.peerId, c.peerId]), waitForPeers(b, [a.peerId, c.peerId]), waitForPeers(c, [a.peerId, b.peerId])])
}, 150_000)
afterAll(async () => {
  // A clean stop (exit 0) also stops libp2p and the relay.
  expect(await Promise.all([a, b, c].map((n) => n?.stop()))).toEqual([0, 0, 0])
})

describe('three nodes', () => {
  it('publish at A, stream at B, query at C; each node stores the envelope once', { timeout: 120_000 }, async () => {
    const t = topic()
    const stream = await openStream(`${b.url}/message/v1/subscribe`, { contentTopics: [t] })
    expect((await publish(a, [envelope(t, 1_700_000_000_000_000_001n, 'hello network')])).status).toBe(200)
    const [line] = await stream.next(1, 20_000)
    expect(line.result).toEqual({ contentTopic: t, timestampNs: '1700000000000000001', message: b64('hello network') })
    stream.close()
    await waitFor('the envelope at C', async () => (await topicContents(c, t)).length === 1)
    // The same envelope again (and again through another node) is stored nowhere twice.
    await publish(a, [envelope(t, 1_700_000_000_000_000_001n, 'hello network')])
    await publish(c, [envelope(t, 1_700_000_000_000_000_001n, 'hello network')])
    await publish(c, [envelope(t, 1_700_000_000_000_000_002n, 'second')])
    for (const node of [a, b, c]) await waitFor('the second envelope everywhere', async () => (await topicContents(node, t)).length === 2)
    for (const node of [a, b, c]) expect(await topicContents(node, t)).toEqual([`1700000000000000001 ${b64('hello network')}`, `1700000000000000002 ${b64('second')}`])
    const health = await healthOf(a)
    expect(health.peers).toBe(2)
    expect(health.p2p.relay.droppedEnvelopes).toBe(0)
  })

  it('ephemeral envelopes reach a subscriber on another node and are stored nowhere', async () => {
    const t = topic('mE')
    const stream = await openStream(`${c.url}/message/v1/subscribe`, { contentTopics: [t] })
    expect((await publish(a, [envelope(t, 5, 'typing…')])).status).toBe(200)
    const [line] = await stream.next(1, 20_000)
    expect(Buffer.from(line.result.message, 'base64').toString()).toBe('typing…')
    stream.close()
    for (const node of [a, b, c]) expect(await topicContents(node, t)).toEqual([])
  })

  it('an owner-only topic travels with the owner\'s token and is accepted by every node', async () => {
    const t = `/xmtp/0/contact-${alice.address}/proto`
    expect((await publish(a, [envelope(t, BigInt(Date.now()) * 1_000_000n, 'alice contact')])).status).toBe(200)
    for (const node of [b, c]) await waitFor('alice\'s contact envelope', async () => (await topicContents(node, t)).length === 1)
  })

  it('a node given only A\'s address learns B and C and connects to them', async () => {
    const d = await startNetNode({ bootstrap: [a.bareAddress] })
    try {
      await waitForPeers(d, [a.peerId, b.peerId, c.peerId])
      const t = topic()
      await publish(d, [envelope(t, 9, 'from the newcomer')])
      for (const node of [a, b, c]) await waitFor('D\'s envelope', async () => (await topicContents(node, t)).length === 1)
    } finally {
      await d.stop()
    }
  }, 120_000)
})

it('--p2p-announce replaces the advertised address', { timeout: 60_000 }, async () => {
  const lone = await startNetNode({ args: ['--p2p-announce', '/dns4/node.example/tcp/6001'] })
  try {
    expect(lone.addresses).toEqual([`/dns4/node.example/tcp/6001/p2p/${lone.peerId}`])
    expect((await peersOf(lone)).addresses).toEqual(lone.addresses)
  } finally {
    await lone.stop()
  }
})

describe('a misbehaving peer', () => {
  let rogue: Libp2p<{ pubsub: GossipSub }>
  beforeAll(async () => {
    rogue = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionMonitor: { abortConnectionOnPingFailure: false },
      services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }) },
    })
    rogue.services.pubsub.subscribe(ENVELOPES_TOPIC)
    await rogue.dial(multiaddr(a.addresses[0]!))
    await waitFor('A to see the rogue subscribed', async () => rogue.services.pubsub.getSubscribers(ENVELOPES_TOPIC).some((p) => p.toString() === a.peerId))
  })
  afterAll(async () => {
    await rogue?.stop()
  })

  it('drops malformed, oversized and unproven gossip; the nodes keep running and relaying', { timeout: 120_000 }, async () => {
    const before = (await healthOf(a)).p2p.relay.rejectedFrames as number
    const bobContact = `/xmtp/0/contact-${bob.address}/proto`
    const aliceStore = `/xmtp/0/privatestore-${alice.address}/key_bundle/proto`
    const nowNs = BigInt(Date.now()) * 1_000_000n
    const expired = await alice.token(new Date(Date.now() - 2 * 3_600_000))
    const big = topic()
    const bad = [
      new Uint8Array([0xde, 0xad, 0xbe, 0xef]), // not a frame
      encodeBatch({ envelopes: [{ contentTopic: topic(), timestampNs: 1n, message: new Uint8Array(8) }] }).subarray(0, 20), // truncated
      encodeBatch({ envelopes: [{ contentTopic: big, timestampNs: 1n, message: new Uint8Array(1_100_000) }] }), // over 1,048,214 bytes
      encodeBatch({ envelopes: [{ contentTopic: `/xmtp/0/m-${'x'.repeat(300)}/proto`, timestampNs: 1n, message: new Uint8Array(8) }] }), // topic too long
      encodeBatch({ envelopes: [{ contentTopic: bobContact, timestampNs: 1n, message: new Uint8Array(8) }] }), // bob's topic, no proof
      encodeBatch({ envelopes: [{ contentTopic: bobContact, timestampNs: 2n, message: new Uint8Array(8) }], authorization: `Bearer ${aliceToken}` }), // alice's proof for bob's topic
      encodeBatch({ envelopes: [{ contentTopic: aliceStore, timestampNs: nowNs, message: new Uint8Array(8) }], authorization: `Bearer ${expired}` }), // an expired proof
      encodeBatch({ envelopes: [{ contentTopic: aliceStore, timestampNs: 3n, message: new Uint8Array(8) }], authorization: `Bearer ${aliceToken}` }), // written long before its token
    ]
    for (const data of bad) await rogue.services.pubsub.publish(ENVELOPES_TOPIC, data)
    await waitFor('A to refuse all eight', async () => (await healthOf(a)).p2p.relay.rejectedFrames - before >= bad.length)
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200)
    for (const node of [a, b, c]) {
      expect(await topicContents(node, bobContact)).toEqual([])
      expect(await topicContents(node, aliceStore)).toEqual([])
      expect(await topicContents(node, big)).toEqual([])
    }
    // Still a working network afterwards.
    const t = topic()
    await publish(b, [envelope(t, 11, 'still here')])
    for (const node of [a, c]) await waitFor('the envelope after the garbage', async () => (await topicContents(node, t)).length === 1)
  })
})
