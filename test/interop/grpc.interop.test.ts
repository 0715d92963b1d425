// xmtp-js 13 over gRPC: its own ApiClient for gRPC (@xmtp/grpc-api-client, the one every V2
// SDK's transport resembles) against our node's MessageApi service, auth on. The scenarios the
// HTTP interop tests run (identities and restore, canMessage, V2 and V1 conversations, paging,
// batch queries, every stream kind, auth refusals), then across transports: what one client
// publishes over gRPC another reads over HTTP, and the reverse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIdentity } from '../../src/node/testing/identities.ts'
import { startNode, type NodeProcess } from '../../src/node/testing/node-process.ts'
import { grpcClientOptions, loadGrpcApiClient, quiet } from '../helpers/grpc-api-client.ts'
import { collectUntil, nextWithin } from '../helpers/streams.ts'
import { newWallet, type TestWallet } from '../helpers/wallets.ts'
import { createReferenceClient, referenceCodecs, xmtpJs } from '../helpers/xmtp-js.ts'

const { Client } = xmtpJs
/* eslint-disable @typescript-eslint/no-explicit-any */

let node: NodeProcess
let aliceWallet: TestWallet
let bobWallet: TestWallet
let alice: any
let bob: any

const overGrpc = async (extra: Record<string, unknown> = {}) => grpcClientOptions(node.grpcAddress!, { codecs: referenceCodecs(), ...extra })
const health = async (): Promise<{ envelopes: number; subscriptions: number }> => (await fetch(`${node.url}/healthz`)).json()

