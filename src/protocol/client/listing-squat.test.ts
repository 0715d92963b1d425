// The listing rules against topic squatting (issue 19 item 1), with Conversations fed by an
// in-memory node double that stores what is published and answers (batch) queries per topic
// and start time, in timestamp order. The real-node version is hijack.int.test.ts.
import { describe, expect, it } from 'vitest'
import { generatePrivateKey, randomBytes } from '../crypto/index.ts'
import { deriveConversation, sealInvitation } from '../invitations/index.ts'
import { PrivateKeyBundleV1, PrivateKeySigner } from '../keys/index.ts'
import { toHex } from '../../wire/bytes.ts'
import { Client } from './client.ts'
import { keysOf } from './testing/exported-keys.ts'

interface StoredEnvelope {
  contentTopic: string
  timestampNs: string
  message: string
}

function nodeDouble() {
  const stored: StoredEnvelope[] = []
  const answer = (query: { contentTopics?: string[]; startTimeNs?: string }) => {
    const topics = query.contentTopics ?? []
    const start = query.startTimeNs === undefined ? 0n : BigInt(query.startTimeNs)
    const envelopes = stored
      .filter((e) => topics.includes(e.contentTopic) && BigInt(e.timestampNs) >= start)
      .sort((a, b) => (BigInt(a.timestampNs) < BigInt(b.timestampNs) ? -1 : BigInt(a.timestampNs) > BigInt(b.timestampNs) ? 1 : 0))
    return { envelopes, pagingInfo: null }
  }
  const fetch = async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body ?? '{}'))
    if (url.endsWith('/message/v1/publish')) {
      stored.push(...(body.envelopes as StoredEnvelope[]))
      return new Response('{}')
    }
    if (url.endsWith('/message/v1/query')) return new Response(JSON.stringify(answer(body)))
    if (url.endsWith('/message/v1/batch-query')) return new Response(JSON.stringify({ responses: (body.requests as object[]).map(answer) }))
    return new Response(JSON.stringify({ code: 12, message: 'not in the double' }), { status: 501 })
  }
  return { fetch }
}

const MS = 1_000_000n
const T0 = BigInt(Date.now()) * MS

async function world() {
  const double = nodeDouble()
  const make = async () => {
    const keys = await PrivateKeyBundleV1.generate(new PrivateKeySigner(generatePrivateKey()))
    return Client.create(null, { apiUrl: 'http://node.test', fetch: double.fetch, privateKeyOverride: keys.encode() })
  }
  const [victim, bob, mallory] = [await make(), await make(), await make()]
  /** Bob's invitation to the victim, dated `createdNs` (what Bob's newConversation publishes). */
  const bobInvites = async (createdNs: bigint) => {
    const derived = deriveConversation(keysOf(bob), keysOf(victim).getSignedPublicKeyBundle())
    const sealed = await sealInvitation({ sender: keysOf(bob), recipient: keysOf(victim).getSignedPublicKeyBundle(), invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial }, createdNs })
    await bob.api.publish(sealed.envelopes)
    return derived
  }
  /** An invitation naming `topic`, with the sender's own key material. */
  const claim = async (sender: Client, topic: string, createdNs: bigint) => {
    const sealed = await sealInvitation({ sender: keysOf(sender), recipient: keysOf(victim).getSignedPublicKeyBundle(), invitation: { topic, keyMaterial: randomBytes(32) }, createdNs })
    await sender.api.publish(sealed.envelopes)
  }
  const peers = async () => (await victim.conversations.list()).map((c) => [c.topic, c.peerAddress])
  return { victim, bob, mallory, bobInvites, claim, peers }
}

describe('listing against a squatted topic', () => {
  for (const [label, offsetMs] of [['1 ms before', -1n], ['at the same time as', 0n], ['1 ms after', 1n], ['a day before', -86_400_000n]] as const) {
    it(`a fresh listing keeps Bob the peer when the squat is dated ${label} his invitation`, async () => {
      const w = await world()
      const derived = await w.bobInvites(T0)
      await w.claim(w.mallory, derived.topic, T0 + offsetMs * MS)
      expect(await w.peers()).toEqual([[derived.topic, w.bob.address]])
      expect(w.victim.conversations.conflicts()).toEqual([])
      expect(w.victim.conversations.skippedCount).toBe(1)
      expect((await w.victim.conversations.newConversation(w.bob.address)).topic).toBe(derived.topic)
    })
  }

  it('an incremental listing after being offline reads both and keeps Bob; later squats change nothing', async () => {
    const w = await world()
    expect(await w.peers()).toEqual([])
    const derived = await w.bobInvites(T0 + 1_000n * MS)
    await w.claim(w.mallory, derived.topic, T0 + 999n * MS)
    expect(await w.peers()).toEqual([[derived.topic, w.bob.address]])
    await w.claim(w.mallory, derived.topic, BigInt(Date.now()) * MS)
    await w.claim(w.mallory, derived.topic, T0 + 5_000n * MS)
    expect(await w.peers()).toEqual([[derived.topic, w.bob.address]])
  })

  it('a squat seen in an earlier pass than Bob’s invitation is displaced by it', async () => {
    const w = await world()
    const derived = deriveConversation(keysOf(w.bob), keysOf(w.victim).getSignedPublicKeyBundle())
    await w.claim(w.mallory, derived.topic, T0)
    expect(await w.peers()).toEqual([[derived.topic, w.mallory.address]])
    await w.bobInvites(T0 + 1n * MS)
    expect(await w.peers()).toEqual([[derived.topic, w.bob.address]])
  })

  it('two unverifiable invitations for one topic, in either order, make a conflict nobody can send to', async () => {
    for (const firstIsBob of [true, false]) {
      const w = await world()
      const topic = `/xmtp/0/m-${toHex(randomBytes(32))}/proto`
      const [first, second] = firstIsBob ? [w.bob, w.mallory] : [w.mallory, w.bob]
      await w.claim(first, topic, T0)
      await w.claim(second, topic, T0 + 1n * MS)
      expect(await w.peers()).toEqual([])
      expect(w.victim.conversations.conflicts().map((c) => [c.topic, c.conflict])).toEqual([[topic, true]])
      expect(w.victim.conversations.get(topic)).toBeUndefined()
    }
  })
})
