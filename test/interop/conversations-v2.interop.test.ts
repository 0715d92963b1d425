// V2 conversations between Parley and xmtp-js 13 through a real node (auth on).
import { describe, expect, it } from 'vitest'
import { ClientError, SortDirection, type Conversation } from '../../src/protocol/index.ts'
import { inviteTopic } from '../../src/protocol/topics.ts'
import { rawApi } from '../helpers/network.ts'
import { newWallet } from '../helpers/wallets.ts'
import { createReferenceClient } from '../helpers/xmtp-js.ts'
import { useParleyAndXmtpJs } from '../helpers/interop-setup.ts'

const env = useParleyAndXmtpJs()

function topicsOf(list: Array<{ topic: string }>): string[] {
  return list.map((c) => c.topic)
}

describe('V2 conversations (Parley ⇄ xmtp-js 13)', () => {
  it('a conversation Parley starts is listed once by both, with the same topic and context, and carries messages both ways', async () => {
    const context = { conversationId: 'parley.test/thread-1', metadata: { title: 'hello' } }
    const convo = await env.parley.conversations.newConversation(env.jsWallet.address, context)
    expect(convo.conversationVersion).toBe('v2')
    expect(convo.peerAddress).toBe(env.jsWallet.address)
    expect(convo.context).toEqual(context)
    expect(convo.createdAt).toBeInstanceOf(Date)

    const sent = await convo.send('hi from parley')
    expect(sent.content).toBe('hi from parley')
    expect(sent.senderAddress).toBe(env.parleyWallet.address)
    expect(sent.id).toMatch(/^[0-9a-f]{64}$/)

    const jsList = await env.js.conversations.list()
    const jsConvo = jsList.find((c: any) => c.topic === convo.topic)
    expect(jsConvo).toBeDefined()
    expect(jsList.filter((c: any) => c.topic === convo.topic)).toHaveLength(1)
    expect(jsConvo.peerAddress).toBe(env.parleyWallet.address)
    expect(jsConvo.context.conversationId).toBe(context.conversationId)
    expect(jsConvo.context.metadata).toEqual(context.metadata)
    const jsMessages = await jsConvo.messages()
    expect(jsMessages.map((m: any) => m.content)).toEqual(['hi from parley'])
    expect(jsMessages[0].id).toBe(sent.id)
    expect(jsMessages[0].senderAddress).toBe(env.parleyWallet.address)

    await jsConvo.send('hi from xmtp-js')
    const messages = await convo.messages()
    expect(messages.map((m) => [m.senderAddress, m.content])).toEqual([
      [env.parleyWallet.address, 'hi from parley'],
      [env.jsWallet.address, 'hi from xmtp-js'],
    ])
    expect(messages[1]!.conversation.topic).toBe(convo.topic)

    // Parley's own listing sees it once as well.
    const list = await env.parley.conversations.list()
    expect(topicsOf(list).filter((t) => t === convo.topic)).toHaveLength(1)
    // Starting again from either side yields the same topic, and no new invitation.
    expect((await env.parley.conversations.newConversation(env.jsWallet.address.toLowerCase(), context)).topic).toBe(convo.topic)
    expect((await env.js.conversations.newConversation(env.parleyWallet.address, context)).topic).toBe(convo.topic)
  })

  it('a conversation xmtp-js starts is listed by Parley with its topic and context; starting it from Parley reuses it', async () => {
    const context = { conversationId: 'xmtp.test/from-js', metadata: {} }
    const jsConvo = await env.js.conversations.newConversation(env.parleyWallet.address, context)
    await jsConvo.send('opening line')
    const list = await env.parley.conversations.list()
    const found = list.filter((c) => c.topic === jsConvo.topic)
    expect(found).toHaveLength(1)
    expect(found[0]!.peerAddress).toBe(env.jsWallet.address)
    expect(found[0]!.context).toEqual(context)
    expect((await found[0]!.messages()).map((m) => m.content)).toEqual(['opening line'])
    const again = await env.parley.conversations.newConversation(env.jsWallet.address, context)
    expect(again.topic).toBe(jsConvo.topic)
    // Without a context it is a different (the default) conversation; xmtp-js derives the same one.
    const plain = await env.parley.conversations.newConversation(env.jsWallet.address)
    expect(plain.context).toBeUndefined()
    expect(plain.topic).not.toBe(jsConvo.topic)
    expect((await env.js.conversations.newConversation(env.parleyWallet.address)).topic).toBe(plain.topic)
  })

  it('concurrent starts publish one invitation; listing is sorted by creation time', async () => {
    const peer = newWallet()
    const peerJs = await createReferenceClient(peer, env.node.url)
    const api = rawApi(env.node.url)
    const context = { conversationId: 'race/1', metadata: {} }
    const results = await Promise.all([1, 2, 3].map(() => env.parley.conversations.newConversation(peer.address, context)))
    expect(new Set(results.map((c) => c.topic)).size).toBe(1)
    expect(results[0]).toBe(results[1])
    expect(await api.query({ contentTopic: inviteTopic(peer.address) })).toHaveLength(1)
    expect((await peerJs.conversations.list()).map((c: any) => c.topic)).toEqual([results[0]!.topic])
    const list = await env.parley.conversations.list()
    const times = list.map((c) => c.createdAt.getTime())
    expect([...times].sort((a, b) => a - b)).toEqual(times)
  })

  it('rejects self and wallets that are not on the network with typed errors', async () => {
    await expect(env.parley.conversations.newConversation(env.parleyWallet.address)).rejects.toMatchObject({ reason: 'self-message' })
    await expect(env.parley.conversations.newConversation(newWallet().address)).rejects.toMatchObject({ reason: 'not-on-network' })
    await expect(env.parley.conversations.newConversation('0xnope')).rejects.toBeInstanceOf(ClientError)
    await expect(env.parley.conversations.newConversation(env.jsWallet.address, { conversationId: 7 } as never)).rejects.toThrow(TypeError)
  })

  it('150 messages page in order, both directions and with limits and time ranges', async () => {
    const peer = newWallet()
    const peerJs = await createReferenceClient(peer, env.node.url)
    const convo: Conversation = await env.parley.conversations.newConversation(peer.address, { conversationId: 'paging', metadata: {} })
    for (let i = 0; i < 150; i++) await convo.send(`m${i}`)
    const all = await convo.messages()
    expect(all.map((m) => m.content)).toEqual(Array.from({ length: 150 }, (_, i) => `m${i}`))
    const desc = await convo.messages({ direction: SortDirection.SORT_DIRECTION_DESCENDING, limit: 120 })
    expect(desc.map((m) => m.content)).toEqual(Array.from({ length: 120 }, (_, i) => `m${149 - i}`))
    const from = all[100]!.sent
    const ranged = await convo.messages({ startTime: from, endTime: all[109]!.sent })
    expect(ranged[0]!.content).toBe('m100')
    expect(ranged.at(-1)!.content).toBe('m109')
    const jsConvo = (await peerJs.conversations.list()).find((c: any) => c.topic === convo.topic)
    expect((await jsConvo.messages()).map((m: any) => m.content)).toEqual(all.map((m) => m.content))
  })
})
