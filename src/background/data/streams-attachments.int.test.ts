// AccountData against a real node process: a conversation that starts while the stream is
// open (the invite arrives by stream, its messages follow without a poll), a consent
// request that does not count towards the badge, and attachments — inline ones shown from
// the cache, remote ones fetched and decrypted by the library on loadAttachment.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNode, type NodeProcess } from '../../node/testing/node-process.ts'
import { Client, ContentTypeAttachment, ContentTypeRemoteAttachment } from '../../protocol/index.ts'
import { encryptAttachment, toRemoteAttachment } from '../../protocol/content/index.ts'
import { toBase64 } from '../../wire/bytes.ts'
import { newWallet } from '../../../test/helpers/wallets.ts'
import type { ConversationView } from '../../extension/views.ts'
import { accountDatabaseName, openAccountDatabase } from './index.ts'
import { RecordCipher } from './cipher.ts'
import { openDevice, switchableFetch, TEST_CACHE_KEY, until, type Device } from './testing/devices.ts'

let node: NodeProcess
beforeAll(async () => {
  node = await startNode({ auth: true })
})
afterAll(async () => {
  await node?.stop()
})

describe('AccountData streams and attachments', () => {
  const aliceWallet = newWallet()
  const net = switchableFetch()
  const files = new Map<string, Uint8Array>()
  const fetched: string[] = []
  let alice: Device
  let carol: Client

  beforeAll(async () => {
    const fetchFile = async (url: string) => {
      fetched.push(url)
      const body = files.get(url)
      return body ? new Response(new Uint8Array(body)) : new Response('missing', { status: 404 })
    }
    alice = await openDevice(node.url, aliceWallet, new IDBFactory(), net.fetch, { fetch: fetchFile })
    carol = await Client.create(newWallet(), { apiUrl: node.url })
  })
  afterAll(async () => {
    await alice?.close()
    await carol?.close()
  })

  it('a conversation started while the stream is open arrives by stream, messages and all, without a poll', async () => {
    const conversations: ConversationView[] = []
    const stopConversations = alice.data.onConversation((c) => conversations.push(c))
    const release = alice.data.holdStream('popup')
    await until('the stream and its gap fill', async () => alice.data.syncStatus().streaming && alice.data.syncStatus().state === 'idle')
    const polls = net.state.polls
    const started = await carol.conversations.newConversation(aliceWallet.address)
    await until('the new conversation', async () => conversations.some((c) => c.topic === started.topic))
    const first = await started.send('hello from carol, new here')
    await until('the first message', async () => (await alice.data.getConversation(started.topic))?.lastMessage?.id === first.id)
    expect(net.state.polls).toBe(polls)
    release()
    stopConversations()
    const view = (await alice.data.getConversation(started.topic))!
    expect(view.consent).toBe('unknown') // a request: not in the badge
    expect(view.unreadCount).toBe(1)
    expect(await alice.data.unreadTotal()).toBe(0)
    expect((await alice.data.listConversations('requests')).map((c) => c.topic)).toEqual([started.topic])
    await alice.data.setConsent(carol.address, 'allowed')
    expect(await alice.data.unreadTotal()).toBe(1)
    await until('the stream to close', async () => !alice.data.syncStatus().streaming)
  })

  it('shows an inline attachment from the cache and sends one', async () => {
    const conversation = (await carol.conversations.list())[0]!
    const data = new Uint8Array(300).map((_, i) => i % 251)
    const sent = await conversation.send({ filename: 'photo.png', mimeType: 'image/png', data }, { contentType: ContentTypeAttachment })
    await alice.data.syncNow()
    const page = await alice.data.listMessages(conversation.topic, { limit: 10 })
    const shown = page.messages.find((m) => m.id === sent.id)!
    expect(shown.content).toEqual({ type: 'attachment', filename: 'photo.png', mimeType: 'image/png', dataBase64: toBase64(data) })
    expect((await alice.data.getConversation(conversation.topic))!.lastMessage?.text).toBe('📎 photo.png')
    expect(await alice.data.loadAttachment(conversation.topic, sent.id)).toEqual({ filename: 'photo.png', mimeType: 'image/png', dataBase64: toBase64(data) })

    const mine = await alice.data.send(conversation.topic, { type: 'attachment', filename: 'note.txt', mimeType: 'text/plain', dataBase64: toBase64(new TextEncoder().encode('attached text')) })
    await until('carol receives it', async () => (await conversation.messages()).find((m) => m.id === mine.id))
    const received = (await conversation.messages()).find((m) => m.id === mine.id)!
    expect(new TextDecoder().decode(received.content.data)).toBe('attached text')
  })

  it('fetches and decrypts a remote attachment on loadAttachment; a tampered download is a clear error', async () => {
    const conversation = (await carol.conversations.list())[0]!
    const data = new TextEncoder().encode('a large file, stored elsewhere')
    const encrypted = await encryptAttachment({ filename: 'report.pdf', mimeType: 'application/pdf', data })
    const url = 'https://files.example/report.bin'
    files.set(url, encrypted.payload)
    const remote = toRemoteAttachment(encrypted, { url, filename: 'report.pdf' })
    const sent = await conversation.send(remote, { contentType: ContentTypeRemoteAttachment })
    await alice.data.syncNow()
    const shown = (await alice.data.listMessages(conversation.topic, { limit: 10 })).messages.find((m) => m.id === sent.id)!
    expect(shown.content).toEqual({ type: 'remoteAttachment', url, filename: 'report.pdf', contentLength: data.length })
    expect(JSON.stringify(shown)).not.toContain(toBase64(encrypted.secret)) // the view holds no secret
    expect(await alice.data.loadAttachment(conversation.topic, sent.id)).toEqual({ filename: 'report.pdf', mimeType: 'application/pdf', dataBase64: toBase64(data) })

    const tampered = new Uint8Array(encrypted.payload)
    tampered[0]! ^= 1
    files.set(url, tampered)
    await expect(alice.data.loadAttachment(conversation.topic, sent.id)).rejects.toThrow(/did not match its digest|could not be decrypted/)
    files.delete(url)
    await expect(alice.data.loadAttachment(conversation.topic, sent.id)).rejects.toThrow(/HTTP 404/)
  })

  it('never downloads a remote attachment from this machine or a private network, and says why', async () => {
    const conversation = (await carol.conversations.list())[0]!
    const encrypted = await encryptAttachment({ filename: 'x.bin', mimeType: 'application/octet-stream', data: new Uint8Array([1, 2, 3]) })
    for (const url of ['https://127.0.0.1:5555/message/v1/query', 'https://[::ffff:192.168.1.1]/x', 'https://2130706433/x']) {
      files.set(url, encrypted.payload)
      const sent = await conversation.send(toRemoteAttachment(encrypted, { url, filename: 'x.bin' }), { contentType: ContentTypeRemoteAttachment })
      await alice.data.syncNow()
      fetched.length = 0
      await expect(alice.data.loadAttachment(conversation.topic, sent.id)).rejects.toThrow(/^Not downloaded: .*(loopback|private|https)/)
      expect(fetched).toEqual([])
    }
  })

  it('a corrupt conversation, message or client record after a restart: a clear error, the rest loads, the next sync restores it', async () => {
    const dave = await Client.create(newWallet(), { apiUrl: node.url })
    const withDave = await dave.conversations.newConversation(aliceWallet.address)
    await withDave.send('dave one')
    await withDave.send('dave two')
    await dave.close()
    await alice.data.syncNow()
    const topics = (await alice.data.listConversations('all')).map((c) => c.topic)
    expect(topics.length).toBe(2)
    const damaged = topics[0]!
    const before = new Map<string, string[]>()
    for (const topic of topics) before.set(topic, (await alice.data.listMessages(topic, { limit: 100 })).messages.map((m) => m.id))
    const idb = alice.idb
    await alice.close()

    const db = await openAccountDatabase(idb as unknown as globalThis.IDBFactory, accountDatabaseName(node.url, aliceWallet.address))
    const conv = new RecordCipher(TEST_CACHE_KEY).blind('topic', damaged)
    const conversationRow = (await db.get('conversations', conv))!
    const messageRow = (await db.getAllFromIndex('messages', 'byConversation'))[0]!
    const clientRow = (await db.getAll('client'))[0]!
    for (const [store, row] of [['conversations', conversationRow], ['messages', messageRow], ['client', clientRow]] as const) {
      row.value[row.value.length - 1]! ^= 0xff
      await db.put(store, row as never)
    }
    db.close()

    alice = await openDevice(node.url, aliceWallet, idb, net.fetch)
    await expect(alice.data.getConversation(damaged)).rejects.toMatchObject({ name: 'AccountDataError', reason: 'corrupt', message: /damaged/ })
    expect((await alice.data.listConversations('all')).map((c) => c.topic)).toEqual(topics.filter((t) => t !== damaged))
    for (const topic of topics) await alice.data.listMessages(topic, { limit: 100 }) // meets the damaged message
    await alice.data.syncNow()
    await until('the re-sync after the damage', async () => (await alice.data.listConversations('all')).length === topics.length && alice.data.syncStatus().state === 'idle')
    for (const topic of topics) {
      const restored = (await alice.data.listMessages(topic, { limit: 100 })).messages.map((m) => m.id)
      expect(restored, topic).toEqual(before.get(topic))
    }
    expect((await alice.data.getConversation(damaged))?.lastMessage?.id).toBe(before.get(damaged)!.at(-1))
  })

  it('errors clearly for an unknown conversation and a peer not on XMTP', async () => {
    await expect(alice.data.send('/xmtp/0/m-nope/proto', { type: 'text', text: 'x' })).rejects.toMatchObject({ name: 'AccountDataError', reason: 'not-found' })
    await expect(alice.data.newConversation(newWallet().address)).rejects.toMatchObject({ reason: 'not-on-network', message: /is not on XMTP yet/ })
    expect(await alice.data.canMessage(carol.address)).toBe(true)
  })
})