/** xmtp-js opens its streams without awaiting them; wait until the node holds `count`. */
async function waitForSubscriptions(count: number): Promise<void> {
  const deadline = Date.now() + 10_000
  while ((await health()).subscriptions < count) {
    if (Date.now() > deadline) throw new Error(`node never saw ${count} subscriptions`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const texts = async (c: any) => (await c.messages()).map((m: any) => `${m.senderAddress === alice.address ? 'alice' : 'bob'}: ${m.content}`)

beforeAll(async () => {
  node = await startNode({ auth: true })
  aliceWallet = newWallet()
  bobWallet = newWallet()
  alice = await Client.create(aliceWallet, await overGrpc())
  bob = await Client.create(bobWallet, await overGrpc())
})

afterAll(async () => {
  await alice?.close?.()
  await bob?.close?.()
  expect(await node?.stop()).toBe(0)
})

describe('xmtp-js 13 over gRPC', () => {
  it('runs on the gRPC transport, not HTTP', async () => {
    const GrpcApiClient = await loadGrpcApiClient()
    expect(alice.apiClient).toBeInstanceOf(GrpcApiClient)
  })

  it('creates identities: the private store and both contact bundles are on the network; canMessage sees them', async () => {
    expect(alice.address).toBe(aliceWallet.address)
    expect(await alice.canMessage(bobWallet.address)).toBe(true)
    expect(await alice.canMessage(newWallet().address)).toBe(false)
    // Batch queries over gRPC, through the client's own batchQuery.
    const [privateStore, contact] = await alice.apiClient.batchQuery([
      { contentTopic: `/xmtp/0/privatestore-${alice.address}/key_bundle/proto` },
      { contentTopic: `/xmtp/0/contact-${alice.address}/proto` },
    ])
    expect(privateStore).toHaveLength(1)
    expect(contact).toHaveLength(2) // legacy V1 + signed V2 contact
  })

  it('restores a client from the network with the same wallet and publishes nothing new', async () => {
    const before = (await health()).envelopes
    const restored = await Client.create(aliceWallet, await overGrpc())
    expect(restored.address).toBe(alice.address)
    expect((await health()).envelopes).toBe(before)
    const key = (c: any) => Buffer.from(c.publicKeyBundle.identityKey.secp256k1Uncompressed.bytes).toString('hex')
    expect(key(restored)).toBe(key(alice))
    await restored.close()
  })

  it('carries a V2 conversation both ways, and a restored client reads its history', async () => {
    const conversation = await alice.conversations.newConversation(bobWallet.address, { conversationId: 'grpc/v2', metadata: {} })
    await conversation.send('hello bob')
    const bobSide = (await bob.conversations.list()).find((c: any) => c.topic === conversation.topic)
    expect(bobSide).toBeDefined()
    await bobSide.send('hello alice')
    expect(await texts(conversation)).toEqual(['alice: hello bob', 'bob: hello alice'])
    const restoredBob = await Client.create(bobWallet, await overGrpc())
    const again = (await restoredBob.conversations.list()).find((c: any) => c.topic === conversation.topic)
    expect(await texts(again)).toEqual(['alice: hello bob', 'bob: hello alice'])
    await restoredBob.close()
  })

  it('carries a V1 conversation with a peer that published only a legacy contact', async () => {
    const carolWallet = newWallet()
    const carol = await Client.create(carolWallet, await overGrpc({ publishLegacyContact: true }))
    const toCarol = await alice.conversations.newConversation(carolWallet.address)
    expect(toCarol.conversationVersion).toBe('v1')
    await toCarol.send('v1 hello')
    const carolSide = (await carol.conversations.list()).find((c: any) => c.peerAddress === alice.address)
    await carolSide.send('v1 reply')
    expect((await toCarol.messages()).map((m: any) => m.content)).toEqual(['v1 hello', 'v1 reply'])
    await carol.close()
  })

  it('pages through a conversation in both directions', async () => {
    const conversation = await alice.conversations.newConversation(bobWallet.address, { conversationId: 'grpc/paging', metadata: {} })
    for (let i = 0; i < 7; i++) await conversation.send(`m${i}`)
    const pages: string[][] = []
    for await (const page of conversation.messagesPaginated({ pageSize: 3 })) pages.push(page.map((m: any) => m.content))
    expect(pages).toEqual([['m0', 'm1', 'm2'], ['m3', 'm4', 'm5'], ['m6']])
    const newestFirst = await conversation.messages({ direction: xmtpJs.SortDirection.SORT_DIRECTION_DESCENDING, limit: 2 })
    expect(newestFirst.map((m: any) => m.content)).toEqual(['m6', 'm5'])
  })

  it('streams: one conversation, new conversations, all messages (topic set updated mid-stream) and ephemeral', async () => {
    const base = (await health()).subscriptions
    const conversations = await bob.conversations.stream()
    const all = await bob.conversations.streamAllMessages()
    await waitForSubscriptions(base + 2)
    // A conversation that did not exist when streamAllMessages started: xmtp-js adds its topic
    // to the open Subscribe2 call when the invitation arrives.
    const fresh = await alice.conversations.newConversation(bobWallet.address, { conversationId: 'grpc/streams', metadata: {} })
    const announced = await nextWithin<any>(conversations)
    expect(announced.topic).toBe(fresh.topic)
    const bobSide = (await bob.conversations.list()).find((c: any) => c.topic === fresh.topic)
    const one = await bobSide.streamMessages()
    const ephemeral = await bobSide.streamEphemeral()
    await waitForSubscriptions(base + 4)
    await new Promise((r) => setTimeout(r, 500)) // the all-messages update travels on its open call
    await fresh.send('live over grpc')
    expect((await nextWithin<any>(one)).content).toBe('live over grpc')
    const seen = await collectUntil<any>(all, (values) => values.some((m) => m.content === 'live over grpc'))
    expect(seen.at(-1).contentTopic).toBe(fresh.topic)
    await fresh.send('typing', { ephemeral: true })
    const typing = await nextWithin<any>(ephemeral)
    expect([typing.content, typing.senderAddress]).toEqual(['typing', alice.address])
    expect(await alice.apiClient.query({ contentTopic: fresh.ephemeralTopic }, {})).toEqual([]) // never stored
    for (const stream of [conversations, all, one, ephemeral]) await stream.return?.(undefined)
  })

  it('refuses publishes the node must refuse: another wallet\'s contact topic, and a token no wallet signed', async () => {
    const GrpcApiClient = await loadGrpcApiClient()
    const denied = alice.apiClient.publish([{ contentTopic: `/xmtp/0/contact-${bob.address}/proto`, message: new Uint8Array([1]) }])
    await expect(denied).rejects.toMatchObject({ code: 'PERMISSION_DENIED', message: 'publishing to restricted topic' })

    // A correctly signed token whose auth data claims another wallet: it fails validation.
    const forged = (await createIdentity()).tokenClaiming(bob.address)
    const api = quiet(new GrpcApiClient(node.grpcAddress!, false))
    api.setAuthenticator({ createToken: async () => ({ ageMs: 0, toBase64: () => forged }) })
    const refused = api.publish([{ contentTopic: '/xmtp/0/m-grpc-unauthenticated/proto', message: new Uint8Array([1]) }])
    await expect(refused).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
    expect(await alice.apiClient.query({ contentTopic: '/xmtp/0/m-grpc-unauthenticated/proto' }, {})).toEqual([])
  })
})

describe('across transports', () => {
  it('a conversation between a gRPC client and an HTTP client, both directions, streams included', async () => {
    const carolWallet = newWallet()
    const carol = await createReferenceClient(carolWallet, node.url) // HTTP
    try {
      const overHttp = await carol.conversations.newConversation(aliceWallet.address, { conversationId: 'grpc/cross', metadata: {} })
      const base = (await health()).subscriptions
      const aliceStream = await alice.conversations.streamAllMessages()
      const carolStream = await overHttp.streamMessages()
      await waitForSubscriptions(base + 2)
      await overHttp.send('from http')
      const atAlice = await collectUntil<any>(aliceStream, (v) => v.some((m) => m.content === 'from http'))
      expect(atAlice.at(-1).senderAddress).toBe(carolWallet.address)
      const aliceSide = (await alice.conversations.list()).find((c: any) => c.topic === overHttp.topic)
      await aliceSide.send('from grpc')
      const atCarol = await collectUntil<any>(carolStream, (v) => v.some((m) => m.content === 'from grpc'))
      expect(atCarol.at(-1).senderAddress).toBe(aliceWallet.address)
      // Stored once, read by either transport in the same order.
      expect((await overHttp.messages()).map((m: any) => m.content)).toEqual(['from http', 'from grpc'])
      expect((await aliceSide.messages()).map((m: any) => m.content)).toEqual(['from http', 'from grpc'])
      await aliceStream.return?.(undefined)
      await carolStream.return?.(undefined)
    } finally {
      await carol.close()
    }
  })
})
