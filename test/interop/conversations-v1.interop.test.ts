// V1 conversations between Parley and xmtp-js 13 through a real node (auth on): a peer
// whose newest contact is a legacy bundle gets a V1 conversation on the dm- topic, with
// the first message also on both intro topics.
import { describe, expect, it } from 'vitest'
import { Client } from '../../src/protocol/index.ts'
import { dmTopic, introTopic } from '../../src/protocol/topics.ts'
import { rawApi } from '../helpers/network.ts'
import { collectUntil } from '../helpers/streams.ts'
import { newWallet } from '../helpers/wallets.ts'
import { createReferenceClient } from '../helpers/xmtp-js.ts'
import { useParley } from '../helpers/interop-setup.ts'

/* eslint-disable @typescript-eslint/no-explicit-any */
const env = useParley()

describe('V1 conversations (Parley ⇄ xmtp-js 13)', () => {
  it('Parley starts V1 with a legacy-only peer; messages flow both ways; both list it', async () => {
    const legacyWallet = newWallet()
    const legacy = await createReferenceClient(legacyWallet, env.node.url, { publishLegacyContact: true })
    const convo = await env.parley.conversations.newConversation(legacyWallet.address)
    expect(convo.conversationVersion).toBe('v1')
    expect(convo.context).toBeUndefined()
    expect(convo.topic).toBe(dmTopic(env.parleyWallet.address, legacyWallet.address))
    // Asking again gives the same conversation.
    expect((await env.parley.conversations.newConversation(legacyWallet.address)).topic).toBe(convo.topic)

    const first = await convo.send('v1 hello')
    const api = rawApi(env.node.url)
    const [peerIntro, ownIntro, dm] = await Promise.all(
      [introTopic(legacyWallet.address), introTopic(env.parleyWallet.address), convo.topic].map((contentTopic) => api.query({ contentTopic })),
    )
    expect([peerIntro!.length, ownIntro!.length, dm!.length]).toEqual([1, 1, 1])
    await convo.send('second')
    expect(await api.query({ contentTopic: introTopic(legacyWallet.address) })).toHaveLength(1) // intro only once

    const jsList = await legacy.conversations.list()
    const jsConvo = jsList.find((c: any) => c.topic === convo.topic)
    expect(jsConvo.conversationVersion).toBe('v1')
    expect(jsConvo.peerAddress).toBe(env.parleyWallet.address)
    const jsMessages = await jsConvo.messages()
    expect(jsMessages.map((m: any) => m.content)).toEqual(['v1 hello', 'second'])
    expect(jsMessages[0].id).toBe(first.id)
    await jsConvo.send('v1 reply')

    const messages = await convo.messages()
    expect(messages.map((m) => [m.senderAddress, m.content])).toEqual([
      [env.parleyWallet.address, 'v1 hello'],
      [env.parleyWallet.address, 'second'],
      [legacyWallet.address, 'v1 reply'],
    ])
    const listed = (await env.parley.conversations.list()).filter((c) => c.topic === convo.topic)
    expect(listed).toHaveLength(1)
    expect(listed[0]!.conversationVersion).toBe('v1')
    expect(listed[0]!.createdAt.getTime()).toBe(first.sent.getTime())
  })

  it('xmtp-js starts V1 with a Parley identity whose newest contact is legacy; Parley lists and streams it once', async () => {
    const wallet = newWallet()
    await createReferenceClient(wallet, env.node.url, { publishLegacyContact: true })
    const mine = await Client.create(wallet, { apiUrl: env.node.url, skipContactPublishing: true })
    const all = await mine.conversations.streamAllMessages()
    const peerWallet = newWallet()
    const peer = await createReferenceClient(peerWallet, env.node.url)
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
    const mine = await Client.create(wallet, { apiUrl: env.node.url })
    const legacyWallet = newWallet()
    await createReferenceClient(legacyWallet, env.node.url, { publishLegacyContact: true })
    // A V1 message between two other wallets, dropped on our intro topic.
    const x = newWallet()
    const y = newWallet()
    const xs = await Client.create(x, { apiUrl: env.node.url })
    await createReferenceClient(y, env.node.url, { publishLegacyContact: true })
    const foreign = await xs.conversations.newConversation(y.address)
    await foreign.send('not for you')
    const [introCopy] = await rawApi(env.node.url).query({ contentTopic: introTopic(y.address) })
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
