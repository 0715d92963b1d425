// Streams and consent between Parley and xmtp-js 13 through a real node (auth on).
import { describe, expect, it } from 'vitest'
import Long from 'long'
import { Client, type DecodedMessage } from '../../src/protocol/index.ts'
import { createConsentProof } from '../../src/protocol/invitations/invitation.ts'
import { collectUntil, nextWithin, quietFor } from '../helpers/streams.ts'
import { newWallet } from '../helpers/wallets.ts'
import { createReferenceClient } from '../helpers/xmtp-js.ts'
import { useParleyAndXmtpJs } from '../helpers/interop-setup.ts'

const env = useParleyAndXmtpJs()

describe('streams', () => {
  it('conversation.streamMessages sees a message sent after it started, and ends with return()', async () => {
    const convo = await env.parley.conversations.newConversation(env.jsWallet.address, { conversationId: 'stream/1', metadata: {} })
    const stream = await convo.streamMessages()
    const jsConvo = await env.js.conversations.newConversation(env.parleyWallet.address, { conversationId: 'stream/1', metadata: {} })
    expect(jsConvo.topic).toBe(convo.topic)
    await jsConvo.send('live one')
    const message = await nextWithin(stream)
    expect(message.content).toBe('live one')
    expect(message.senderAddress).toBe(env.jsWallet.address)
    await stream.return()
    expect(await stream.next()).toEqual({ value: undefined, done: true })
  })

  it('client.close() ends every stream the client opened', async () => {
    const wallet = newWallet()
    const client = await Client.create(wallet, { apiUrl: env.node.url })
    const convo = await client.conversations.newConversation(env.jsWallet.address)
    const streams = [await convo.streamMessages(), await client.conversations.stream(), await client.conversations.streamAllMessages(), await client.contacts.streamConsentList()]
    const pending = streams.map((s) => s.next())
    await client.close()
    expect(await Promise.all(pending)).toEqual(streams.map(() => ({ value: undefined, done: true })))
  })

  it('ephemeral messages reach live streams on both sides and are never stored', async () => {
    const convo = await env.parley.conversations.newConversation(env.jsWallet.address, { conversationId: 'ephemeral', metadata: {} })
    const jsConvo = await env.js.conversations.newConversation(env.parleyWallet.address, { conversationId: 'ephemeral', metadata: {} })
    expect(convo.ephemeralTopic).toBe(jsConvo.ephemeralTopic)
    const ours = await convo.streamEphemeral()
    const theirs = await jsConvo.streamEphemeral()
    await new Promise((r) => setTimeout(r, 500)) // no gap fill for ephemeral topics: let both subscriptions register
    await jsConvo.send('typing…', { ephemeral: true })
    const received = await nextWithin(ours)
    expect([received.content, received.senderAddress, received.contentTopic]).toEqual(['typing…', env.jsWallet.address, convo.ephemeralTopic])
    const sent = await convo.send('also typing', { ephemeral: true })
    expect(sent.contentTopic).toBe(convo.ephemeralTopic)
    // xmtp-js's stream also yields its own ephemeral message first.
    const jsSeen = await collectUntil(theirs as AsyncIterator<any>, (seen) => seen.some((m) => m.content === 'also typing'))
    expect(jsSeen.find((m) => m.content === 'also typing').id).toBe(sent.id)
    expect(await convo.messages()).toEqual([])
    await ours.return()
    await theirs.return()
  })

  it('conversations.stream yields a conversation xmtp-js starts after the stream began', async () => {
    const stream = await env.parley.conversations.stream()
    const peer = newWallet()
    const peerJs = await createReferenceClient(peer, env.node.url)
    const jsConvo = await peerJs.conversations.newConversation(env.parleyWallet.address)
    const conversation = await nextWithin(stream)
    expect(conversation.topic).toBe(jsConvo.topic)
    expect(conversation.peerAddress).toBe(peer.address)
    await stream.return()
  })

  it('streamAllMessages covers existing and newly started conversations, without duplicates', async () => {
    const existing = await env.parley.conversations.newConversation(env.jsWallet.address, { conversationId: 'all/1', metadata: {} })
    const stream = await env.parley.conversations.streamAllMessages()
    const jsExisting = await env.js.conversations.newConversation(env.parleyWallet.address, { conversationId: 'all/1', metadata: {} })
    await jsExisting.send('to existing')
    const newcomer = newWallet()
    const newcomerJs = await createReferenceClient(newcomer, env.node.url)
    const fresh = await newcomerJs.conversations.newConversation(env.parleyWallet.address, { conversationId: 'all/new', metadata: {} })
    await fresh.send('from a new conversation')
    await existing.send('my own')
    // The stream's gap fill may also replay messages from just before it started (skew
    // window); what matters is that every new message arrives exactly once.
    const wanted = ['to existing', 'from a new conversation', 'my own']
    const values = await collectUntil(stream, (seen) => wanted.every((w) => seen.some((m) => m.content === w)))
    const byContent = (text: string) => values.filter((m) => m.content === text)
    expect(byContent('to existing').map((m) => m.contentTopic)).toEqual([existing.topic])
    expect(byContent('from a new conversation').map((m) => [m.senderAddress, m.contentTopic])).toEqual([[newcomer.address, fresh.topic]])
    expect(byContent('my own')).toHaveLength(1)
    expect(new Set(values.map((m) => m.id)).size).toBe(values.length)
    const late = await quietFor(stream, 1_500)
    if (!late.quiet) expect(wanted).not.toContain(late.value.content) // no duplicate arrives later
    await stream.return()
  })

  it('xmtp-js streams see messages Parley sends', async () => {
    const convo = await env.parley.conversations.newConversation(env.jsWallet.address, { conversationId: 'js-stream', metadata: {} })
    const jsConvo = await env.js.conversations.newConversation(env.parleyWallet.address, { conversationId: 'js-stream', metadata: {} })
    const jsStream = await jsConvo.streamMessages()
    await new Promise((r) => setTimeout(r, 300)) // xmtp-js has no gap fill: let its subscription register
    const sent = await convo.send('to the reference stream')
    const received = await nextWithin(jsStream as AsyncIterator<any>)
    expect(received.id).toBe(sent.id)
    await jsStream.return()
  })
})

