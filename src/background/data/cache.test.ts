// The encrypted cache on fake-indexeddb: sealing per store, reconciling by message id,
// paging, the lastMessageAt order, the Client's Persistence, and what a corrupt record does.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { gcm as referenceGcm } from '@noble/ciphers/aes.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import type { MessageView } from '../../extension/views.ts'
import { AccountCache } from './cache.ts'
import { disownUnproven, type ConversationState } from './conversation-state.ts'
import { listCachedConversations } from './cached-list.ts'
import { CacheRecordError, RecordCipher } from './cipher.ts'
import { openAccountDatabase, type CacheDatabase } from './database.ts'
import { EncryptedPersistence } from './persistence.ts'
import { collectStoredBytes, containsBytes } from './testing/scan.ts'

const ME = '0x1111111111111111111111111111111111111111'
const PEER = '0x2222222222222222222222222222222222222222'
const KEY = new Uint8Array(32).map((_, i) => i + 1)

async function open(): Promise<{ db: CacheDatabase; cipher: RecordCipher; cache: AccountCache; corrupt: string[] }> {
  const db = await openAccountDatabase(new IDBFactory(), 'parley/test/account')
  const cipher = new RecordCipher(KEY)
  const corrupt: string[] = []
  return { db, cipher, cache: new AccountCache(db, cipher, (e) => corrupt.push(e.message)), corrupt }
}

function conversation(topic: string, createdAt: number, peer = PEER): ConversationState {
  return { topic, peerAddress: peer, version: 'v2', createdAt, muted: false, unreadCount: 0, lastReadAt: 0, repliedByMe: false }
}

function message(topic: string, id: string, sentAt: number, text: string, sender = PEER, delivery: MessageView['delivery'] = 'sent'): { view: MessageView } {
  return { view: { id, topic, senderAddress: sender, sentAt, content: { type: 'text', text }, delivery } }
}

const id = (n: number) => n.toString(16).padStart(64, '0')

