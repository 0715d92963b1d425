// One owner per record, against a real node: the first sync writes each conversation's one
// sealed row once (the library's record and the view's fields together), the library keeps no
// copy of its own in `client`, a restarted client reads its conversations back from those rows,
// and one send is traced end to end: one pending event, one sent event, one outbox delete.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startNode, type NodeProcess } from '../../node/testing/node-process.ts'
import { Client } from '../../protocol/index.ts'
import { newWallet } from '../../../test/helpers/wallets.ts'
import { accountDatabaseName, openAccountStore } from './index.ts'
import { openDevice, switchableFetch, TEST_CACHE_KEY, until, type Device } from './testing/devices.ts'

let node: NodeProcess
beforeAll(async () => {
  node = await startNode({ auth: true })
})
afterAll(async () => {
  await node?.stop()
})

/** Counts IndexedDB writes (put or add) per object store (fake-indexeddb's classes are the globals here). */
function countWrites(): { puts: Map<string, number>; deletes: Map<string, number>; stop(): void } {
  const proto = globalThis.IDBObjectStore.prototype
  const { put, add, delete: del } = proto
  const puts = new Map<string, number>()
  const deletes = new Map<string, number>()
  proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    puts.set(this.name, (puts.get(this.name) ?? 0) + 1)
    return put.apply(this, args)
  }
  proto.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
    puts.set(this.name, (puts.get(this.name) ?? 0) + 1)
    return add.apply(this, args)
  }
  proto.delete = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['delete']>) {
    deletes.set(this.name, (deletes.get(this.name) ?? 0) + 1)
    return del.apply(this, args)
  }
  return {
    puts,
    deletes,
    stop() {
      proto.put = put
      proto.add = add
      proto.delete = del
    },
  }
}

describe('one owner per record', () => {
  const idb = new IDBFactory()
  const aliceWallet = newWallet()
  const net = switchableFetch()
  const inviters: Client[] = []
  let alice: Device
  let counting: ReturnType<typeof countWrites> | undefined

  beforeAll(async () => {
    alice = await openDevice(node.url, aliceWallet, idb, net.fetch)
    for (let i = 0; i < 4; i++) {
      const inviter = await Client.create(newWallet(), { apiUrl: node.url })
      await inviter.conversations.newConversation(aliceWallet.address)
      inviters.push(inviter)
    }
  })
  afterEach(() => counting?.stop())
  afterAll(async () => {
    await alice?.close()
    for (const inviter of inviters) await inviter.close()
  })

  it('the first sync writes each conversation once, in its one row, and nothing of it in the library’s own records', async () => {
    counting = countWrites()
    await alice.data.syncNow()
    counting.stop()
    expect((await alice.data.listConversations('all')).length).toBe(4)
    // 4 invitations without messages: one row write each (the library's save), none again.
    expect(counting.puts.get('conversations')).toBe(4)
    // The library's Persistence holds only its listing watermarks now.
    const store = await openAccountStore({ indexedDB: idb as unknown as globalThis.IDBFactory, databaseName: accountDatabaseName(node.url, aliceWallet.address), cacheKey: TEST_CACHE_KEY })
    const keys = await store.persistence.keys('')
    store.close()
    expect(keys.length).toBeGreaterThan(0)
    expect(keys.filter((key) => key.includes('/conversation/'))).toEqual([])
    expect(counting.puts.get('client') ?? 0).toBeLessThanOrEqual(keys.length * 2) // watermarks and resume points only
  })

  it('a restarted client reads its conversations (key material and all) back from the same rows', async () => {
    const topics = (await alice.data.listConversations('all')).map((c) => c.topic).sort()
    await alice.close()
    alice = await openDevice(node.url, aliceWallet, idb, net.fetch)
    expect(alice.client.conversations.listFromCache().map((c) => c.topic).sort()).toEqual(topics)
    const sent = await alice.data.send(topics[0]!, { type: 'text', text: 'after the restart' })
    await until('sent', async () => (await alice.data.listMessages(topics[0]!, { limit: 10 })).messages.find((m) => m.id === sent.id && m.delivery === 'sent'))
    const peer = inviters.find((c) => c.conversations.listFromCache().some((x) => x.topic === topics[0]))!
    const seen = await peer.conversations.get(topics[0]!)!.messages()
    expect(seen.map((m) => m.content)).toContain('after the restart')
  })

  it('one send: one pending event, one sent event, one outbox delete, one publish', async () => {
    const topic = (await alice.data.listConversations('all'))[0]!.topic
    const events: string[] = []
    const stop = alice.data.onMessages((_topic, messages) => events.push(...messages.map((m) => `${m.id}:${m.delivery}`)))
    const publishes = net.state.publishes
    counting = countWrites()
    const sent = await alice.data.send(topic, { type: 'text', text: 'traced' })
    await until('sent', async () => events.includes(`${sent.id}:sent`))
    await alice.data.syncNow() // the node's copy comes back: a duplicate, nothing more
    counting.stop()
    stop()
    expect(events).toEqual([`${sent.id}:pending`, `${sent.id}:sent`])
    expect(counting.deletes.get('outbox')).toBe(1)
    expect(net.state.publishes - publishes).toBe(1)
    expect(await alice.data.outboxSize()).toBe(0)
  })
})
