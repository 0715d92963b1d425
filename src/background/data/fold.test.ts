// The upgrade from the first release's database (version 1) on fake-indexeddb: a database
// written the way that release wrote it — the library's conversation records as `client`
// items through its default PersistenceConversationStore, the cache's own conversation rows,
// messages, consent and cursors beside them — opens with every conversation, read position,
// mute, message, consent and watermark kept, and the records folded into the cache rows.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { openDB } from 'idb'
import { describe, expect, it } from 'vitest'
import { NamespacedPersistence, PersistenceConversationStore, type ConversationRecord } from '../../protocol/index.ts'
import { encodeWatermark, decodeWatermark } from '../../protocol/client/conversation-index.ts'
import { AccountCache } from './cache.ts'
import { RecordCipher } from './cipher.ts'
import type { ConversationState } from './conversation-state.ts'
import { DATABASE_VERSION, FOLD_MARKER, type CacheDatabase } from './database.ts'
import { openAccountStore } from './index.ts'
import { EncryptedPersistence } from './persistence.ts'

const WALLET = '0x1111111111111111111111111111111111111111'
const PEER_A = '0x2222222222222222222222222222222222222222'
const PEER_B = '0x3333333333333333333333333333333333333333'
const PEER_C = '0x4444444444444444444444444444444444444444'
const KEY = new Uint8Array(32).map((_, i) => 7 * i + 3)
const NAME = `parley/http://127.0.0.1:5555/${WALLET}`

const record = (topic: string, peerAddress: string, seed: number): ConversationRecord => ({
  version: 'v2',
  topic,
  peerAddress,
  createdNs: 1_700_000_000_000_000_000n + BigInt(seed),
  keyMaterial: new Uint8Array(32).fill(seed),
  verified: true,
  context: { conversationId: `conv-${seed}`, metadata: { n: String(seed) } },
})

const state = (topic: string, peerAddress: string): ConversationState => ({ topic, peerAddress, version: 'v2', createdAt: 1_700_000_000_000, muted: false, unreadCount: 0, lastReadAt: 0, repliedByMe: false })

/** The first release's schema, as its database.ts created it. */
async function openVersion1(idb: IDBFactory): Promise<CacheDatabase> {
  const db = await openDB(NAME, 1, {
    upgrade(db) {
      const conversations = db.createObjectStore('conversations', { keyPath: 'id' })
      conversations.createIndex('lastMessageAt', 'lastMessageAt')
      const messages = db.createObjectStore('messages', { keyPath: ['conv', 'id'] })
      messages.createIndex('byConversation', ['conv', 'sentAt'])
      messages.createIndex('bySentAt', 'sentAt')
      const outbox = db.createObjectStore('outbox', { keyPath: 'id' })
      outbox.createIndex('nextAttemptAt', 'nextAttemptAt')
      db.createObjectStore('client', { keyPath: 'id' })
      db.createObjectStore('consent', { keyPath: 'id' })
      db.createObjectStore('cursors', { keyPath: 'id' })
    },
  })
  return db as unknown as CacheDatabase
}