describe('RecordCipher', () => {
  it('opens what it sealed only for the same store and record key', async () => {
    const cipher = new RecordCipher(KEY)
    const sealed = await cipher.seal('messages', 'a', new TextEncoder().encode('secret text'))
    expect(new TextDecoder().decode(await cipher.open('messages', 'a', sealed))).toBe('secret text')
    await expect(cipher.open('messages', 'b', sealed)).rejects.toThrow(CacheRecordError)
    await expect(cipher.open('outbox', 'a', sealed)).rejects.toThrow(/could not be decrypted/)
    await expect(new RecordCipher(new Uint8Array(32).fill(9)).open('messages', 'a', sealed)).rejects.toThrow(CacheRecordError)
    await expect(cipher.open('messages', 'a', new Uint8Array(5))).rejects.toThrow(/malformed/)
    await expect(cipher.open('messages', 'a', Uint8Array.of(2, ...sealed.subarray(1)))).rejects.toThrow(/unknown format version 2/)
    expect(cipher.blind('topic', 't')).toBe(new RecordCipher(KEY).blind('topic', 't'))
    expect(cipher.blind('topic', 't')).not.toBe(new RecordCipher(new Uint8Array(32).fill(9)).blind('topic', 't'))
  })

  it('seals plain AES-256-GCM under the HKDF-derived store key with store and record bound as AAD (checked with an independent AES)', async () => {
    const sealed = await new RecordCipher(KEY).seal('messages', 'a', new TextEncoder().encode('secret text'))
    const enc = new TextEncoder()
    const storeKey = hkdf(sha256, KEY, enc.encode('parley/cache/v1'), enc.encode('record/messages'), 32)
    const opened = referenceGcm(storeKey, sealed.subarray(1, 13), enc.encode('parley/cache/v1\u0000messages\u0000a')).decrypt(sealed.subarray(13))
    expect(new TextDecoder().decode(opened)).toBe('secret text')
  })

  it('openJsonMany (WebCrypto) opens what sealJson sealed, and reports each bad record in its place', async () => {
    const cipher = new RecordCipher(KEY)
    const good = await cipher.sealJson('conversations', 'a', { n: 1 })
    const moved = await cipher.sealJson('conversations', 'b', { n: 2 })
    const opened = await cipher.openJsonMany<{ n: number }>('conversations', [
      { recordKey: 'a', value: good },
      { recordKey: 'x', value: moved },
      { recordKey: 'c', value: new Uint8Array(3) },
    ])
    expect(opened[0]).toEqual({ n: 1 })
    expect(opened[1]).toBeInstanceOf(CacheRecordError)
    expect((opened[2] as Error).message).toMatch(/malformed/)
    expect(await new RecordCipher(new Uint8Array(32).fill(9)).openJsonMany('conversations', [{ recordKey: 'a', value: good }])).toEqual([expect.any(CacheRecordError)])
  })

  it('sealMany (WebCrypto) writes the format open() reads, bound to store and record key, with fresh nonces', async () => {
    const cipher = new RecordCipher(KEY)
    const [a, b] = await cipher.sealJsonMany('conversations', [
      { recordKey: 'a', value: { n: 1 } },
      { recordKey: 'b', value: { n: 1 } },
    ])
    expect(await cipher.openJson('conversations', 'a', a)).toEqual({ n: 1 })
    expect(await cipher.openJson('conversations', 'b', b)).toEqual({ n: 1 })
    await expect(cipher.open('conversations', 'b', a)).rejects.toThrow(CacheRecordError) // moved to another record
    await expect(cipher.open('messages', 'a', a)).rejects.toThrow(CacheRecordError) // moved to another store
    expect(a![0]).toBe(1) // the format version
    expect(Buffer.from(a!.subarray(1, 13)).equals(Buffer.from(b!.subarray(1, 13)))).toBe(false)
    // And the other way round: what seal() wrote, openMany opens.
    const [opened] = await cipher.openMany('conversations', [{ recordKey: 'a', value: await cipher.seal('conversations', 'a', new Uint8Array([7, 8])) }])
    expect([...(opened as Uint8Array)]).toEqual([7, 8])
    await expect(cipher.openJson('conversations', 'c', await cipher.seal('conversations', 'c', Uint8Array.of(0x7b)))).rejects.toThrow(/not valid JSON/)
  })

  it('refuses work after close (its keys are zeroed)', async () => {
    const cipher = new RecordCipher(KEY)
    cipher.close()
    await expect(cipher.seal('messages', 'a', new Uint8Array(1))).rejects.toThrow(/closed/)
    await expect(cipher.open('messages', 'a', new Uint8Array(40))).rejects.toThrow(/closed/)
    return expect(cipher.sealMany('messages', [{ recordKey: 'a', plaintext: new Uint8Array(1) }])).rejects.toThrow(/closed/)
  })
})

