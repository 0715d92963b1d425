// The library's ConversationStore over the cache rows, on fake-indexeddb: a save is one write
// transaction of one row per conversation that keeps the view's fields, a peer change resets
// the conversation, an unreadable row sends the listing back to the start, and a row dropped
// while the library runs is written again from its record.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { NamespacedPersistence, type ConversationRecord } from '../../protocol/index.ts'
import { AccountCache } from './cache.ts'
import { RecordCipher } from './cipher.ts'
import { CachedConversationStore, type SavedConversation } from './conversation-store.ts'
import { openAccountDatabase } from './database.ts'
import { EncryptedPersistence } from './persistence.ts'

const ME = '0x1111111111111111111111111111111111111111'
const PEER = '0x2222222222222222222222222222222222222222'
const SQUATTER = '0x9999999999999999999999999999999999999999'
const KEY = new Uint8Array(32).map((_, i) => i + 9)

const record = (topic: string, peerAddress = PEER, extra: Partial<ConversationRecord> = {}): ConversationRecord => ({
  version: 'v2',
  topic,
  peerAddress,
  createdNs: 1_700_000_000_000_000_000n,
  keyMaterial: new Uint8Array(32).fill(topic.length),
  ...extra,
})

async function open() {
  const db = await openAccountDatabase(new IDBFactory(), 'parley/test/store')
  const cipher = new RecordCipher(KEY)
  const persistence = new EncryptedPersistence(db, cipher)
  const store = new CachedConversationStore({ db, cipher, persistence, me: ME })
  const saved: SavedConversation[] = []
  store.bind({ me: ME, onSaved: (s) => saved.push(...s), onCorrupt: () => {} })
  let writes = 0
  const transaction = db.transaction.bind(db)
  db.transaction = ((stores: never, mode?: IDBTransactionMode) => {
    if (mode === 'readwrite') writes++
    return transaction(stores, mode)
  }) as typeof db.transaction
  return { db, cipher, persistence, store, saved, cache: new AccountCache(db, cipher), writes: () => writes }
}

describe('CachedConversationStore', () => {
  it('saves many records in one write transaction, one row each, and loads them back', async () => {
    const { db, store, saved, writes } = await open()
    const records = Array.from({ length: 30 }, (_, i) => record(`/xmtp/0/m-${i}/proto`))
    await store.saveMany(records)
    expect(writes()).toBe(1)
    expect(await db.count('conversations')).toBe(30)
    expect(await db.count('client')).toBe(0)
    expect(saved.map((s) => s.change)).toEqual(records.map(() => 'added'))
    const loaded = await store.loadAll()
    expect(loaded.sort((a, b) => a.topic.localeCompare(b.topic))).toEqual([...records].sort((a, b) => a.topic.localeCompare(b.topic)))
    // The same records again change nothing: no write, nothing announced.
    saved.length = 0
    await store.saveMany(records)
    expect(writes()).toBe(1)
    expect(saved).toEqual([])
  })

  it('a changed record keeps the view’s fields; a new peer on the topic resets its messages and cursor; a dispute is announced', async () => {
    const { store, saved, cache } = await open()
    const topic = '/xmtp/0/m-x/proto'
    await store.saveMany([record(topic, SQUATTER, { verified: false })])
    const view = { id: '1'.padStart(64, '0'), topic, senderAddress: SQUATTER, sentAt: 5, content: { type: 'text' as const, text: 'squat' }, delivery: 'sent' as const }
    await cache.ingest(topic, { view }, ME)
    await cache.updateConversation(topic, (s) => ({ ...s, muted: true }))
    await cache.cursors.setMany([topic], 99n)

    saved.length = 0
    await store.saveMany([record(topic, SQUATTER, { verified: false, conflict: true })])
    expect(saved.map((s) => s.change)).toEqual(['changed'])
    expect(await cache.getConversation(topic)).toMatchObject({ muted: true, unreadCount: 1, conflict: true })

    await store.saveMany([record(topic, PEER, { verified: true })]) // the owner's verified invitation
    expect(saved.map((s) => s.change)).toEqual(['changed', 'reset'])
    const reset = (await cache.getConversation(topic))!
    expect(reset).toMatchObject({ peerAddress: PEER, muted: false, unreadCount: 0 })
    expect(reset.conflict).toBeUndefined()
    expect((await cache.pageMessages(topic, undefined, 10)).messages).toEqual([])
    expect(await cache.cursors.get(topic)).toBeUndefined()
    expect((await store.loadAll())[0]).toMatchObject({ peerAddress: PEER, verified: true })
  })

  it('an unreadable row is left for the read that reports it, and the listing starts over to learn its record again', async () => {
    const { db, store, persistence } = await open()
    const library = new NamespacedPersistence(persistence, ME)
    await library.setItem('watermark/invite', new TextEncoder().encode('123'))
    await library.setItem('watermark/invite/resume', new TextEncoder().encode('{}'))
    await library.setItem('watermark/intro', new TextEncoder().encode('456'))
    await store.saveMany([record('/xmtp/0/m-a/proto'), record('/xmtp/0/m-bb/proto')])
    const row = (await db.getAll('conversations'))[0]!
    row.value[row.value.length - 1]! ^= 1
    await db.put('conversations', row)
    expect(await store.loadAll()).toHaveLength(1)
    expect(store.unreadableRows).toBe(1)
    expect(await db.count('conversations')).toBe(2)
    expect(await library.keys('watermark/')).toEqual([])
  })

  it('restore writes back, from the record, a row dropped while the library runs, and keeps the rest', async () => {
    const { db, store, cache } = await open()
    await store.saveMany([record('/xmtp/0/m-a/proto'), record('/xmtp/0/m-bb/proto')])
    await cache.updateConversation('/xmtp/0/m-bb/proto', (s) => ({ ...s, muted: true }))
    await db.delete('conversations', cache.convId('/xmtp/0/m-a/proto'))
    const restored = await store.restore()
    expect(restored.map((s) => s.topic)).toEqual(['/xmtp/0/m-a/proto'])
    expect((await store.loadAll()).map((r) => r.topic).sort()).toEqual(['/xmtp/0/m-a/proto', '/xmtp/0/m-bb/proto'])
    expect((await cache.getConversation('/xmtp/0/m-bb/proto'))!.muted).toBe(true)
  })
})