describe('the upgrade from database version 1', () => {
  it('folds the library’s client records into the cache rows and keeps every conversation, read receipt, consent, message and watermark', async () => {
    const idb = new IDBFactory()
    globalThis.indexedDB = idb as unknown as globalThis.IDBFactory // openDB (idb) opens through the global
    const a = record('/xmtp/0/m-a/proto', PEER_A, 1)
    const b = record('/xmtp/0/m-b/proto', PEER_B, 2)
    const c = record('/xmtp/0/m-c/proto', PEER_C, 3) // known to the library only: the cache had no row yet

    // Written the way the first release wrote it.
    {
      const db = await openVersion1(idb)
      const cipher = new RecordCipher(KEY)
      const library = new NamespacedPersistence(new EncryptedPersistence(db, cipher), WALLET)
      await new PersistenceConversationStore(library).saveMany([a, b, c])
      await library.setItem('watermark/invite', encodeWatermark(1_700_000_000_123_000_000n))
      const cache = new AccountCache(db, cipher)
      await cache.putConversation(state(a.topic, PEER_A))
      await cache.putConversation({ ...state(b.topic, PEER_B), muted: true })
      for (const [i, text] of ['one', 'two', 'three'].entries()) {
        const view = { id: `${i}`.padStart(64, '0'), topic: a.topic, senderAddress: PEER_A, sentAt: 1_700_000_001_000 + i, content: { type: 'text' as const, text }, delivery: 'sent' as const }
        await cache.ingest(a.topic, { view }, WALLET)
      }
      await cache.updateConversation(a.topic, (s) => ({ ...s, unreadCount: 1, lastReadAt: 1_700_000_001_001 })) // read up to 'two'
      await cache.consent.set(PEER_A, 'allowed')
      await cache.consent.set(PEER_B, 'denied')
      await cache.cursors.setMany([a.topic, b.topic], 1_700_000_002_000_000_000n)
      db.close()
      cipher.close()
    }

    const store = await openAccountStore({ indexedDB: idb as unknown as globalThis.IDBFactory, databaseName: NAME, cacheKey: KEY })
    try {
      expect(store.db.version).toBe(DATABASE_VERSION)
      expect(await store.db.get('meta', FOLD_MARKER)).toBeUndefined()
      // The library reads every record back, key material and all, from the cache rows.
      const loaded = (await store.conversationStore.loadAll()).sort((x, y) => x.topic.localeCompare(y.topic))
      expect(loaded).toEqual([a, b, c])
      // Its own copies are gone; its listing watermark stays.
      expect(await store.persistence.keys('')).toEqual([`${WALLET}/watermark/invite`])
      expect(decodeWatermark(await store.persistence.getItem(`${WALLET}/watermark/invite`))).toBe(1_700_000_000_123_000_000n)

      const cache = new AccountCache(store.db, store.cipher)
      const rowA = (await cache.getConversation(a.topic))!
      expect(rowA).toMatchObject({ unreadCount: 1, lastReadAt: 1_700_000_001_001, muted: false, lastMessage: { text: 'three' } })
      expect((await cache.getConversation(b.topic))!.muted).toBe(true)
      expect((await cache.getConversation(c.topic))!).toMatchObject({ peerAddress: PEER_C, unreadCount: 0, context: { conversationId: 'conv-3' } })
      expect((await cache.pageMessages(a.topic, undefined, 10)).messages.map((m) => m.view.content)).toEqual(['one', 'two', 'three'].map((text) => ({ type: 'text', text })))
      expect(await cache.consent.all()).toEqual(new Map([[PEER_A.toLowerCase(), 'allowed'], [PEER_B.toLowerCase(), 'denied']]))
      expect(await cache.cursors.getMany([a.topic, b.topic, c.topic])).toEqual([1_700_000_002_000_000_000n, 1_700_000_002_000_000_000n, undefined])
      expect(await store.db.count('conversations')).toBe(3)
    } finally {
      store.close()
    }

    // Opened again: nothing left to fold, nothing rewritten.
    const before = await (async () => {
      const s = await openAccountStore({ indexedDB: idb as unknown as globalThis.IDBFactory, databaseName: NAME, cacheKey: KEY })
      const rows = await s.db.getAll('conversations')
      s.close()
      return rows
    })()
    const again = await openAccountStore({ indexedDB: idb as unknown as globalThis.IDBFactory, databaseName: NAME, cacheKey: KEY })
    expect(await again.db.getAll('conversations')).toEqual(before)
    expect((await again.conversationStore.loadAll()).length).toBe(3)
    again.close()
  })

  it('a new database needs no fold, and an interrupted fold runs again on the next open without losing or doubling anything', async () => {
    const idb = new IDBFactory()
    const fresh = await openAccountStore({ indexedDB: idb as unknown as globalThis.IDBFactory, databaseName: NAME, cacheKey: KEY })
    expect(await fresh.db.get('meta', FOLD_MARKER)).toBeUndefined()
    // Played: the records were folded in, but the old rows and the marker were not yet deleted.
    const library = new NamespacedPersistence(fresh.persistence, WALLET)
    const a = record('/xmtp/0/m-a/proto', PEER_A, 1)
    await new PersistenceConversationStore(library).saveMany([a])
    await fresh.conversationStore.saveMany([a])
    await fresh.db.put('meta', { id: FOLD_MARKER })
    fresh.close()

    const store = await openAccountStore({ indexedDB: idb as unknown as globalThis.IDBFactory, databaseName: NAME, cacheKey: KEY })
    expect(await store.conversationStore.loadAll()).toEqual([a])
    expect(await store.persistence.keys('')).toEqual([])
    expect(await store.db.count('conversations')).toBe(1)
    expect(await store.db.get('meta', FOLD_MARKER)).toBeUndefined()
    store.close()
  })
})