describe('AccountCache', () => {
  it('lists conversations newest activity first and stops opening rows at the limit', async () => {
    const { cache } = await open()
    for (let i = 0; i < 5; i++) await cache.putConversation(conversation(`/xmtp/0/m-${i}/proto`, 1000 + i))
    await cache.ingest('/xmtp/0/m-1/proto', message('/xmtp/0/m-1/proto', id(1), 5000, 'newest'), ME)
    const opened: string[] = []
    const listed = await cache.listConversations((s) => (opened.push(s.topic), true), 2)
    expect(listed.map((s) => s.topic)).toEqual(['/xmtp/0/m-1/proto', '/xmtp/0/m-4/proto'])
    expect(opened).toHaveLength(2)
    expect(listed[0]!.lastMessage?.text).toBe('newest')
    expect(listed[0]!.unreadCount).toBe(1)
  })

  it('a limited list whose newest rows are all filtered out still finds older matches', async () => {
    const { cache } = await open()
    for (let i = 0; i < 6; i++) await cache.putConversation(conversation(`/xmtp/0/m-${i}/proto`, 1000 + i))
    const oldest = await cache.listConversations((s) => s.topic === '/xmtp/0/m-0/proto', 1)
    expect(oldest.map((s) => s.topic)).toEqual(['/xmtp/0/m-0/proto'])
    expect((await cache.listConversations(() => true, 3)).map((s) => s.createdAt)).toEqual([1005, 1004, 1003])
  })

  it('lists from the store alone (before a Client exists) with cached consent and the filter', async () => {
    const { db, cipher, cache } = await open()
    const denied = '0x3333333333333333333333333333333333333333'
    await cache.putConversation(conversation('/xmtp/0/m-a/proto', 1000))
    await cache.putConversation(conversation('/xmtp/0/m-b/proto', 2000, denied))
    await cache.putConversation({ ...conversation('/xmtp/0/m-c/proto', 3000, '0x4444444444444444444444444444444444444444'), repliedByMe: true })
    await cache.consent.set(denied, 'denied')
    const all = await listCachedConversations({ db, cipher }, 'all')
    expect(all.map((c) => [c.topic, c.consent])).toEqual([['/xmtp/0/m-c/proto', 'allowed'], ['/xmtp/0/m-a/proto', 'unknown']])
    expect((await listCachedConversations({ db, cipher }, 'requests')).map((c) => c.topic)).toEqual(['/xmtp/0/m-a/proto'])
    expect(await listCachedConversations({ db, cipher }, 'all', { limit: 1 })).toHaveLength(1)
    // Settings lists the blocked ones, to unblock.
    expect((await listCachedConversations({ db, cipher }, 'blocked')).map((c) => [c.topic, c.consent])).toEqual([['/xmtp/0/m-b/proto', 'denied']])
  })

  it('addConversations adds the new, keeps what is cached, replaces the unreadable, and previews cached messages', async () => {
    const { db, cache, corrupt } = await open()
    const kept = '/xmtp/0/m-kept/proto'
    const broken = '/xmtp/0/m-broken/proto'
    const lost = '/xmtp/0/m-lost/proto'
    await cache.putConversation({ ...conversation(kept, 1), muted: true })
    await cache.putConversation(conversation(broken, 2))
    const row = await db.get('conversations', cache.convId(broken))
    await db.put('conversations', { ...row!, value: row!.value.map((b, i) => (i === 20 ? b ^ 1 : b)) })
    // A conversation whose record was lost while its messages stayed cached.
    await cache.putConversation(conversation(lost, 3))
    await cache.ingest(lost, message(lost, id(1), 50, 'still here'), ME)
    await db.delete('conversations', cache.convId(lost))

    const results = await cache.addConversations([conversation(kept, 1), conversation(broken, 2), conversation(lost, 3), conversation('/xmtp/0/m-new/proto', 4)], ME)
    expect(results.map((r) => r.added)).toEqual([false, true, true, true])
    expect(results[0]!.state.muted).toBe(true) // the cached state, not the one passed in
    expect(results[2]!.state.lastMessage?.text).toBe('still here')
    expect(corrupt).toHaveLength(1)
    const listed = await cache.listConversations(() => true)
    expect(listed.map((s) => s.topic)).toEqual([lost, '/xmtp/0/m-new/proto', broken, kept])
    expect(listed.find((s) => s.topic === kept)!.muted).toBe(true)
    expect(corrupt).toHaveLength(1) // the replaced record opens now
  })

  it('a first sync (no messages cached) adds the new rows in one go and keeps a row already there', async () => {
    const { cache } = await open()
    const kept = '/xmtp/0/m-kept/proto'
    await cache.putConversation({ ...conversation(kept, 1), muted: true }) // written meanwhile, e.g. by a stream
    const fresh = Array.from({ length: 5 }, (_, i) => conversation(`/xmtp/0/m-new${i}/proto`, 10 + i))
    const results = await cache.addConversations([fresh[0]!, conversation(kept, 1), ...fresh.slice(1)], ME)
    // The existing row's refused add() neither aborts the others nor is overwritten.
    expect(results.map((r) => r.added)).toEqual([true, false, true, true, true, true])
    expect(results[1]!.state.muted).toBe(true)
    const listed = await cache.listConversations(() => true)
    expect(listed.map((s) => s.topic).sort()).toEqual([kept, ...fresh.map((c) => c.topic)].sort())
    expect(listed.find((s) => s.topic === kept)!.muted).toBe(true)
  })

  it('cursors round-trip in batches; an unreadable one reads as "from the start" and is dropped', async () => {
    const { db, cache, corrupt } = await open()
    const topics = ['/xmtp/0/m-1/proto', '/xmtp/0/m-2/proto', '/xmtp/0/m-3/proto']
    await cache.cursors.setMany(topics.slice(0, 2), 123n)
    const row = await db.get('cursors', cache.convId(topics[1]!))
    await db.put('cursors', { ...row!, value: row!.value.slice(0, 20) })
    expect(await cache.cursors.getMany(topics)).toEqual([123n, undefined, undefined])
    expect(corrupt).toHaveLength(1)
    expect(await db.get('cursors', cache.convId(topics[1]!))).toBeUndefined()
    expect(await cache.cursors.get(topics[0]!)).toBe(123n)
  })

  it('reconciles by message id: a duplicate is ignored, pending becomes sent, sent never goes back', async () => {
    const { cache } = await open()
    const topic = '/xmtp/0/m-a/proto'
    await cache.putConversation(conversation(topic, 1))
    expect((await cache.ingest(topic, message(topic, id(7), 10, 'x', ME, 'pending'), ME)).outcome).toBe('added')
    expect((await cache.ingest(topic, message(topic, id(7), 10, 'x', ME, 'pending'), ME)).outcome).toBe('duplicate')
    expect((await cache.ingest(topic, message(topic, id(7), 10, 'x', ME, 'sent'), ME)).outcome).toBe('updated')
    expect((await cache.ingest(topic, message(topic, id(7), 10, 'x', ME, 'failed'), ME)).outcome).toBe('duplicate')
    expect((await cache.ingest(topic, message(topic, id(7), 10, 'x', ME, 'sent'), ME)).outcome).toBe('duplicate')
    const page = await cache.pageMessages(topic, undefined, 10)
    expect(page.messages.map((m) => [m.view.id, m.view.delivery])).toEqual([[id(7), 'sent']])
    const state = await cache.getConversation(topic)
    expect(state?.repliedByMe).toBe(true)
    expect(state?.unreadCount).toBe(0)
  })

  it('who sent a message: this device’s own copy decides; a network copy claiming the user is the peer’s (V1 forgery)', async () => {
    const { cache } = await open()
    const topic = '/xmtp/0/dm-a-b/proto'
    await cache.putConversation({ ...conversation(topic, 1), version: 'v1' })
    // Sent here: pending, then the network copy (disowned, as every V1 header naming the user is) arrives first.
    await cache.ingest(topic, message(topic, id(1), 10, 'mine', ME, 'pending'), ME)
    const echo = disownUnproven(message(topic, id(1), 10, 'mine', ME, 'sent'), PEER)
    expect(echo.view).toMatchObject({ senderAddress: PEER, claimedSender: ME })
    const [updated] = await cache.ingestMany(topic, [echo], ME)
    expect(updated!.outcome).toBe('updated')
    expect(updated!.stored!.view).toMatchObject({ senderAddress: ME, delivery: 'sent' })
    expect(updated!.stored!.view.claimedSender).toBeUndefined()
    // Never sent here: the forged "own" message stays the peer's, and is no reply of ours.
    await cache.ingest(topic, disownUnproven(message(topic, id(2), 20, 'I agree to send 10 ETH', ME, 'sent'), PEER), ME)
    const page = await cache.pageMessages(topic, undefined, 10)
    expect(page.messages.map((m) => [m.view.id, m.view.senderAddress, m.view.claimedSender])).toEqual([
      [id(1), ME, undefined],
      [id(2), PEER, ME],
    ])
    const state = await cache.getConversation(topic)
    expect(state?.lastMessage?.senderAddress).toBe(PEER)
    expect(state?.unreadCount).toBe(1)
  })

  it('keeps a disputed conversation out of the store-only list', async () => {
    const { db, cipher, cache } = await open()
    await cache.putConversation(conversation('/xmtp/0/m-a/proto', 1000))
    await cache.putConversation({ ...conversation('/xmtp/0/m-b/proto', 2000), conflict: true })
    expect((await listCachedConversations({ db, cipher }, 'all')).map((c) => c.topic)).toEqual(['/xmtp/0/m-a/proto'])
  })

  it('writes that overlap lose nothing: concurrent ingests of one conversation, and a mute racing a message', async () => {
    const { cache } = await open()
    const topic = '/xmtp/0/m-race/proto'
    await cache.putConversation(conversation(topic, 1))
    // A stream and a sync pass store overlapping batches at once; a mute lands meanwhile.
    const [first, second] = await Promise.all([
      cache.ingestMany(topic, [1, 2, 3].map((n) => message(topic, id(n), n * 10, `m${n}`)), ME),
      cache.ingestMany(topic, [3, 4].map((n) => message(topic, id(n), n * 10, `m${n}`)), ME),
      cache.updateConversation(topic, (s) => ({ ...s, muted: true })),
    ])
    const outcomes = [...first!, ...second!].map((r) => r.outcome)
    expect(outcomes.filter((o) => o === 'added')).toHaveLength(4) // message 3 counted once
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(1)
    const page = await cache.pageMessages(topic, undefined, 10)
    expect(page.messages.map((m) => m.view.sentAt)).toEqual([10, 20, 30, 40])
    const state = (await cache.getConversation(topic))!
    expect(state.muted).toBe(true)
    expect(state.unreadCount).toBe(4)
    expect(state.lastMessage?.text).toBe('m4')
  })

  it('hands out every message row once across pages, even where many share one sent time', async () => {
    const { cache } = await open()
    const topics = ['/xmtp/0/m-s1/proto', '/xmtp/0/m-s2/proto']
    for (const topic of topics) await cache.putConversation(conversation(topic, 1))
    // 7 messages at the same time (more than a page) between older and newer ones.
    const sentAts = [5, 50, 50, 50, 50, 50, 50, 50, 90, 3]
    for (const [n, sentAt] of sentAts.entries()) await cache.ingest(topics[n % 2]!, message(topics[n % 2]!, id(n + 1), sentAt, `m${n}`), ME)
    const seen: Array<{ sentAt: number; id: string }> = []
    for await (const page of cache.messagePages(3)) for (const row of page) seen.push({ sentAt: row.sentAt, id: row.id })
    expect(seen.map((r) => r.sentAt)).toEqual([...sentAts].sort((a, b) => b - a))
    expect(new Set(seen.map((r) => r.id)).size).toBe(sentAts.length)
    const pages: string[][] = []
    for await (const page of cache.messagePages(4)) pages.push((await cache.openMessages(page)).map((m) => (m!.view.content as { text: string }).text))
    expect(pages.flat().sort()).toEqual(sentAts.map((_, n) => `m${n}`).sort())
  })

  it('pages messages oldest first with hasMore, by sent time', async () => {
    const { cache } = await open()
    const topic = '/xmtp/0/m-p/proto'
    await cache.putConversation(conversation(topic, 1))
    for (let i = 1; i <= 5; i++) await cache.ingest(topic, message(topic, id(i), i * 10, `m${i}`), ME)
    const newest = await cache.pageMessages(topic, undefined, 2)
    expect(newest.messages.map((m) => m.view.content)).toEqual([{ type: 'text', text: 'm4' }, { type: 'text', text: 'm5' }])
    expect(newest.hasMore).toBe(true)
    const older = await cache.pageMessages(topic, 40, 5)
    expect(older.messages.map((m) => m.view.sentAt)).toEqual([10, 20, 30])
    expect(older.hasMore).toBe(false)
  })

  it('a corrupt conversation or message gives a clear error where asked for, and the rest still loads', async () => {
    const { db, cache, corrupt } = await open()
    for (let i = 0; i < 3; i++) await cache.putConversation(conversation(`/xmtp/0/m-${i}/proto`, 100 + i))
    const topic = '/xmtp/0/m-0/proto'
    for (let i = 1; i <= 3; i++) await cache.ingest(topic, message(topic, id(i), i, `m${i}`), ME)
    await cache.cursors.setMany([topic], 123n)
    // Flip one byte of a conversation row and of a message row.
    const row = (await db.get('conversations', cache.convId('/xmtp/0/m-1/proto')))!
    row.value[row.value.length - 1]! ^= 1
    await db.put('conversations', row)
    const msg = (await db.get('messages', [cache.convId(topic), id(2)]))!
    msg.value[20]! ^= 1
    await db.put('messages', msg)

    await expect(cache.getConversation('/xmtp/0/m-1/proto')).rejects.toThrow(/cached conversations record could not be decrypted/)
    await expect(cache.getMessage(topic, id(2))).rejects.toThrow(CacheRecordError)
    const listed = await cache.listConversations(() => true)
    expect(listed.map((s) => s.topic).sort()).toEqual(['/xmtp/0/m-0/proto', '/xmtp/0/m-2/proto'])
    const page = await cache.pageMessages(topic, undefined, 10)
    expect(page.messages.map((m) => m.view.id)).toEqual([id(1), id(3)])
    expect(corrupt.length).toBeGreaterThanOrEqual(2)
    // The unreadable message is dropped and its conversation re-synced from the start.
    expect(await cache.cursors.get(topic)).toBeUndefined()
    expect(await db.get('messages', [cache.convId(topic), id(2)])).toBeUndefined()
  })

  it('keeps no topic, address or text in the clear', async () => {
    const { db, cache } = await open()
    const topic = '/xmtp/0/m-visible-topic/proto'
    await cache.putConversation(conversation(topic, 1))
    await cache.ingest(topic, message(topic, id(1), 1, 'the secret plaintext'), ME)
    await cache.consent.set(PEER, 'allowed')
    await cache.cursors.setMany([topic], 99n)
    const stored = await collectStoredBytes(db)
    for (const needle of ['the secret plaintext', topic, PEER.slice(2), 'visible-topic']) {
      expect(containsBytes(stored, new TextEncoder().encode(needle)), needle).toBe(false)
    }
    expect(containsBytes(stored, KEY)).toBe(false)
  })
})

