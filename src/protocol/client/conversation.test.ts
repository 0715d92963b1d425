// Conversation paging and the prepare/publish split, against an in-memory node double that
// stores what is published and answers queries per topic (no network, no process).
import { describe, expect, it } from 'vitest'
import { PrivateKeyBundleV1, PrivateKeySigner } from '../keys/index.ts'
import { fromBase64, toBase64 } from '../../wire/bytes.ts'
import { Client } from './client.ts'

interface StoredEnvelope {
  contentTopic: string
  timestampNs: string
  message: string
}

function nodeDouble() {
  const stored: StoredEnvelope[] = []
  let publishes = 0
  const fetch = async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body ?? '{}'))
    if (url.endsWith('/message/v1/publish')) {
      publishes++
      stored.push(...(body.envelopes as StoredEnvelope[]))
      return new Response('{}')
    }
    if (url.endsWith('/message/v1/query')) {
      const topics: string[] = body.contentTopics ?? []
      const envelopes = stored.filter((e) => topics.includes(e.contentTopic)).sort((a, b) => (BigInt(a.timestampNs) < BigInt(b.timestampNs) ? -1 : 1))
      if (body.pagingInfo?.direction === 'SORT_DIRECTION_DESCENDING') envelopes.reverse()
      return new Response(JSON.stringify({ envelopes, pagingInfo: null }))
    }
    return new Response(JSON.stringify({ code: 12, message: 'not in the double' }), { status: 501 })
  }
  return { fetch, stored, publishes: () => publishes }
}

async function setup() {
  const double = nodeDouble()
  const signer = new PrivateKeySigner(new Uint8Array(32).fill(7))
  const peer = new PrivateKeySigner(new Uint8Array(32).fill(8))
  const keys = await PrivateKeyBundleV1.generate(signer)
  const client = await Client.create(null, { apiUrl: 'http://node.test', fetch: double.fetch, privateKeyOverride: keys.encode(), skipContactPublishing: true })
  const conversation = client.conversations.fromRecord({
    version: 'v2',
    topic: '/xmtp/0/m-conversation-test/proto',
    peerAddress: peer.address,
    createdNs: 1_700_000_000_000_000_000n,
    keyMaterial: new Uint8Array(32).fill(9),
  })
  return { double, client, conversation }
}

describe('Conversation.messages', () => {
  it('lists a replayed message (same Message bytes under another envelope timestamp) once', async () => {
    const { double, conversation } = await setup()
    const first = await conversation.send('hello')
    await conversation.send('second')
    const original = double.stored.find((e) => e.contentTopic === conversation.topic)!
    // The node stores the same bytes again later under a new timestamp.
    double.stored.push({ ...original, timestampNs: (BigInt(original.timestampNs) + 5_000_000_000n).toString() })
    const listed = await conversation.messages()
    expect(listed.map((m) => m.content)).toEqual(['hello', 'second'])
    expect(listed.filter((m) => m.id === first.id)).toHaveLength(1)
    // Newest first, the replay is met first: still one copy of each message.
    const newestFirst = await conversation.messages({ direction: 2 })
    expect(newestFirst.map((m) => m.content).sort()).toEqual(['hello', 'second'])
  })
})

describe('Conversation.prepareMessage / publishPrepared', () => {
  it('gives the final ID before publishing, publishes nothing until asked, and the listed message has that ID', async () => {
    const { double, conversation } = await setup()
    const prepared = await conversation.prepareMessage('later')
    expect(prepared.id).toMatch(/^[0-9a-f]{64}$/)
    expect(prepared.message.id).toBe(prepared.id)
    expect(prepared.message.content).toBe('later')
    expect(double.stored.filter((e) => e.contentTopic === conversation.topic)).toHaveLength(0)
    expect(await conversation.messages()).toEqual([])

    await conversation.publishPrepared(prepared)
    // Publishing the same prepared message again (an outbox unsure whether the first try
    // landed) still lists one message with the same ID.
    await conversation.publishPrepared({ topic: prepared.topic, envelopes: prepared.envelopes })
    const listed = await conversation.messages()
    expect(listed.map((m) => [m.id, m.content])).toEqual([[prepared.id, 'later']])
    expect(fromBase64(double.stored.find((e) => e.contentTopic === conversation.topic)!.message)).toEqual(prepared.envelopes[0]!.message)
    expect(toBase64(prepared.envelopes[0]!.message).length).toBeGreaterThan(0)
  })

  it('refuses envelopes of another conversation', async () => {
    const { conversation } = await setup()
    const prepared = await conversation.prepareMessage('x')
    await expect(conversation.publishPrepared({ ...prepared, topic: '/xmtp/0/m-other/proto' })).rejects.toThrow(/another conversation/)
    await expect(conversation.publishPrepared({ topic: conversation.topic, envelopes: [] })).rejects.toThrow(/non-empty envelopes/)
  })
})
