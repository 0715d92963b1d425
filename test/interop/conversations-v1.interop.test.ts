// V1 conversations between Parley and xmtp-js 13 through a real node (auth on): a peer
// whose newest contact is a legacy bundle gets a V1 conversation on the dm- topic, with
// the first message also on both intro topics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNode, type NodeProcess } from '../../src/node/testing/nodeProcess.ts'
import { Client } from '../../src/protocol/index.ts'
import { dmTopic, introTopic } from '../../src/protocol/topics.ts'
import { rawApi } from '../helpers/network.ts'
import { collectUntil } from '../helpers/streams.ts'
import { newWallet, type TestWallet } from '../helpers/wallets.ts'
import { createReferenceClient } from '../helpers/xmtp-js.ts'

/* eslint-disable @typescript-eslint/no-explicit-any */
let node: NodeProcess
let parleyWallet: TestWallet
let parley: Client

beforeAll(async () => {
  node = await startNode({ auth: true })
  parleyWallet = newWallet()
  parley = await Client.create(parleyWallet, { apiUrl: node.url })
})
afterAll(async () => {
  await parley?.close()
  await node?.stop()
})

describe('V1 conversations (Parley ⇄ xmtp-js 13)', () => {
  it('Parley starts V1 with a legacy-only peer; messages flow both ways; both list it', async () => {
    const legacyWallet = newWallet()
    const legacy = await createReferenceClient(legacyWallet, node.url, { publishLegacyContact: true })
    const convo = await parley.conversations.newConversation(legacyWallet.address)
    expect(convo.conversationVersion).toBe('v1')
    expect(convo.context).toBeUndefined()
    expect(convo.topic).toBe(dmTopic(parleyWallet.address, legacyWallet.address))
    // Asking again gives the same conversation.
    expect((await parley.conversations.newConversation(legacyWallet.address)).topic).toBe(convo.topic)

    const first = await convo.send('v1 hello')
    const api = rawApi(node.url)
    const [peerIntro, ownIntro, dm] = await Promise.all(
      [introTopic(legacyWallet.address), introTopic(parleyWallet.address), convo.topic].map((contentTopic) => api.query({ contentTopic })),
    )
    expect([peerIntro!.length, ownIntro!.length, dm!.length]).toEqual([1, 1, 1])
    await convo.send('second')
    expect(await api.query({ contentTopic: introTopic(legacyWallet.address) })).toHaveLength(1) // intro only once

    const jsList = await legacy.conversations.list()
    const jsConvo = jsList.find((c: any) => c.topic === convo.topic)
    expect(jsConvo.conversationVersion).toBe('v1')
    expect(jsConvo.peerAddress).toBe(parleyWallet.address)
    const jsMessages = await jsConvo.messages()
    expect(jsMessages.map((m: any) => m.content)).toEqual(['v1 hello', 'second'])
    expect(jsMessages[0].id).toBe(first.id)
    await jsConvo.send('v1 reply')

    const messages = await convo.messages()
    expect(messages.map((m) => [m.senderAddress, m.content])).toEqual([
      [parleyWallet.address, 'v1 hello'],
      [parleyWallet.address, 'second'],
      [legacyWallet.address, 'v1 reply'],
    ])
    const listed = (await parley.conversations.list()).filter((c) => c.topic === convo.topic)
    expect(listed).toHaveLength(1)
    expect(listed[0]!.conversationVersion).toBe('v1')
    expect(listed[0]!.createdAt.getTime()).toBe(first.sent.getTime())
  })

  it('xmtp-js starts V1 with a Parley identity whose newest contact is legacy; Parley lists and streams it once', async () => {
    const wallet = newWallet()
    await createReferenceClient(wallet, node.url, { publishLegacyContact: true })
    const mine = await Client.create(wallet, { apiUrl: node.url, skipContactPublishing: true })
    const all = await mine.conversations.streamAllMessages()
    const peerWallet = newWallet()
    const peer = await createReferenceClient(peerWallet, node.url)
    const jsConvo = await peer.conversations.newConversation(wallet.address)
    expect(jsConvo.conversationVersion).toBe('v1')
    await jsConvo.send('first v1 from js')
    await jsConvo.send('second v1 from js')

    const streamed = await collectUntil(all, (seen) => seen.some((m) => m.content === 'second v1 from js'))
    expect(streamed.filter((m) => m.content === 'first v1 from js')).toHaveLength(1) // intro + dm copy, yielded once
    expect(streamed.find((m) => m.content === 'first v1 from js')!.contentTopic).toBe(jsConvo.topic)
    await all.return()

    const list = await mine.conversations.list()
    const found = list.filter((c) => c.topic === jsConvo.topic)
    expect(found).toHaveLength(1)
    expect(found[0]!.peerAddress).toBe(peerWallet.address)
    expect((await found[0]!.messages()).map((m) => m.content)).toEqual(['first v1 from js', 'second v1 from js'])
    await found[0]!.send('answer from parley')
    expect((await jsConvo.messages()).at(-1).content).toBe('answer from parley')
    await mine.close()
  })

  it('a forged intro (not decryptable by us) is skipped and counted, and hides nothing', async () => {
    const wallet = newWallet()
    const mine = await Client.create(wallet, { apiUrl: node.url })
    const legacyWallet = newWallet()
    await createReferenceClient(legacyWallet, node.url, { publishLegacyContact: true })
    // A V1 message between two other wallets, dropped on our intro topic.
    const x = newWallet()
    const y = newWallet()
    const xs = await Client.create(x, { apiUrl: node.url })
    await createReferenceClient(y, node.url, { publishLegacyContact: true })
    const foreign = await xs.conversations.newConversation(y.address)
    await foreign.send('not for you')
    const [introCopy] = await rawApi(node.url).query({ contentTopic: introTopic(y.address) })
    await xs.api.publish([{ ...introCopy!, contentTopic: introTopic(wallet.address) }])
    await xs.api.publish([{ contentTopic: introTopic(wallet.address), timestampNs: introCopy!.timestampNs, message: new Uint8Array([1, 2, 3]) }])

    const real = await mine.conversations.newConversation(legacyWallet.address)
    await real.send('real one')
    const before = mine.conversations.skippedCount
    const list = await mine.conversations.list()
    expect(list.map((c) => c.topic)).toEqual([real.topic])
    expect(mine.conversations.skippedCount - before).toBe(2)
  })
})
