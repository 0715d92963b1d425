// Issue 19 item 1 against a real node process over HTTP: an attacker (Mallory) who knows
// the topic of Bob's conversation with the victim seals an invitation to the victim naming
// that topic with her own key material, dated just before Bob's, and publishes it through
// the node like any client. The victim lists (fresh, incremental, after a restart), then
// sends "to Bob": Bob reads it, Mallory cannot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNode, type NodeProcess } from '../../node/testing/node-process.ts'
import { generatePrivateKey, randomBytes } from '../crypto/index.ts'
import { deriveConversation, sealInvitation } from '../invitations/index.ts'
import { PrivateKeySigner } from '../keys/index.ts'
import { toHex } from '../../wire/bytes.ts'
import { Client } from './client.ts'
import type { Conversation } from './conversation.ts'
import { InMemoryPersistence } from './persistence.ts'
import { keysOf } from './testing/exported-keys.ts'

const MS = 1_000_000n

let node: NodeProcess
const clients: Client[] = []

async function newClient(persistence = new InMemoryPersistence(), key = generatePrivateKey()): Promise<Client> {
  const client = await Client.create(new PrivateKeySigner(key), { apiUrl: node.url, persistence })
  clients.push(client)
  return client
}

/** Every key material Mallory put in a squatting invitation (what she could decrypt with). */
const malloryKeys = new Map<string, Uint8Array[]>()

/** Mallory seals an invitation to `victim` naming `topic` with her own key material, dated `createdNs`, and publishes it. */
async function squat(mallory: Client, victim: Client, topic: string, createdNs: bigint): Promise<void> {
  const keyMaterial = randomBytes(32)
  malloryKeys.set(topic, [...(malloryKeys.get(topic) ?? []), keyMaterial])
  const sealed = await sealInvitation({
    sender: keysOf(mallory),
    recipient: keysOf(victim).getSignedPublicKeyBundle(),
    invitation: { topic, keyMaterial },
    createdNs,
  })
  await mallory.api.publish(sealed.envelopes) // the victim's invite topic and her own
}

/** What Mallory can read on `topic` with any key material she chose. */
async function whatMalloryReads(mallory: Client, victim: Client, topic: string): Promise<string[]> {
  const read: string[] = []
  for (const keyMaterial of malloryKeys.get(topic) ?? []) {
    const conversation = mallory.conversations.fromRecord({ version: 'v2', topic, peerAddress: victim.address, createdNs: 1n, keyMaterial })
    read.push(...(await texts(conversation)))
  }
  return read
}

const createdNsOf = (conversation: Conversation) => BigInt(conversation.createdAt.getTime()) * MS

async function texts(conversation: Conversation): Promise<string[]> {
  return (await conversation.messages()).map((m) => String(m.content))
}

beforeAll(async () => {
  node = await startNode({ auth: true, rateLimits: false })
})

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => {})
  await node?.stop()
})