describe('consent', () => {
  it('consent set by Parley is read by xmtp-js with the same wallet, and the reverse', async () => {
    const wallet = newWallet()
    const mine = await Client.create(wallet, { apiUrl: env.node.url })
    const a = newWallet().address
    const b = newWallet().address
    expect(mine.contacts.consentState(a)).toBe('unknown')
    await mine.contacts.allow([a])
    await mine.contacts.deny([b])
    expect(mine.contacts.consentState(a)).toBe('allowed')
    const sameWalletJs = await createReferenceClient(wallet, env.node.url)
    await sameWalletJs.contacts.refreshConsentList()
    expect(sameWalletJs.contacts.consentState(a)).toBe('allowed')
    expect(sameWalletJs.contacts.consentState(b)).toBe('denied')

    await sameWalletJs.contacts.deny([a])
    const other = await Client.create(wallet, { apiUrl: env.node.url })
    await other.contacts.refreshConsentList()
    expect(other.contacts.consentState(a)).toBe('denied')
    expect(other.contacts.isDenied(b)).toBe(true)
    const stream = await mine.contacts.streamConsentList()
    await sameWalletJs.contacts.allow([b])
    const action = await nextWithin(stream)
    expect(action).toMatchObject({ permission: 'allow', entryType: 'address', values: [b] })
    expect(mine.contacts.consentState(b)).toBe('allowed')
    await stream.return()
    await expect(mine.contacts.allow(['nope'])).rejects.toThrow(TypeError)
  })

  it('an invitation carrying a consent proof signed by our wallet allows the inviter; a forged proof does not', async () => {
    const wallet = newWallet()
    const mine = await Client.create(wallet, { apiUrl: env.node.url })
    const inviterWallet = newWallet()
    const inviter = await createReferenceClient(inviterWallet, env.node.url)
    const proof = await createConsentProof(wallet, inviterWallet.address)
    const payload = { signature: proof.signature, timestamp: Long.fromNumber(proof.timestampMs, true), payloadVersion: proof.payloadVersion }
    await inviter.conversations.newConversation(wallet.address, { conversationId: 'proof', metadata: {} }, payload)
    const forgerWallet = newWallet()
    const forger = await createReferenceClient(forgerWallet, env.node.url)
    const forged = await createConsentProof(forgerWallet, forgerWallet.address) // not signed by our wallet
    await forger.conversations.newConversation(wallet.address, undefined, {
      signature: forged.signature,
      timestamp: Long.fromNumber(forged.timestampMs, true),
      payloadVersion: forged.payloadVersion,
    })
    expect(await mine.conversations.list()).toHaveLength(2)
    expect(mine.contacts.consentState(inviterWallet.address)).toBe('allowed')
    expect(mine.contacts.consentState(forgerWallet.address)).toBe('unknown')
    const other = await Client.create(wallet, { apiUrl: env.node.url })
    await other.contacts.refreshConsentList()
    expect(other.contacts.consentState(inviterWallet.address)).toBe('allowed')
  })

  it('starting a conversation allows the peer for every client of the wallet', async () => {
    const peer = newWallet()
    await createReferenceClient(peer, env.node.url)
    await env.parley.conversations.newConversation(peer.address)
    expect(env.parley.contacts.consentState(peer.address)).toBe('allowed')
    const sameWalletJs = await createReferenceClient(env.parleyWallet, env.node.url)
    await sameWalletJs.contacts.refreshConsentList()
    expect(sameWalletJs.contacts.consentState(peer.address)).toBe('allowed')
  })
})