describe('EncryptedPersistence', () => {
  it('writes and reads many items in one go, sealed, dropping an unreadable one in its place', async () => {
    const { db, cipher } = await open()
    const p = new EncryptedPersistence(db, cipher)
    await p.setItems([['0xA/conversation//xmtp/0/m-1/proto', new Uint8Array([1])], ['0xA/conversation//xmtp/0/m-2/proto', new Uint8Array([2])]])
    expect(containsBytes(await collectStoredBytes(db), new TextEncoder().encode('m-1'))).toBe(false)
    const again = new EncryptedPersistence(db, new RecordCipher(KEY))
    expect((await again.keys('0xA/conversation/')).sort()).toEqual(['0xA/conversation//xmtp/0/m-1/proto', '0xA/conversation//xmtp/0/m-2/proto'])
    const row = (await db.get('client', cipher.blind('client', '0xA/conversation//xmtp/0/m-2/proto')))!
    row.value[row.value.length - 1]! ^= 1
    await db.put('client', row)
    expect(await again.getItems(['0xA/conversation//xmtp/0/m-1/proto', '0xA/missing', '0xA/conversation//xmtp/0/m-2/proto'])).toEqual([new Uint8Array([1]), null, null])
    expect(again.unreadableRows).toBe(1)
    expect(await again.keys('0xA/')).toEqual(['0xA/conversation//xmtp/0/m-1/proto'])
  })

  it('stores per record under blinded keys, lists by prefix, and drops an unreadable row', async () => {
    const { db, cipher } = await open()
    const p = new EncryptedPersistence(db, cipher)
    await p.setItem('0xA/conversation//xmtp/0/m-x/proto', new Uint8Array([1, 2, 3]))
    await p.setItem('0xA/watermark/invite', new Uint8Array([4]))
    expect(await p.getItem('0xA/conversation//xmtp/0/m-x/proto')).toEqual(new Uint8Array([1, 2, 3]))
    expect(await p.keys('0xA/conversation/')).toEqual(['0xA/conversation//xmtp/0/m-x/proto'])
    // A second instance (a restarted worker) finds the same keys.
    const again = new EncryptedPersistence(db, new RecordCipher(KEY))
    expect((await again.keys('0xA/')).sort()).toEqual(['0xA/conversation//xmtp/0/m-x/proto', '0xA/watermark/invite'])
    const stored = await collectStoredBytes(db)
    expect(containsBytes(stored, new TextEncoder().encode('m-x'))).toBe(false)

    const row = (await db.get('client', cipher.blind('client', '0xA/watermark/invite')))!
    row.value[row.value.length - 1]! ^= 1
    await db.put('client', row)
    expect(await again.getItem('0xA/watermark/invite')).toBeNull()
    expect(again.unreadableRows).toBe(1)
    expect(await again.keys('0xA/')).toEqual(['0xA/conversation//xmtp/0/m-x/proto'])
    await p.deleteItem('0xA/conversation//xmtp/0/m-x/proto')
    expect(await p.getItem('0xA/conversation//xmtp/0/m-x/proto')).toBeNull()
  })
})