describe('a conversation cannot be hijacked by an invitation naming its topic (real node)', () => {
  it('fresh listing: Bob stays the peer whatever Mallory dates her invitation; the message to Bob is his alone', async () => {
    const [victim, bob, mallory] = [await newClient(), await newClient(), await newClient()]
    const fromBob = await bob.conversations.newConversation(victim.address)
    await fromBob.send('hello from Bob')
    const topic = fromBob.topic // visible to every node operator and subscribe-all listener
    await squat(mallory, victim, topic, createdNsOf(fromBob) - 1n * MS)
    await squat(mallory, victim, topic, createdNsOf(fromBob) + 1n * MS)

    const listed = await victim.conversations.list() // the victim's first listing: a fresh install
    const onTopic = listed.filter((c) => c.topic === topic)
    expect(onTopic.map((c) => c.peerAddress)).toEqual([bob.address])
    expect(listed.some((c) => c.peerAddress === mallory.address)).toBe(false)
    expect(await texts(onTopic[0]!)).toEqual(['hello from Bob'])
    expect(victim.conversations.skippedCount).toBeGreaterThanOrEqual(2) // both squatting invitations refused

    const toBob = await victim.conversations.newConversation(bob.address)
    expect(toBob.topic).toBe(topic)
    expect(toBob.peerAddress).toBe(bob.address)
    await toBob.send('to Bob')
    expect(await texts(fromBob)).toEqual(['hello from Bob', 'to Bob'])
    // With the key material Mallory chose, nothing on the topic opens.
    expect(malloryKeys.get(topic)).toHaveLength(2)
    expect(await whatMalloryReads(mallory, victim, topic)).toEqual([])
  })

  it('incremental listing after being offline, then after a restart: the squat never changes the peer or keys', async () => {
    const victimKey = generatePrivateKey()
    const storage = new InMemoryPersistence()
    const victim = await newClient(storage, victimKey)
    const [bob, mallory] = [await newClient(), await newClient()]
    expect(await victim.conversations.list()).toEqual([]) // the first run; then the victim is offline

    const fromBob = await bob.conversations.newConversation(victim.address)
    await fromBob.send('while you were away')
    await squat(mallory, victim, fromBob.topic, createdNsOf(fromBob) - 1n * MS)
    const afterOffline = await victim.conversations.list() // incremental: reads both invitations
    expect(afterOffline.map((c) => [c.topic, c.peerAddress])).toEqual([[fromBob.topic, bob.address]])

    // A later squat, dated before, at or after Bob's invitation, on the next incremental pass.
    for (const offset of [-5_000n, 0n, 1n]) await squat(mallory, victim, fromBob.topic, createdNsOf(fromBob) + offset * MS)
    await squat(mallory, victim, fromBob.topic, BigInt(Date.now()) * MS)
    expect((await victim.conversations.list()).map((c) => c.peerAddress)).toEqual([bob.address])

    // A restart on the same storage keeps the verified record; the topic stays Bob's.
    const restarted = await newClient(storage, victimKey)
    await squat(mallory, restarted, fromBob.topic, BigInt(Date.now()) * MS)
    const again = await restarted.conversations.list()
    expect(again.map((c) => c.peerAddress)).toEqual([bob.address])
    expect(await texts(again[0]!)).toEqual(['while you were away'])
    const toBob = await restarted.conversations.newConversation(bob.address)
    await toBob.send('back now')
    expect(await texts(fromBob)).toEqual(['while you were away', 'back now'])
    expect(await whatMalloryReads(mallory, victim, fromBob.topic)).toEqual([])
  })

  it('records stored before invitations were checked are proven by one full re-listing, then resist a squat', async () => {
    const victimKey = generatePrivateKey()
    const storage = new InMemoryPersistence()
    const victim = await newClient(storage, victimKey)
    const [bob, mallory] = [await newClient(), await newClient()]
    // Bob's invitation, dated a minute ago: outside any later incremental listing's window.
    const derived = deriveConversation(keysOf(bob), keysOf(victim).getSignedPublicKeyBundle())
    const createdNs = BigInt(Date.now() - 60_000) * MS
    const invite = await sealInvitation({ sender: keysOf(bob), recipient: keysOf(victim).getSignedPublicKeyBundle(), invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial }, createdNs })
    await bob.api.publish(invite.envelopes)
    expect((await victim.conversations.list()).map((c) => c.peerAddress)).toEqual([bob.address])
    // Rewrite the stored record as an older Parley wrote it: no `verified` field.
    for (const key of await storage.keys('')) {
      if (!key.includes('conversation/')) continue
      const record = JSON.parse(new TextDecoder().decode((await storage.getItem(key))!)) as Record<string, unknown>
      delete record.verified
      await storage.setItem(key, new TextEncoder().encode(JSON.stringify(record)))
    }
    const upgraded = await newClient(storage, victimKey)
    await squat(mallory, upgraded, derived.topic, BigInt(Date.now()) * MS)
    // Bob's invitation is older than the incremental window reaches, yet it is read
    // again: the record is proven, so the squat is refused rather than disputing the topic.
    expect((await upgraded.conversations.list()).map((c) => c.peerAddress)).toEqual([bob.address])
    expect(upgraded.conversations.conflicts()).toEqual([])
    expect(upgraded.conversations.skippedCount).toBe(1)
  })

  it('newConversation(Bob) takes back a topic Mallory squatted before Bob’s invitation reached the victim', async () => {
    const [victim, bob, mallory] = [await newClient(), await newClient(), await newClient()]
    // Bob's invitation reached only his own invite topic (say it fell outside the victim's listing window).
    const derived = deriveConversation(keysOf(bob), keysOf(victim).getSignedPublicKeyBundle())
    const sealed = await sealInvitation({ sender: keysOf(bob), recipient: keysOf(victim).getSignedPublicKeyBundle(), invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial } })
    await bob.api.publish([sealed.envelopes[1]])
    const bobSide = (await bob.conversations.list()).find((c) => c.topic === derived.topic)!
    await squat(mallory, victim, derived.topic, sealed.createdNs - 1n * MS)

    // Alone, Mallory's claim lists as what it is: a conversation with Mallory, not with Bob.
    expect((await victim.conversations.list()).map((c) => c.peerAddress)).toEqual([mallory.address])
    const toBob = await victim.conversations.newConversation(bob.address)
    expect(toBob.peerAddress).toBe(bob.address)
    expect(toBob.topic).toBe(derived.topic)
    await toBob.send('to Bob')
    expect(await texts(bobSide)).toEqual(['to Bob'])
    expect(await whatMalloryReads(mallory, victim, derived.topic)).toEqual([])
    expect((await victim.conversations.list()).map((c) => c.peerAddress)).toEqual([bob.address])
  })

  it('two unverifiable claims on one topic (an old random-topic invitation and a squat) are flagged, never listed', async () => {
    const [victim, bob, mallory] = [await newClient(), await newClient(), await newClient()]
    // What a pre-10 xmtp-js client sends: a random topic and random key material.
    const topic = `/xmtp/0/m-${toHex(randomBytes(32))}/proto`
    const createdNs = BigInt(Date.now()) * MS
    const sealed = await sealInvitation({ sender: keysOf(bob), recipient: keysOf(victim).getSignedPublicKeyBundle(), invitation: { topic, keyMaterial: randomBytes(32) }, createdNs })
    await bob.api.publish(sealed.envelopes)
    await squat(mallory, victim, topic, createdNs + 1n * MS)

    const listed = await victim.conversations.list()
    expect(listed.some((c) => c.topic === topic)).toBe(false)
    const conflicts = victim.conversations.conflicts()
    expect(conflicts.map((c) => [c.topic, c.conflict])).toEqual([[topic, true]])
    expect(victim.conversations.get(topic)).toBeUndefined() // nothing can be sent there
  })
})
