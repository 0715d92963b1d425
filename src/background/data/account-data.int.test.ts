// AccountData against a real node process: incremental sync from persisted cursors, a
// replayed envelope shown once, poll + stream overlap deduped, a worker restart painting
// from the cache, the outbox delivering exactly once across a node outage and a restart,
// a lost publish response, a permanent error with retry(), and a scan of every stored
// value for plaintext and key bytes.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNode, type NodeProcess } from '../../node/testing/node-process.ts'
import { Client, InMemoryPersistence, NamespacedPersistence, type Conversation } from '../../protocol/index.ts'
import { decodeRecord } from '../../protocol/client/conversation-index.ts'
import { newWallet } from '../../../test/helpers/wallets.ts'
import type { MessageView } from '../../extension/views.ts'
import type { AccountData } from '../contracts.ts'
import { accountDatabaseName, openAccountDatabase } from './index.ts'
import { openDevice as openDeviceOn, switchableFetch, TEST_CACHE_KEY as KEY, until, type Device } from './testing/devices.ts'
import { collectStoredBytes, containsBytes } from './testing/scan.ts'
import { keysOf } from '../../protocol/client/testing/exported-keys.ts'

let node: NodeProcess

beforeAll(async () => {
  node = await startNode({ auth: true })
})
afterAll(async () => {
  await node?.stop()
})

const openDevice = (...args: Parameters<typeof openDeviceOn> extends [unknown, ...infer R] ? R : never) => openDeviceOn(node.url, ...args)

async function allMessages(data: AccountData, topic: string): Promise<MessageView[]> {
  return (await data.listMessages(topic, { limit: 100 })).messages
}

