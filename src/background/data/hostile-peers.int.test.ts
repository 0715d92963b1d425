// What a hostile peer tries against the background's data layer, through a real node
// process (issue 19 items 1 and 3): a V1 message forged in the user's name, two
// unverifiable invitations disputing one topic, and a squatter displaced by the owner.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import Long from 'long'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { xmtp } from '../../gen/proto.js'
import { startNode, type NodeProcess } from '../../node/testing/node-process.ts'
import { Client } from '../../protocol/index.ts'
import { ContentTypeText, prepareContent } from '../../protocol/content/index.ts'
import { encrypt } from '../../protocol/crypto/ciphertext.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'
import { deriveConversation, sealInvitation } from '../../protocol/invitations/index.ts'
import { legacyPublicKeyPoint } from '../../protocol/keys/public-keys.ts'
import { dmTopic, introTopic } from '../../protocol/topics.ts'
import { toHex } from '../../wire/bytes.ts'
import { newWallet } from '../../../test/helpers/wallets.ts'
import type { MessageView } from '../../extension/views.ts'
import { openDevice as openDeviceOn, until, type Device } from './testing/devices.ts'
import { keysOf } from '../../protocol/client/testing/exported-keys.ts'

const MS = 1_000_000n
let node: NodeProcess
const closers: Array<() => Promise<unknown>> = []

beforeAll(async () => {
  node = await startNode({ auth: true })
})
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {})
  await node?.stop()
})

async function client(): Promise<Client> {
  const c = await Client.create(newWallet(), { apiUrl: node.url })
  closers.push(() => c.close())
  return c
}

async function device(): Promise<{ device: Device; address: string }> {
  const wallet = newWallet()
  const d = await openDeviceOn(node.url, wallet, new IDBFactory())
  closers.push(() => d.close())
  return { device: d, address: wallet.address }
}

async function texts(d: Device, topic: string): Promise<MessageView[]> {
  return (await d.data.listMessages(topic, { limit: 100 })).messages
}

/**
 * Bob writes a V1 message whose header says the victim sent it to Bob. He holds only his
 * own keys: the 3DH in the recipient role gives him the very secret the victim would use
 * as sender (§4.2), so the message opens for the victim like one of her own.
 */
async function forgeV1FromVictim(bob: Client, victim: Client, text: string): Promise<void> {
  const victimBundle = keysOf(victim).getPublicKeyBundle()
  const bobBundle = keysOf(bob).getPublicKeyBundle()
  const timestampMs = Date.now()
  const headerBytes = xmtp.message_contents.MessageHeaderV1.encode({ sender: victimBundle, recipient: bobBundle, timestamp: Long.fromNumber(timestampMs, true) }).finish()
  const secret = keysOf(bob).sharedSecret(victimBundle, legacyPublicKeyPoint(bobBundle.preKey), true)
  const { payload: content } = await prepareContent(text, { contentType: ContentTypeText }, victim.registry)
  const ciphertext = await encrypt(content, secret, headerBytes)
  const message = xmtp.message_contents.Message.encode({ v1: { headerBytes, ciphertext } }).finish()
  const timestampNs = BigInt(timestampMs) * MS
  await bob.api.publish([introTopic(victim.address), introTopic(bob.address), dmTopic(victim.address, bob.address)].map((contentTopic) => ({ contentTopic, timestampNs, message })))
}

