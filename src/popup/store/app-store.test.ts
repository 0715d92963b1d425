import { describe, expect, it } from 'vitest'
import { demoBackground, PEERS } from '../testing/demo.ts'
import { AppStore } from './app-store.ts'
import { FIRST_PAGE } from './state.ts'

const settle = () => new Promise((r) => setTimeout(r, 0))

describe('AppStore over the background', () => {
  it('loads wallet, list and node; a pushed message lands in an open thread once', async () => {
    const fake = demoBackground()
    const store = new AppStore(fake)
    await store.start()
    await settle()
    const s = store.snapshot
    expect(s.worker).toEqual({ state: 'online', version: '0.1.0' })
    expect(Object.values(s.conversations ?? {}).map((c) => c.peerAddress)).toContain(PEERS.alice)
    expect(s.node?.reachable).toBe(true)
    const topic = Object.values(s.conversations ?? {}).find((c) => c.peerAddress === PEERS.bob)?.topic as string
    await store.conversations.openThread(topic)
    const before = store.snapshot.threads[topic]?.messages.length ?? 0
    const m = fake.deliver(topic, PEERS.bob, { type: 'text', text: 'new!' })
    fake.emit({ type: 'messages', topic, messages: [m] }) // a duplicate push changes nothing
    expect(store.snapshot.threads[topic]?.messages.length).toBe(before + 1)
    expect(store.snapshot.conversations?.[topic]?.unreadCount).toBe(1)
  })

  it('paints a first page of the newest conversations, then lists them all', async () => {
    const fake = demoBackground()
    for (let i = 0; i < FIRST_PAGE + 5; i++) fake.addConversation(`0x${(i + 1).toString(16).padStart(4, '0').padEnd(40, 'a')}`)
    const store = new AppStore(fake)
    const sizes: number[] = []
    store.subscribe(() => sizes.push(Object.keys(store.snapshot.conversations ?? {}).length))
    await store.start()
    await settle()
    const lists = fake.calls.filter((c) => c.method === 'conversations_list').map((c) => c.params)
    expect(lists).toEqual([{ filter: 'all', limit: FIRST_PAGE }, { filter: 'all' }])
    expect(Object.keys(store.snapshot.conversations ?? {})).toHaveLength(FIRST_PAGE + 5 + 4)
    expect(sizes).toContain(FIRST_PAGE) // the page was on screen before the rest
  })

  it("applies a batch of conversation changes in one update; a blocked one leaves the list", async () => {
    const fake = demoBackground()
    const store = new AppStore(fake)
    await store.start()
    await settle()
    const [first, second] = Object.values(store.snapshot.conversations ?? {})
    let updates = 0
    store.subscribe(() => updates++)
    store.apply({ type: 'conversations', conversations: [{ ...first!, unreadCount: 9 }, { ...second!, consent: 'denied' }] })
    expect(updates).toBe(1)
    expect(store.snapshot.conversations?.[first!.topic]?.unreadCount).toBe(9)
    expect(store.snapshot.conversations?.[second!.topic]).toBeUndefined()
  })

  it("switching accounts drops the other account's conversations and lists the new one's", async () => {
    const fake = demoBackground()
    const store = new AppStore(fake)
    await store.start()
    await settle()
    expect(Object.keys(store.snapshot.conversations ?? {}).length).toBe(4)
    const work = fake.accounts[1]?.id as string
    fake.addConversation(PEERS.carol, 'allowed', work)
    await store.wallet.selectAccount(work)
    expect(store.snapshot.conversations).toBeNull()
    await settle()
    expect(Object.values(store.snapshot.conversations ?? {}).map((c) => c.peerAddress)).toEqual([PEERS.carol])
  })

  it('a lock clears what was on screen; a blocked conversation leaves the list', async () => {
    const fake = demoBackground()
    const store = new AppStore(fake)
    await store.start()
    await settle()
    const dave = Object.values(store.snapshot.conversations ?? {}).find((c) => c.peerAddress === PEERS.dave)
    if (!dave) throw new Error('no request')
    await store.conversations.setConsent(dave, 'denied')
    expect(store.snapshot.conversations?.[dave.topic]).toBeUndefined()
    await store.wallet.lock()
    expect(store.snapshot.conversations).toBeNull()
    expect(store.snapshot.threads).toEqual({})
  })

  it('a worker that does not answer is offline with the reason, and nothing else is asked', async () => {
    const fake = demoBackground()
    fake.rpc.call = (async () => {
      throw new Error('Could not establish connection')
    }) as never
    const store = new AppStore(fake)
    await store.start()
    expect(store.snapshot.worker).toEqual({ state: 'offline', reason: 'The background did not answer.' })
    expect(store.snapshot.wallet).toBeNull()
  })

  it('older messages page back with `before` = the oldest loaded message, and stop when there are no more', async () => {
    const fake = demoBackground()
    const store = new AppStore(fake)
    await store.start()
    await settle()
    const topic = Object.values(store.snapshot.conversations ?? {}).find((c) => c.peerAddress === PEERS.carol)?.topic as string
    for (let i = 0; i < 70; i++) fake.addMessage(topic, PEERS.carol, { type: 'text', text: `old ${i}` }, fake.now - 1_000_000 + i)
    await store.conversations.openThread(topic)
    expect(store.snapshot.threads[topic]?.messages).toHaveLength(30)
    expect(store.snapshot.threads[topic]?.hasMore).toBe(true)
    const oldest = store.snapshot.threads[topic]?.messages[0]?.sentAt
    await store.conversations.loadOlder(topic)
    expect(fake.calls.filter((c) => c.method === 'messages_list').at(-1)?.params).toEqual({ topic, before: oldest, limit: 30 })
    expect(store.snapshot.threads[topic]?.messages).toHaveLength(60)
    await store.conversations.loadOlder(topic)
    expect(store.snapshot.threads[topic]?.messages).toHaveLength(71)
    expect(store.snapshot.threads[topic]?.hasMore).toBe(false)
    const calls = fake.calls.length
    await store.conversations.loadOlder(topic)
    expect(fake.calls.length).toBe(calls) // nothing more to ask for
  })
})
