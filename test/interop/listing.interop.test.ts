// Listing behaviour through a real node: one query each for the intro and invite topics
// (a page at a time, up to now + the future tolerance), incremental runs from the last run minus the skew window, persistence across
// client instances, and isolation of bad invitations and forged messages.
import { describe, expect, it } from 'vitest'
import { Client, InMemoryPersistence } from '../../src/protocol/index.ts'
import { deriveConversation } from '../../src/protocol/invitations/deterministic.ts'
import { encodeMessageV2 } from '../../src/protocol/messages/v2.ts'
import { encodeContent, createDefaultRegistry, ContentTypeText } from '../../src/protocol/content/index.ts'
import { introTopic, inviteTopic } from '../../src/protocol/topics.ts'
import { newWallet } from '../helpers/wallets.ts'
import { createReferenceClient } from '../helpers/xmtp-js.ts'
import { useNode } from '../helpers/interop-setup.ts'
import { keysOf } from '../../src/protocol/client/testing/exported-keys.ts'

const env = useNode()

interface Call {
  path: string
  body: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

function recordingFetch(calls: Call[]) {
  return async (input: string, init: RequestInit) => {
    calls.push({ path: new URL(input).pathname, body: JSON.parse(String(init.body ?? '{}')) })
    return fetch(input, init)
  }
}

describe('conversation listing', () => {
  it('reads intro and invite topics with one query each up to now + 5 min, then incrementally from last run minus 10 s', async () => {
    const calls: Call[] = []
    const wallet = newWallet()
    const client = await Client.create(wallet, { apiUrl: env.node.url, fetch: recordingFetch(calls) })
    const peer = newWallet()
    const peerJs = await createReferenceClient(peer, env.node.url)
    await peerJs.conversations.newConversation(wallet.address, { conversationId: 'one', metadata: {} })

    calls.length = 0
    const firstRunAt = Date.now()
    expect(await client.conversations.list()).toHaveLength(1)
    expect(calls.filter((c) => c.path === '/message/v1/batch-query')).toHaveLength(0)
    const requests = calls.filter((c) => c.path === '/message/v1/query').map((c) => c.body)
    expect(requests.map((r: any) => r.contentTopics[0]).sort()).toEqual([introTopic(wallet.address), inviteTopic(wallet.address)].sort())
    expect(requests.map((r: any) => r.startTimeNs ?? '0')).toEqual(['0', '0']) // first run: everything
    for (const r of requests) {
      // Never to the end of time: an envelope dated next year is not read on every pass.
      const end = BigInt(r.endTimeNs)
      const expectedEnd = BigInt(firstRunAt + 5 * 60_000) * 1_000_000n
      expect(end >= expectedEnd - 2_000_000_000n && end <= expectedEnd + 2_000_000_000n).toBe(true)
    }

    await peerJs.conversations.newConversation(wallet.address, { conversationId: 'two', metadata: {} })
    calls.length = 0
    const second = await client.conversations.list()
    expect(second.map((c) => c.context?.conversationId)).toEqual(['one', 'two'])
    const start = BigInt(calls.find((c) => c.path === '/message/v1/query' && c.body.contentTopics[0] === inviteTopic(wallet.address))!.body.startTimeNs)
    const expected = BigInt(firstRunAt - 10_000) * 1_000_000n
    expect(start >= expected - 2_000_000_000n && start <= expected + 2_000_000_000n).toBe(true)
  })

  it('remembers conversations in the given persistence, so a new client lists from cache and incrementally', async () => {
    const persistence = new InMemoryPersistence()
    const wallet = newWallet()
    const peer = newWallet()
    const peerJs = await createReferenceClient(peer, env.node.url)
    const first = await Client.create(wallet, { apiUrl: env.node.url, persistence })
    const convo = await first.conversations.newConversation(peer.address, { conversationId: 'kept', metadata: { a: 'b' } })
    const keys = await persistence.keys('')
    expect(keys.some((k) => k.includes(convo.topic))).toBe(true)

    const calls: Call[] = []
    const second = await Client.create(wallet, { apiUrl: env.node.url, persistence, fetch: recordingFetch(calls) })
    const cached = second.conversations.listFromCache()
    expect(cached.map((c) => [c.topic, c.context])).toEqual([[convo.topic, { conversationId: 'kept', metadata: { a: 'b' } }]])
    await peerJs.conversations.newConversation(wallet.address)
    const listed = await second.conversations.list()
    expect(listed).toHaveLength(2)
    // The cached conversation still decrypts (its key material came from persistence).
    await convo.send('persisted')
    expect((await cached[0]!.messages()).map((m) => m.content)).toEqual(['persisted'])
  })

  it('one bad invitation never hides the others; it is counted as skipped', async () => {
    const wallet = newWallet()
    const client = await Client.create(wallet, { apiUrl: env.node.url })
    const peer = newWallet()
    const peerJs = await createReferenceClient(peer, env.node.url)
    const attacker = await Client.create(newWallet(), { apiUrl: env.node.url })
    const now = BigInt(Date.now()) * 1_000_000n
    await attacker.api.publish([
      { contentTopic: inviteTopic(wallet.address), timestampNs: now, message: new Uint8Array([0x0a, 0x02, 0x01, 0x02]) },
      { contentTopic: inviteTopic(wallet.address), timestampNs: now + 1n, message: new Uint8Array([0xff, 0xff]) },
    ])
    const good = await peerJs.conversations.newConversation(wallet.address)
    const skippedBefore = client.conversations.skippedCount
    const reported: string[] = []
    client.conversations.onSkipped((error) => reported.push(error.contentTopic))
    const list = await client.conversations.list()
    expect(list.map((c) => c.topic)).toEqual([good.topic])
    expect(client.conversations.skippedCount - skippedBefore).toBe(2)
    expect(reported).toEqual([inviteTopic(wallet.address), inviteTopic(wallet.address)])
  })

  it('a V2 message signed by a third party who knows the key material is skipped, not shown', async () => {
    const aWallet = newWallet()
    const bWallet = newWallet()
    const a = await Client.create(aWallet, { apiUrl: env.node.url })
    const b = await Client.create(bWallet, { apiUrl: env.node.url })
    const convo = await a.conversations.newConversation(bWallet.address, { conversationId: 'guarded', metadata: {} })
    await convo.send('genuine')
    // The third party learns the conversation secret (e.g. a leaked key material) and signs with its own keys.
    const secret = deriveConversation(keysOf(a), keysOf(b).getSignedPublicKeyBundle(), { conversationId: 'guarded' })
    expect(secret.topic).toBe(convo.topic)
    const mallory = await Client.create(newWallet(), { apiUrl: env.node.url })
    const payload = await encodeContent('forged', { contentType: ContentTypeText }, createDefaultRegistry())
    const forged = await encodeMessageV2({ sender: keysOf(mallory), conversation: secret, payload, shouldPush: true })
    await mallory.api.publish([forged.envelope()])
    await a.api.publish([{ contentTopic: convo.topic, timestampNs: BigInt(Date.now()) * 1_000_000n, message: new Uint8Array([1, 2, 3]) }])
    const bConvo = (await b.conversations.list()).find((c) => c.topic === convo.topic)!
    const before = b.conversations.skippedCount
    expect((await bConvo.messages()).map((m) => m.content)).toEqual(['genuine'])
    expect(b.conversations.skippedCount - before).toBe(2)
  })
})
