// Per-account unread counts: the active account live, another from its encrypted cache, one
// never opened here as 0 (and no database is created for it).
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import type { AccountView } from '../extension/views.ts'
import { unreadByAccount, unreadCounter } from './account-unread.ts'
import { AccountCache } from './data/cache.ts'
import { accountDatabaseName, openAccountStore } from './data/index.ts'

const NODE = 'http://127.0.0.1:5555'
const account = (id: string, address: string): AccountView => ({ id, label: id, address, kind: 'phrase', index: 0 })
const accounts = [account('a', '0x1111111111111111111111111111111111111111'), account('b', '0x2222222222222222222222222222222222222222'), account('c', '0x3333333333333333333333333333333333333333')]
const deriveKey = async (purpose: string) => new Uint8Array(32).map((_, i) => (purpose.length + i) & 0xff)

describe('unreadByAccount', () => {
  it('counts the active account live and the others from their caches (accepted, unmuted only)', async () => {
    const indexedDB = new IDBFactory()
    const b = accounts[1]!
    const store = await openAccountStore({ indexedDB, databaseName: accountDatabaseName(NODE, b.address), cacheKey: await deriveKey(`cache/${NODE}/${b.address.toLowerCase()}`) })
    const cache = new AccountCache(store.db, store.cipher)
    const base = { version: 'v2' as const, createdAt: 1, muted: false, lastReadAt: 0 }
    await cache.putConversation({ ...base, topic: '/xmtp/0/m-1/proto', peerAddress: '0x4444444444444444444444444444444444444444', unreadCount: 3, repliedByMe: true })
    await cache.putConversation({ ...base, topic: '/xmtp/0/m-2/proto', peerAddress: '0x5555555555555555555555555555555555555555', unreadCount: 4, repliedByMe: true, muted: true })
    await cache.putConversation({ ...base, topic: '/xmtp/0/m-3/proto', peerAddress: '0x6666666666666666666666666666666666666666', unreadCount: 5, repliedByMe: false }) // a request
    store.close()

    const counts = await unreadByAccount({ accounts, activeAccountId: 'a', activeUnread: async () => 7, nodeUrl: NODE, indexedDB, deriveKey })
    expect(counts).toEqual({ a: 7, b: 3, c: 0 })
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(accountDatabaseName(NODE, accounts[2]!.address))
  })
})

describe('unreadCounter', () => {
  it("asks for the wallet's accounts and the node URL on each call, not once", async () => {
    const indexedDB = new IDBFactory()
    let current = { accounts: [accounts[0]!], activeAccountId: 'a' as string | null }
    let live = 2
    const count = unreadCounter({ status: async () => current, activeUnread: async () => live, nodeUrl: async () => NODE, indexedDB, deriveKey })
    expect(await count()).toEqual({ a: 2 })
    current = { accounts: accounts.slice(0, 2), activeAccountId: 'b' }
    live = 5
    expect(await count()).toEqual({ a: 0, b: 5 })
  })
})