describe('AccountData on a real node', () => {
  const idb = new IDBFactory()
  const aliceWallet = newWallet()
  const net = switchableFetch()
  let bob: Client
  const bobPersistence = new InMemoryPersistence()
  let alice: Device
  let bobConversation: Conversation
  let topic: string

  beforeAll(async () => {
    bob = await Client.create(newWallet(), { apiUrl: node.url, persistence: bobPersistence })
    alice = await openDevice(aliceWallet, idb, net.fetch)
    bobConversation = await bob.conversations.newConversation(aliceWallet.address)
    topic = bobConversation.topic
    await bobConversation.send('hi 1 from bob')
    await bobConversation.send('hi 2 from bob')
  })
  afterAll(async () => {
    await alice?.close()
    await bob?.close()
  })

  it('syncs an invitation and its messages into Requests, with progress, and a second pass adds nothing', async () => {
    const statuses: string[] = []
    const stop = alice.data.onSyncStatus((s) => s.progress && statuses.push(`${s.progress.what} ${s.progress.done}/${s.progress.total}`))
    const status = await alice.data.syncNow()
    stop()
    expect(status.state).toBe('idle')
    expect(status.lastSyncAt).toBeGreaterThan(0)
    expect(statuses).toContain('Opening invitations 1/1')
    expect(statuses).toContain('Syncing conversations 1/1')
    const requests = await alice.data.listConversations('requests')
    expect(requests.map((c) => c.topic)).toEqual([topic])
    expect(requests[0]!.consent).toBe('unknown')
    expect(requests[0]!.unreadCount).toBe(2)
    expect(requests[0]!.lastMessage?.text).toBe('hi 2 from bob')
    expect(await alice.data.listConversations('messages')).toEqual([])
    expect((await allMessages(alice.data, topic)).map((m) => m.content)).toEqual([
      { type: 'text', text: 'hi 1 from bob' },
      { type: 'text', text: 'hi 2 from bob' },
    ])
    await alice.data.syncNow()
    expect(await allMessages(alice.data, topic)).toHaveLength(2)
  })

  it('shows a replayed envelope (same Message bytes, later timestamp) once', async () => {
    const [original] = await bob.api.query({ contentTopic: topic, limit: 1 })
    await bob.api.publish([{ contentTopic: topic, timestampNs: original!.timestampNs + 20_000_000_000n, message: original!.message }])
    expect((await bob.api.query({ contentTopic: topic })).length).toBe(3) // the node stores it again
    await alice.data.syncNow()
    const listed = await allMessages(alice.data, topic)
    expect(listed).toHaveLength(2)
    expect(new Set(listed.map((m) => m.id)).size).toBe(2)
    expect(await bobConversation.messages()).toHaveLength(2) // the library lists it once too
  })

  it('streams while held (a message arrives by the stream alone), and overlapping poll + stream store each message once', async () => {
    const arrived: string[] = []
    const stop = alice.data.onMessages((t, messages) => t === topic && arrived.push(...messages.map((m) => m.id)))
    const release = alice.data.holdStream('test')
    await until('the stream to open and its gap fill to finish', async () => alice.data.syncStatus().streaming && alice.data.syncStatus().state === 'idle')
    const pollsBefore = net.state.polls
    const byStream = await bobConversation.send('live from bob')
    await until('the streamed message', async () => arrived.includes(byStream.id))
    expect(net.state.polls).toBe(pollsBefore) // no poll brought it
    const overlap = await bobConversation.send('streamed and polled')
    await Promise.all([until('the overlapping message', async () => arrived.includes(overlap.id)), alice.data.syncNow(), alice.data.syncNow()])
    await alice.data.syncNow()
    expect(net.state.polls).toBeGreaterThan(pollsBefore) // the passes did poll
    release()
    stop()
    expect(arrived.filter((id) => id === byStream.id)).toHaveLength(1)
    expect(arrived.filter((id) => id === overlap.id)).toHaveLength(1)
    const listed = await allMessages(alice.data, topic)
    expect(listed.map((m) => m.id)).toEqual([...new Set(listed.map((m) => m.id))])
    expect(listed).toHaveLength(4)
    await until('the stream to close', async () => !alice.data.syncStatus().streaming)
  })

  it('sends: pending at once with its final id, then sent, exactly one copy; replying moves the peer to Messages', async () => {
    const events: Array<[string, string]> = []
    const stop = alice.data.onMessages((_t, messages) => events.push(...messages.map((m): [string, string] => [m.id, m.delivery])))
    const sent = await alice.data.send(topic, { type: 'text', text: 'reply from alice' })
    expect(sent.delivery).toBe('pending')
    expect(sent.id).toMatch(/^[0-9a-f]{64}$/)
    await until('sent', async () => events.some(([id, d]) => id === sent.id && d === 'sent'))
    stop()
    const bobSees = await bobConversation.messages()
    expect(bobSees.filter((m) => m.id === sent.id).map((m) => m.content)).toEqual(['reply from alice'])
    await alice.data.syncNow()
    const mine = (await allMessages(alice.data, topic)).filter((m) => m.id === sent.id)
    expect(mine.map((m) => m.delivery)).toEqual(['sent'])
    expect((await alice.data.listConversations('messages')).map((c) => c.topic)).toEqual([topic])
    expect(await alice.data.listConversations('requests')).toEqual([])
    expect(await alice.data.outboxSize()).toBe(0)
  })

  it('a lost publish answer is retried and still gives exactly one copy everywhere', async () => {
    net.state.loseNextPublishAnswer = true
    const before = net.state.publishes
    const sent = await alice.data.send(topic, { type: 'text', text: 'lost answer' })
    await until('sent', async () => (await allMessages(alice.data, topic)).find((m) => m.id === sent.id && m.delivery === 'sent'))
    expect(net.state.publishes - before).toBeGreaterThanOrEqual(2)
    expect((await bobConversation.messages()).filter((m) => m.id === sent.id)).toHaveLength(1)
    expect((await allMessages(alice.data, topic)).filter((m) => m.id === sent.id)).toHaveLength(1)
  })

  it('a permanent error marks the message failed; retry() delivers it', async () => {
    net.state.rejectPublish = true
    const sent = await alice.data.send(topic, { type: 'text', text: 'refused once' })
    const failed = await until('failed', async () => (await allMessages(alice.data, topic)).find((m) => m.id === sent.id && m.delivery === 'failed'))
    expect(failed.error).toMatch(/not delivered/)
    net.state.rejectPublish = false
    expect((await alice.data.retry(topic, sent.id)).delivery).toBe('pending')
    await until('sent after retry', async () => (await allMessages(alice.data, topic)).find((m) => m.id === sent.id && m.delivery === 'sent'))
    expect((await bobConversation.messages()).filter((m) => m.id === sent.id)).toHaveLength(1)
  })

  it('delivers a message sent during a node outage exactly once after a worker restart', async () => {
    net.state.down = true
    const sent = await alice.data.send(topic, { type: 'text', text: 'sent while the node is down' })
    expect(sent.delivery).toBe('pending')
    await new Promise((r) => setTimeout(r, 600)) // a few failed attempts
    expect((await alice.data.syncNow()).state).toBe('offline')
    await alice.close() // the worker dies with the message still in the outbox
    net.state.down = false

    alice = await openDevice(aliceWallet, idb, net.fetch)
    // First paint from the cache, before any sync: the conversation and the pending message.
    const cached = await allMessages(alice.data, topic)
    expect(cached.find((m) => m.id === sent.id)?.delivery).toMatch(/pending|sent/)
    expect((await alice.data.listConversations('all')).map((c) => c.topic)).toEqual([topic])
    await until('delivered after restart', async () => (await allMessages(alice.data, topic)).find((m) => m.id === sent.id && m.delivery === 'sent'))
    await alice.data.syncNow()
    expect((await bobConversation.messages()).filter((m) => m.id === sent.id)).toHaveLength(1)
    const listed = await allMessages(alice.data, topic)
    expect(listed.filter((m) => m.id === sent.id)).toHaveLength(1)
    expect(listed.map((m) => m.id)).toEqual([...new Set(listed.map((m) => m.id))])
    expect(await alice.data.outboxSize()).toBe(0)
  })

  it('after a restart, sync is incremental from the persisted cursors: a new message once, nothing else again', async () => {
    const newer = await bobConversation.send('after the restart')
    const before = (await allMessages(alice.data, topic)).length
    const from = net.state.queryBodies.length
    await alice.data.syncNow()
    // The conversation's query starts at its cursor (minus the skew window), not at the beginning.
    const ours = net.state.queryBodies.slice(from).map((b) => JSON.parse(b)).flatMap((b) => b.requests ?? [b]).filter((r) => r.contentTopics?.includes(topic))
    expect(ours.length).toBeGreaterThan(0)
    for (const request of ours) expect(BigInt(request.startTimeNs ?? 0)).toBeGreaterThan(0n)
    const listed = await allMessages(alice.data, topic)
    expect(listed.length).toBe(before + 1)
    expect(listed.at(-1)!.id).toBe(newer.id)
    expect((await alice.data.search('AFTER THE', 10)).map((h) => h.message?.id)).toEqual([newer.id])
    expect((await alice.data.search(bob.address.slice(2, 10), 10))[0]!.conversation.topic).toBe(topic)
  })

  it('unread, markRead, mute and consent', async () => {
    const before = await alice.data.unreadTotal()
    expect(before).toBeGreaterThan(0)
    expect(await alice.data.markRead(topic)).toBe(0)
    expect((await alice.data.getConversation(topic))!.unreadCount).toBe(0)
    expect((await alice.data.setMuted(topic, true)).muted).toBe(true)
    await alice.data.setConsent(bob.address, 'denied')
    expect(await alice.data.listConversations('all')).toEqual([])
    // Other clients of the same wallet agree (the private-preferences topic).
    const other = await Client.create(aliceWallet, { apiUrl: node.url })
    await other.contacts.loadConsentList()
    expect(other.contacts.consentState(bob.address)).toBe('denied')
    await other.close()
    await alice.data.setConsent(bob.address, 'allowed')
    expect((await alice.data.listConversations('messages')).map((c) => c.topic)).toEqual([topic])
  })

  it('with the node down, a restarted worker (keys held in the background) paints from the cache', async () => {
    const keys = keysOf(alice.client).encode()
    const expected = await allMessages(alice.data, topic)
    await alice.close()
    net.state.down = true
    try {
      alice = await openDevice(aliceWallet, idb, net.fetch, {}, { privateKeyOverride: keys, skipContactPublishing: true })
      expect((await alice.data.listConversations('messages')).map((c) => c.topic)).toEqual([topic])
      expect(await allMessages(alice.data, topic)).toEqual(expected)
      expect((await alice.data.syncNow()).state).toBe('offline')
    } finally {
      net.state.down = false
    }
    expect((await alice.data.syncNow()).state).toBe('idle')
  })

  it('keeps no message text, peer address, topic or key bytes in IndexedDB', async () => {
    await alice.close()
    const db = await openAccountDatabase(idb, accountDatabaseName(node.url, aliceWallet.address))
    const stored = await collectStoredBytes(db)
    db.close()
    expect(stored.length).toBeGreaterThan(20)
    const text = (s: string) => new TextEncoder().encode(s)
    for (const needle of ['hi 1 from bob', 'reply from alice', 'sent while the node is down', 'after the restart', topic, bob.address.slice(2).toLowerCase()]) {
      expect(containsBytes(stored, text(needle)), needle).toBe(false)
    }
    expect(containsBytes(stored, KEY)).toBe(false)
    expect(containsBytes(stored, keysOf(alice.client).identityKey.privateKey)).toBe(false)
    for (const preKey of keysOf(alice.client).preKeys) expect(containsBytes(stored, preKey.privateKey)).toBe(false)
    // The conversation's V2 key material (bob's client keeps the same record in memory).
    const record = decodeRecord((await new NamespacedPersistence(bobPersistence, bob.address).getItem(`conversation/${topic}`))!)
    expect(record.keyMaterial?.length).toBe(32)
    expect(containsBytes(stored, record.keyMaterial!)).toBe(false)
    alice = await openDevice(aliceWallet, idb, net.fetch) // for afterAll
  })
})
