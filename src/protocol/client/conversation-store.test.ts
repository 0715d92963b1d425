import { describe, expect, it } from 'vitest'
import { encodeRecord, type ConversationRecord } from './conversation-index.ts'
import { PersistenceConversationStore, checkConversationStore } from './conversation-store.ts'
import { InMemoryPersistence } from './persistence.ts'

const record = (topic: string, peer = '0x1111111111111111111111111111111111111111'): ConversationRecord => ({
  version: 'v2',
  topic,
  peerAddress: peer,
  createdNs: 5n,
  keyMaterial: new Uint8Array(32).fill(7),
  verified: true,
})

describe('PersistenceConversationStore', () => {
  it('saves records as items and loads them back', async () => {
    const persistence = new InMemoryPersistence()
    const store = new PersistenceConversationStore(persistence)
    await store.saveMany([record('/xmtp/0/m-a/proto'), record('/xmtp/0/m-b/proto')])
    expect((await persistence.keys('conversation/')).sort()).toEqual(['conversation//xmtp/0/m-a/proto', 'conversation//xmtp/0/m-b/proto'])
    const loaded = await store.loadAll()
    expect(loaded.map((r) => r.topic).sort()).toEqual(['/xmtp/0/m-a/proto', '/xmtp/0/m-b/proto'])
    expect(loaded[0]!.keyMaterial).toEqual(new Uint8Array(32).fill(7))
  })

  it('replaces a record of the same topic', async () => {
    const store = new PersistenceConversationStore(new InMemoryPersistence())
    await store.saveMany([record('/xmtp/0/m-a/proto')])
    await store.saveMany([record('/xmtp/0/m-a/proto', '0x2222222222222222222222222222222222222222')])
    const loaded = await store.loadAll()
    expect(loaded).toHaveLength(1)
    expect(loaded[0]!.peerAddress).toBe('0x2222222222222222222222222222222222222222')
  })

  it('leaves out and forgets a corrupt record', async () => {
    const persistence = new InMemoryPersistence()
    await persistence.setItem('conversation//xmtp/0/m-bad/proto', new TextEncoder().encode('{not json'))
    await persistence.setItem('conversation//xmtp/0/m-ok/proto', encodeRecord(record('/xmtp/0/m-ok/proto')))
    const store = new PersistenceConversationStore(persistence)
    expect((await store.loadAll()).map((r) => r.topic)).toEqual(['/xmtp/0/m-ok/proto'])
    expect(await persistence.keys('conversation/')).toEqual(['conversation//xmtp/0/m-ok/proto'])
  })

  it('labels a caller-supplied store without the methods', () => {
    expect(() => checkConversationStore({ loadAll() {} }, 'options.conversationStore')).toThrow(/options.conversationStore must have loadAll and saveMany/)
    expect(() => checkConversationStore(null)).toThrow(TypeError)
  })
})
