// Real @xmtp/xmtp-js 13 clients talking to each other through our node, with auth on.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomWallet, xmtpjs, type TestWallet } from './testing/identities.ts'
import { post } from './testing/http.ts'
import { startNode, type NodeProcess } from './testing/node-process.ts'

const { Client } = xmtpjs

let node: NodeProcess
const clientOptions = (extra: Record<string, unknown> = {}) => ({ env: 'local', apiUrl: node.url, ...extra })

async function health(): Promise<{ envelopes: number; subscriptions: number }> {
  return (await fetch(`${node.url}/healthz`)).json()
}

/** xmtp-js starts its subscription fetch without awaiting it; wait until the node has it. */
async function waitForSubscriptions(count: number): Promise<void> {
  const deadline = Date.now() + 10_000
  while ((await health()).subscriptions < count) {
    if (Date.now() > deadline) throw new Error(`node never saw ${count} subscriptions`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function nextWithin<T>(iterator: AsyncIterator<T>, ms: number): Promise<T> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no stream value within ${ms} ms`)), ms))
  const result = await Promise.race([iterator.next(), timeout])
  if (result.done) throw new Error('stream ended')
  return result.value
}

let aliceWallet: TestWallet
let bobWallet: TestWallet
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let alice: any, bob: any

beforeAll(async () => {
  node = await startNode({ auth: true })
  aliceWallet = randomWallet()
  bobWallet = randomWallet()
  alice = await Client.create(aliceWallet, clientOptions())
  bob = await Client.create(bobWallet, clientOptions())
})

afterAll(async () => {
  await alice?.close?.()
  await bob?.close?.()
  expect(await node.stop()).toBe(0)
})

describe('xmtp-js 13 through the Parley node', () => {
  it('creates identities: private store and both contact bundles are on the network', async () => {
    expect(alice.address).toBe(aliceWallet.address)
    expect(await alice.canMessage(bobWallet.address)).toBe(true)
    expect(await Client.canMessage(aliceWallet.address, clientOptions())).toBe(true)
    expect(await alice.canMessage(randomWallet().address)).toBe(false)
    const stored = await post(`${node.url}/message/v1/batch-query`, {
      requests: [
        { contentTopics: [`/xmtp/0/privatestore-${alice.address}/key_bundle/proto`] },
        { contentTopics: [`/xmtp/0/contact-${alice.address}/proto`] },
      ],
    })
    expect(stored.body.responses[0].envelopes).toHaveLength(1)
    expect(stored.body.responses[1].envelopes).toHaveLength(2) // legacy V1 + signed V2 contact
  })

  it('restores a client from the network with the same wallet and publishes nothing new', async () => {
    const before = (await health()).envelopes
    const restored = await Client.create(aliceWallet, clientOptions())
    expect(restored.address).toBe(alice.address)
    expect((await health()).envelopes).toBe(before)
    const key = (c: { publicKeyBundle: { identityKey: { secp256k1Uncompressed: { bytes: Uint8Array } } } }) =>
      Buffer.from(c.publicKeyBundle.identityKey.secp256k1Uncompressed.bytes).toString('hex')
    expect(key(restored)).toBe(key(alice))
    await restored.close?.()
  })

  it('carries a V2 conversation both ways, and the restored side reads its history', async () => {
    const conversation = await alice.conversations.newConversation(bobWallet.address, { conversationId: 'parley/interop', metadata: {} })
    expect(conversation.topic).toMatch(/^\/xmtp\/0\/m-[0-9a-f]{64}\/proto$/)
    await conversation.send('hello bob')
    const bobSide = (await bob.conversations.list()).find((c: { topic: string }) => c.topic === conversation.topic)
    expect(bobSide).toBeDefined()
    await bobSide.send('hello alice')
    const texts = async (c: { messages(): Promise<{ content: unknown; senderAddress: string }[]> }) =>
      (await c.messages()).map((m) => `${m.senderAddress === alice.address ? 'alice' : 'bob'}: ${m.content}`)
    expect(await texts(conversation)).toEqual(['alice: hello bob', 'bob: hello alice'])
    expect(await texts(bobSide)).toEqual(['alice: hello bob', 'bob: hello alice'])
    const restoredBob = await Client.create(bobWallet, clientOptions())
    const again = (await restoredBob.conversations.list()).find((c: { topic: string }) => c.topic === conversation.topic)
    expect(await texts(again)).toEqual(['alice: hello bob', 'bob: hello alice'])
  })

  it('carries a V1 conversation with a peer that published only a legacy contact', async () => {
    const carolWallet = randomWallet()
    const carol = await Client.create(carolWallet, clientOptions({ publishLegacyContact: true }))
    const toCarol = await alice.conversations.newConversation(carolWallet.address)
    expect(toCarol.conversationVersion).toBe('v1')
    const [a, b] = [alice.address, carol.address].sort()
    expect(toCarol.topic).toBe(`/xmtp/0/dm-${a}-${b}/proto`)
    await toCarol.send('v1 hello')
    const carolSide = (await carol.conversations.list()).find((c: { peerAddress: string }) => c.peerAddress === alice.address)
    expect(carolSide.conversationVersion).toBe('v1')
    await carolSide.send('v1 reply')
    expect((await toCarol.messages()).map((m: { content: unknown }) => m.content)).toEqual(['v1 hello', 'v1 reply'])
    await carol.close?.()
  })

  it('streams a message sent after the stream started', async () => {
    const conversation = await alice.conversations.newConversation(bobWallet.address, { conversationId: 'parley/stream', metadata: {} })
    await conversation.send('before the stream')
    const subscriptionsBefore = (await health()).subscriptions
    const stream = await bob.conversations.streamAllMessages()
    await waitForSubscriptions(subscriptionsBefore + 1)
    await conversation.send('live one')
    const message = await nextWithin<{ content: unknown; senderAddress: string; contentTopic: string }>(stream, 15_000)
    expect(message.content).toBe('live one')
    expect(message.senderAddress).toBe(alice.address)
    expect(message.contentTopic).toBe(conversation.topic)
    await stream.return?.(undefined)
  })
})