describe('a hostile peer against the background data layer (real node)', () => {
  it('a V1 message forged in the user’s name is shown as the peer’s, never as sent by the user', async () => {
    const { device: alice, address } = await device()
    const bob = await client()
    await forgeV1FromVictim(bob, alice.client, 'I, Alice, agree to send 10 ETH')
    await alice.data.syncNow()
    const topic = dmTopic(address, bob.address)
    const [conversation] = await alice.data.listConversations('all')
    expect(conversation).toMatchObject({ topic, peerAddress: bob.address, version: 'v1' })
    // The protocol reports the header's claim and flags it…
    const decoded = await alice.client.conversations.get(topic)!.messages()
    expect(decoded.map((m) => [m.senderAddress, m.senderUnproven])).toEqual([[address, true]])
    // …and nothing the pages or dapps read presents it as Alice's.
    const [forged] = await texts(alice, topic)
    expect(forged).toMatchObject({ senderAddress: bob.address, claimedSender: address, content: { type: 'text', text: 'I, Alice, agree to send 10 ETH' } })
    expect(conversation!.lastMessage?.senderAddress).toBe(bob.address)
    expect(conversation!.unreadCount).toBe(1)
    // A forged "reply" is no consent either: the peer stays a request.
    expect(conversation!.consent).toBe('unknown')
    expect((await alice.data.listConversations('requests')).map((c) => c.topic)).toEqual([topic])

    // What this device really sends stays Alice's, before and after the network copy returns.
    const sent = await alice.data.send(topic, { type: 'text', text: 'I did not write that' })
    expect(sent.senderAddress).toBe(address)
    await alice.data.syncNow()
    const all = await texts(alice, topic)
    expect(all.map((m) => [m.senderAddress, m.claimedSender, m.content.type === 'text' ? m.content.text : ''])).toEqual([
      [bob.address, address, 'I, Alice, agree to send 10 ETH'],
      [address, undefined, 'I did not write that'],
    ])
  })

  it('a topic two unverifiable invitations dispute is flagged, kept out of every list and cannot be sent to', async () => {
    const { device: alice, address } = await device()
    const [bob, mallory] = [await client(), await client()]
    const topic = `/xmtp/0/m-${toHex(randomBytes(32))}/proto` // a random topic, as pre-10 xmtp-js chose
    const createdNs = BigInt(Date.now()) * MS
    const aliceBundle = keysOf(alice.client).getSignedPublicKeyBundle()
    const fromBob = await sealInvitation({ sender: keysOf(bob), recipient: aliceBundle, invitation: { topic, keyMaterial: randomBytes(32) }, createdNs })
    await bob.api.publish(fromBob.envelopes)
    const squat = await sealInvitation({ sender: keysOf(mallory), recipient: aliceBundle, invitation: { topic, keyMaterial: randomBytes(32) }, createdNs: createdNs - MS })
    await mallory.api.publish(squat.envelopes)

    await alice.data.syncNow()
    for (const filter of ['all', 'messages', 'requests'] as const) expect(await alice.data.listConversations(filter)).toEqual([])
    const view = await alice.data.getConversation(topic)
    expect(view?.conflict).toBe(true)
    await expect(alice.data.send(topic, { type: 'text', text: 'to whom?' })).rejects.toMatchObject({ reason: 'not-found' })
    expect(await alice.data.unreadTotal()).toBe(0)
    expect(address).toBe(alice.client.address)
  })

  it('a squatter’s record is taken over by the owner’s verified invitation: the cached peer follows, the history is the owner’s', async () => {
    const { device: alice, address } = await device()
    const [bob, mallory] = [await client(), await client()]
    const aliceBundle = keysOf(alice.client).getSignedPublicKeyBundle()
    const derived = deriveConversation(keysOf(bob), aliceBundle)
    // Bob's side exists (his invitation reached only his own invite topic so far) and he writes.
    const first = await sealInvitation({ sender: keysOf(bob), recipient: aliceBundle, invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial } })
    await bob.api.publish([first.envelopes[1]])
    const fromBob = (await bob.conversations.list()).find((c) => c.topic === derived.topic)!
    await fromBob.send('early from Bob')
    // Mallory's claim reaches Alice first, and she writes on the topic with her own key.
    const malloryKey = randomBytes(32)
    const squat = await sealInvitation({ sender: keysOf(mallory), recipient: aliceBundle, invitation: { topic: derived.topic, keyMaterial: malloryKey } })
    await mallory.api.publish(squat.envelopes)
    await mallory.conversations.fromRecord({ version: 'v2', topic: derived.topic, peerAddress: address, createdNs: squat.createdNs, keyMaterial: malloryKey }).send('from Mallory')
    await alice.data.syncNow()
    expect((await alice.data.listConversations('all')).map((c) => c.peerAddress)).toEqual([mallory.address])
    expect((await texts(alice, derived.topic)).map((m) => m.senderAddress)).toEqual([mallory.address])

    // Bob's invitation arrives (re-sent): the topic is his, with his whole history and nothing of Mallory's.
    const again = await sealInvitation({ sender: keysOf(bob), recipient: aliceBundle, invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial } })
    await bob.api.publish(again.envelopes)
    await fromBob.send('later from Bob')
    await alice.data.syncNow()
    const [conversation] = await alice.data.listConversations('all')
    expect(conversation).toMatchObject({ topic: derived.topic, peerAddress: bob.address })
    expect(conversation!.lastMessage?.text).toBe('later from Bob')
    expect((await texts(alice, derived.topic)).map((m) => [m.senderAddress, m.content])).toEqual([
      [bob.address, { type: 'text', text: 'early from Bob' }],
      [bob.address, { type: 'text', text: 'later from Bob' }],
    ])
  })

  it('New conversation with Bob (the popup’s and a dapp’s way in) never returns Mallory’s record of Bob’s topic', async () => {
    const { device: alice } = await device()
    const [bob, mallory] = [await client(), await client()]
    const aliceBundle = keysOf(alice.client).getSignedPublicKeyBundle()
    const derived = deriveConversation(keysOf(bob), aliceBundle)
    // Bob's invitation exists only on his own invite topic; Mallory's squat reaches Alice.
    const invite = await sealInvitation({ sender: keysOf(bob), recipient: aliceBundle, invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial } })
    await bob.api.publish([invite.envelopes[1]])
    const squat = await sealInvitation({ sender: keysOf(mallory), recipient: aliceBundle, invitation: { topic: derived.topic, keyMaterial: randomBytes(32) }, createdNs: invite.createdNs - MS })
    await mallory.api.publish(squat.envelopes)
    await alice.data.syncNow()
    expect((await alice.data.getConversation(derived.topic))?.peerAddress).toBe(mallory.address)

    const view = await alice.data.newConversation(bob.address)
    expect(view).toMatchObject({ topic: derived.topic, peerAddress: bob.address })
    expect((await alice.data.getConversation(derived.topic))?.peerAddress).toBe(bob.address)
    await alice.data.send(derived.topic, { type: 'text', text: 'to Bob' })
    await until('the outbox to deliver', async () => (await alice.data.outboxSize()) === 0)
    const atBob = (await bob.conversations.list()).find((c) => c.topic === derived.topic)!
    expect((await atBob.messages()).map((m) => m.content)).toEqual(['to Bob'])
  })
})
