import { describe, expect, it } from 'vitest'
import { demoBackground, PEERS } from '../testing/demo-background.ts'
import { FakeBackground } from '../testing/fake-background.ts'
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

  it('holds what Settings shows (settings, sites, blocked sites) and each action changes it in place', async () => {
    const fake = demoBackground()
    const store = new AppStore(fake)
    await store.start()
    expect(store.snapshot.settings).toBeNull()
    await store.settings.load()
    expect(store.snapshot.settings?.nodeUrl).toBe('http://127.0.0.1:5555')
    await store.settings.update({ autoLockMinutes: 5 })
    expect(store.snapshot.settings?.autoLockMinutes).toBe(5)
    expect(fake.settings.autoLockMinutes).toBe(5)
    await store.settings.loadSites()
    expect(store.snapshot.sites?.map((s) => s.origin)).toEqual(['https://app.uniswap.example'])
    expect(store.snapshot.blockedSites).toEqual([]) // the fake cannot list them: none shown
    await store.settings.revokeSite('https://app.uniswap.example')
    expect(store.snapshot.sites).toEqual([])
  })

  it('an unblocked address leaves the blocked list; a lock drops the list with the rest', async () => {
    const fake = demoBackground()
    const store = new AppStore(fake)
    await store.start()
    await settle()
    const dave = Object.values(store.snapshot.conversations ?? {}).find((c) => c.peerAddress === PEERS.dave)
    if (!dave) throw new Error('no request')
    await store.conversations.setConsent(dave, 'denied')
    await store.conversations.loadBlocked()
    expect(store.snapshot.blockedConversations?.map((c) => c.peerAddress)).toEqual([PEERS.dave])
    await store.conversations.setConsent(dave, 'allowed')
    expect(store.snapshot.blockedConversations).toEqual([])
    expect(store.snapshot.conversations?.[dave.topic]?.consent).toBe('allowed')
    await store.conversations.loadBlocked()
    await store.wallet.lock()
    expect(store.snapshot.blockedConversations).toBeNull()
  })

  it('a new wallet is never announced without "onboarded here" (the identity screen depends on it)', async () => {
    const fake = new FakeBackground()
    const store = new AppStore(fake)
    await store.start()
    const seen: Array<[boolean, boolean]> = []
    store.subscribe(() => seen.push([store.snapshot.wallet?.initialized ?? false, store.snapshot.onboardedHere]))
    await store.wallet.importWallet('a long enough password', `0x${'11'.repeat(32)}`)
    expect(store.snapshot.onboardedHere).toBe(true)
    expect(seen.some(([initialized, onboarded]) => initialized && !onboarded)).toBe(false)
  })

  it('starting a conversation asks the network first, and creates nothing for a peer not on it', async () => {
    const away = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
    const fake = demoBackground({ notOnNetwork: [away] })
    const store = new AppStore(fake)
    await store.start()
    await settle()
    expect(await store.conversations.start(away)).toBeNull()
    expect(fake.calls.some((c) => c.method === 'conversations_new')).toBe(false)
    const fresh = '0x1111111111111111111111111111111111111111'
    const started = await store.conversations.start(fresh)
    expect(started?.peerAddress).toBe(fresh)
    expect(store.snapshot.conversations?.[started!.topic]).toEqual(started)
  })

  it('keeps the unread count of every account for the switcher', async () => {
    const fake = demoBackground()
    const store = new AppStore(fake)
    await store.start()
    await store.wallet.loadUnread()
    expect(store.snapshot.unreadByAccount).toEqual({ [fake.accounts[0]!.id]: 2, [fake.accounts[1]!.id]: 0 })
  })

  it('renaming and adding an account bring the new wallet status into the state', async () => {
    const fake = demoBackground()
    const store = new AppStore(fake)
    await store.start()
    await store.wallet.renameAccount(fake.accounts[1]!.id, 'Office')
    expect(store.snapshot.wallet?.accounts.map((a) => a.label)).toEqual(['Personal', 'Office'])
    await store.wallet.addAccount('Savings')
    expect(store.snapshot.wallet?.accounts.map((a) => a.label)).toEqual(['Personal', 'Office', 'Savings'])
    await store.wallet.addAccount()
    expect(fake.calls.filter((c) => c.method === 'accounts_add').map((c) => c.params)).toEqual([{ label: 'Savings' }, {}])
  })

  it('opens the full tab on a conversation, then closes the popup; activity that fails to reach the background is not an error', async () => {
    const fake = demoBackground()
    let closed = 0
    fake.closeView = () => void closed++
    const store = new AppStore(fake)
    await store.openInTab('/xmtp/0/m-x/proto')
    await store.openInTab()
    expect(fake.calls.filter((c) => c.method === 'ui_openTab').map((c) => c.params)).toEqual([{ topic: '/xmtp/0/m-x/proto' }, {}])
    expect(closed).toBe(2)
    const handlers = (fake as unknown as { handlers: Record<string, () => unknown> }).handlers
    handlers.wallet_touch = () => {
      throw new Error('worker asleep')
    }
    await expect(store.wallet.touch()).resolves.toBeUndefined()
  })

  it('shows the hits of the query asked last, whatever order the answers come in; a lock drops them', async () => {
    const fake = demoBackground()
    const store = new AppStore(fake)
    await store.start()
    await settle()
    const handlers = (fake as unknown as { handlers: Record<string, (params: { query: string }) => unknown> }).handlers
    const search = handlers.messages_search!
    let release = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    handlers.messages_search = async (params) => {
      if (params.query === 'slow') await gate
      return search(params)
    }
    const slow = store.conversations.search('slow')
    await store.conversations.search('meetup')
    release()
    await slow
    expect(store.snapshot.search?.query).toBe('meetup')
    expect(store.snapshot.search?.hits?.map((h) => h.conversation.peerAddress)).toEqual([PEERS.carol])
    await store.wallet.lock()
    expect(store.snapshot.search).toBeNull()
  })
})
