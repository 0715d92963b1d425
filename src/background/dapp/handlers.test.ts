// The xmtp_* methods and the site/approval methods through the real RPC router and RPC table,
// over a fake BackgroundContext (in-memory storage, scripted account data, hand-closed windows).
import { describe, expect, it } from 'vitest'
import type { Caller } from '../rpc-router.ts'
import { dappA, dappB, popup, setup, SITE_A, SITE_B, waitFor } from './testing/dapp-harness.ts'
import { ALICE, approvalIdOf, BOB, CAROL, conversation, FakeContext, FakePort, message, STRANGER } from './testing/fake-context.ts'

/** Ids in site A's namespace (its host, with the port). */
const A_ID = '127.0.0.1:4001/1'

describe('connecting', () => {
  it('asks in an approval window naming origin, account and scopes; approve → accounts', async () => {
    const { ctx, result, answer } = setup()
    expect(await result(dappA, 'xmtp_accounts')).toEqual([])
    const pending = result(dappA, 'xmtp_requestAccounts')
    const view = await answer('approve')
    expect(view).toMatchObject({ origin: SITE_A, accountAddress: ALICE, kind: 'connect', scopes: ['read', 'send', 'stream'] })
    expect(await pending).toEqual([ALICE])
    expect(ctx.opened[0]).toMatch(/^src\/approval\/index\.html\?id=/)
    expect(await result(dappA, 'xmtp_accounts')).toEqual([ALICE])
    const permissions = await result(dappA, 'xmtp_getPermissions')
    expect(permissions.map((p: any) => p.parentCapability)).toEqual(['read', 'send', 'stream'])
    expect(permissions[0]).toEqual({ invoker: SITE_A, parentCapability: 'read', caveats: [{ type: 'restrictReturnedAccounts', value: [ALICE] }], date: ctx.clock })
    // Connected already: no second window.
    expect(await result(dappA, 'xmtp_requestAccounts')).toEqual([ALICE])
    expect(ctx.opened).toHaveLength(1)
    expect(await result(dappB, 'xmtp_accounts')).toEqual([])
  })

  it('answers 4001 when the user rejects or closes the window, and grants nothing', async () => {
    const { ctx, call, answer } = setup()
    const rejected = call(dappA, 'xmtp_requestAccounts')
    await answer('reject')
    expect(await rejected).toMatchObject({ ok: false, error: { code: 4001 } })
    const closed = call(dappA, 'xmtp_requestAccounts')
    const windowId = await waitFor(() => (ctx.opened.length === 2 ? [...ctx.openWindows.keys()].at(-1)! : null))
    ctx.closeWindow(windowId)
    expect(await closed).toMatchObject({ ok: false, error: { code: 4001 } })
    expect(await call(dappA, 'xmtp_accounts')).toEqual({ ok: true, result: [] })
  })

  it('caps waiting requests per site', async () => {
    const { call } = setup()
    const flood = [1, 2, 3, 4].map(() => call(dappA, 'xmtp_requestAccounts'))
    expect(await flood[3]).toMatchObject({ ok: false, error: { code: -32005 } })
  })

  it('while locked: xmtp_accounts is [], session methods are 4900, connect offers to unlock', async () => {
    const { ctx, call, result, answer } = setup()
    await ctx.setLocked(true)
    expect(await result(dappA, 'xmtp_accounts')).toEqual([])
    expect(await call(dappA, 'xmtp_listConversations')).toMatchObject({ ok: false, error: { code: 4900 } })
    const pending = result(dappA, 'xmtp_requestAccounts')
    const id = await waitFor(() => (ctx.opened.length === 1 ? approvalIdOf(ctx.opened[0]) : null))
    expect(await result(popup, 'approvals_get', { id })).toMatchObject({ kind: 'connect', accountAddress: null })
    await ctx.setLocked(false) // the window's unlock form
    await result(popup, 'approvals_resolve', { id, decision: 'approve' })
    expect(await pending).toEqual([ALICE])
    void answer
  })
})

describe('reading', () => {
  it("lists the conversations in the site's namespace, whoever started them; readAll lists all", async () => {
    const { ctx, result, call, connect, answer } = setup()
    const data = ctx.dataOf(ALICE)
    data.conversations.set('/xmtp/0/other/proto', conversation('/xmtp/0/other/proto', CAROL, 'elsewhere/1'))
    data.conversations.set('/xmtp/0/plain/proto', conversation('/xmtp/0/plain/proto', CAROL))
    // A peer invited the user into a conversation under the site's host: the site reads it.
    data.conversations.set('/xmtp/0/theirs/proto', conversation('/xmtp/0/theirs/proto', CAROL, '127.0.0.1:4001/from-carol'))
    await connect(dappA)
    expect((await result(dappA, 'xmtp_listConversations')).map((c: any) => c.topic)).toEqual(['/xmtp/0/theirs/proto'])
    const mine = await result(dappA, 'xmtp_newConversation', { peerAddress: BOB, context: { conversationId: A_ID, metadata: { k: 'v' } } })
    expect(mine).toEqual({ topic: mine.topic, peerAddress: BOB, version: 'v2', createdAt: 1000, context: { conversationId: A_ID, metadata: {} } })
    expect(Object.keys(mine)).not.toContain('unreadCount')
    expect((await result(dappA, 'xmtp_listConversations')).map((c: any) => c.topic)).toEqual(['/xmtp/0/theirs/proto', mine.topic])
    expect(await result(dappA, 'xmtp_getMessages', { topic: mine.topic })).toMatchObject({ messages: [{ content: { text: 'hi' } }] })
    expect(await call(dappA, 'xmtp_getMessages', { topic: '/xmtp/0/other/proto' })).toMatchObject({ ok: false, error: { code: 4100 } })
    expect(await call(dappA, 'xmtp_getMessages', { topic: '/xmtp/0/plain/proto' })).toMatchObject({ ok: false, error: { code: 4100 } })
    expect(await call(dappA, 'xmtp_getMessages', { topic: '/xmtp/0/nope/proto' })).toMatchObject({ ok: false, error: { code: 4100 } })

    const asked = result(dappA, 'xmtp_requestPermissions', [{ readAll: {} }])
    expect(await answer('approve')).toMatchObject({ kind: 'permissions', scopes: ['readAll'] })
    expect((await asked).map((p: any) => p.parentCapability)).toEqual(['read', 'send', 'stream', 'readAll'])
    expect((await result(dappA, 'xmtp_listConversations')).length).toBe(4)
    await result(dappA, 'xmtp_revokePermissions', [{ readAll: {} }])
    expect((await result(dappA, 'xmtp_listConversations')).length).toBe(2)
  })

  it('without a context, xmtp_newConversation gives the site its own conversation under its host', async () => {
    const { ctx, result, connect } = setup()
    const personal = conversation('/xmtp/0/personal/proto', BOB)
    ctx.dataOf(ALICE).conversations.set(personal.topic, personal)
    await connect(dappA)
    const own = await result(dappA, 'xmtp_newConversation', { peerAddress: BOB })
    expect(own.context).toEqual({ conversationId: '127.0.0.1:4001', metadata: {} })
    expect(own.topic).not.toBe(personal.topic)
    // Asked again: the same conversation, not a second one.
    expect((await result(dappA, 'xmtp_newConversation', { peerAddress: BOB })).topic).toBe(own.topic)
  })

  it('refuses a conversationId outside the namespace with -32602 naming the rule, before anything is published', async () => {
    const { ctx, call, result, connect, answer } = setup()
    await connect(dappA)
    for (const conversationId of ['uniswap.org/support', '127.0.0.2:4001/x', '127.0.0.1:4002', '127.0.0.1:4001.evil/x', '127.0.0.1']) {
      const refused = await call(dappA, 'xmtp_newConversation', { peerAddress: BOB, context: { conversationId } })
      expect(refused, conversationId).toMatchObject({ ok: false, error: { code: -32602 } })
      if (!refused.ok) expect(refused.error.message).toContain('"127.0.0.1:4001/"')
    }
    expect(ctx.dataOf(ALICE).conversations.size).toBe(0)
    // readAll (asked for and approved explicitly) covers everything.
    const asked = result(dappA, 'xmtp_requestPermissions', [{ readAll: {} }])
    await answer('approve')
    await asked
    expect(await result(dappA, 'xmtp_newConversation', { peerAddress: BOB, context: { conversationId: 'uniswap.org/support' } })).toMatchObject({
      context: { conversationId: 'uniswap.org/support' },
    })
  })

  it('a squatter cannot take another site’s namespace, and the real site is never refused', async () => {
    const { result, call, connect } = setup()
    await connect(dappB)
    expect(await call(dappB, 'xmtp_newConversation', { peerAddress: BOB, context: { conversationId: A_ID } })).toMatchObject({
      ok: false,
      error: { code: -32602 },
    })
    await connect(dappA)
    const real = await result(dappA, 'xmtp_newConversation', { peerAddress: BOB, context: { conversationId: A_ID } })
    expect(real.context.conversationId).toBe(A_ID)
    expect(await result(dappB, 'xmtp_listConversations')).toEqual([])
    expect(await call(dappB, 'xmtp_getMessages', { topic: real.topic })).toMatchObject({ ok: false, error: { code: 4100 } })
    expect(await call(dappB, 'xmtp_sendMessage', { topic: real.topic, content: 'x' })).toMatchObject({ ok: false, error: { code: 4100 } })
  })

  it('revoking a site and connecting it again gives back exactly its namespace', async () => {
    const { ctx, result, call, connect } = setup()
    const data = ctx.dataOf(ALICE)
    data.conversations.set('/xmtp/0/else/proto', conversation('/xmtp/0/else/proto', CAROL, 'elsewhere/1'))
    await connect(dappA)
    const first = await result(dappA, 'xmtp_newConversation', { peerAddress: BOB, context: { conversationId: A_ID } })
    const second = await result(dappA, 'xmtp_newConversation', { peerAddress: CAROL })
    const before = (await result(dappA, 'xmtp_listConversations')).map((c: any) => c.topic).sort()
    expect(before).toEqual([first.topic, second.topic].sort())
    await result(popup, 'sites_revoke', { origin: SITE_A })
    expect(await call(dappA, 'xmtp_listConversations')).toMatchObject({ ok: false, error: { code: 4100 } })
    await connect(dappA)
    expect((await result(dappA, 'xmtp_listConversations')).map((c: any) => c.topic).sort()).toEqual(before)
    expect(await call(dappA, 'xmtp_getMessages', { topic: '/xmtp/0/else/proto' })).toMatchObject({ ok: false, error: { code: 4100 } })
  })

  it('refuses peers not on XMTP with -32602, and unconnected sites with 4100', async () => {
    const { call, connect } = setup()
    expect(await call(dappA, 'xmtp_canMessage', { peerAddress: BOB })).toMatchObject({ ok: false, error: { code: 4100 } })
    await connect(dappA)
    expect(await call(dappA, 'xmtp_canMessage', { peerAddress: BOB })).toEqual({ ok: true, result: true })
    expect(await call(dappA, 'xmtp_canMessage', { peerAddress: STRANGER })).toEqual({ ok: true, result: false })
    expect(await call(dappA, 'xmtp_newConversation', { peerAddress: STRANGER })).toMatchObject({ ok: false, error: { code: -32602 } })
  })
})

describe('sending', () => {
  it('confirms each send in a window showing peer and text; "don’t ask again" grants sendWithoutConfirm', async () => {
    const { ctx, result, call, connect, answer } = setup()
    await connect(dappA)
    const conv = await result(dappA, 'xmtp_newConversation', { peerAddress: BOB, context: { conversationId: A_ID } })
    const data = ctx.dataOf(ALICE)

    const rejected = call(dappA, 'xmtp_sendMessage', { topic: conv.topic, content: 'no thanks' })
    expect(await answer('reject')).toMatchObject({
      kind: 'send',
      send: { peerAddress: BOB, conversationId: A_ID, sitesOwn: true, text: 'no thanks' },
      accountAddress: ALICE,
    })
    expect(await rejected).toMatchObject({ ok: false, error: { code: 4001 } })
    expect(data.sent).toEqual([])

    const sent = result(dappA, 'xmtp_sendMessage', { topic: conv.topic, content: 'hello bob', contentType: 'xmtp.org/text:1.0' })
    await answer('approve', 'sendWithoutConfirm')
    expect(await sent).toMatchObject({ topic: conv.topic, content: { type: 'text', text: 'hello bob' } })
    const opened = ctx.opened.length
    await result(dappA, 'xmtp_sendMessage', { peerAddress: CAROL, content: { type: 'text', text: 'no window' } })
    expect(ctx.opened).toHaveLength(opened)
    expect(data.sent.map((s) => s.content)).toEqual([{ type: 'text', text: 'hello bob' }, { type: 'text', text: 'no window' }])
  })

  it("a send by peer address goes into the site's conversation with that peer, never the personal one", async () => {
    const { ctx, result, connect, answer } = setup()
    const data = ctx.dataOf(ALICE)
    const personal = conversation('/xmtp/0/personal/proto', BOB)
    data.conversations.set(personal.topic, personal)
    await connect(dappA)
    const long = 'y'.repeat(1999) + 'z'
    const sending = result(dappA, 'xmtp_sendMessage', { peerAddress: BOB, content: long })
    // The window names the site's conversation and shows the whole message.
    expect(await answer('approve')).toMatchObject({ send: { peerAddress: BOB, conversationId: '127.0.0.1:4001', sitesOwn: true, text: long } })
    const sent = await sending
    expect(sent.topic).not.toBe(personal.topic)
    expect(data.conversations.get(sent.topic)?.context?.conversationId).toBe('127.0.0.1:4001')
    // …which the site can read and list, so a dapp that sends and listens hears the answer.
    expect((await result(dappA, 'xmtp_listConversations')).map((c: any) => c.topic)).toEqual([sent.topic])
    expect(await result(dappA, 'xmtp_getMessages', { topic: sent.topic })).toMatchObject({ messages: [{ topic: sent.topic }] })
    // The next send by address reuses it.
    const again = result(dappA, 'xmtp_sendMessage', { peerAddress: BOB, content: 'again' })
    await answer('approve')
    expect((await again).topic).toBe(sent.topic)
    expect(data.sent.map((s) => s.topic)).toEqual([sent.topic, sent.topic])
  })

  it('names a conversation that is not the site’s own (readAll) and shows an attachment for its preview', async () => {
    const { ctx, result, connect, answer } = setup()
    const personal = conversation('/xmtp/0/personal/proto', BOB)
    ctx.dataOf(ALICE).conversations.set(personal.topic, personal)
    await connect(dappA)
    const asked = result(dappA, 'xmtp_requestPermissions', [{ readAll: {} }])
    await answer('approve')
    await asked
    const attachment = { type: 'attachment', filename: 'a.png', mimeType: 'image/png', dataBase64: 'iVBORw0KGgo=' }
    const sending = result(dappA, 'xmtp_sendMessage', { topic: personal.topic, content: attachment })
    expect(await answer('approve')).toMatchObject({
      send: { conversationId: null, sitesOwn: false, attachment: { filename: 'a.png', mimeType: 'image/png', dataBase64: 'iVBORw0KGgo=' } },
    })
    expect((await sending).topic).toBe(personal.topic)
  })

  it('rejects malformed params with -32602 and never reads an origin from them', async () => {
    const { call, connect } = setup()
    await connect(dappA)
    for (const [method, params] of [
      ['xmtp_sendMessage', { content: 'x' }],
      ['xmtp_sendMessage', { topic: '/xmtp/0/a/proto', peerAddress: BOB, content: 'x' }],
      ['xmtp_sendMessage', { peerAddress: BOB, content: '' }],
      ['xmtp_sendMessage', { peerAddress: BOB, content: 'x', contentType: 'xmtp.org/reaction:1.0' }],
      ['xmtp_getMessages', { topic: 'not a topic' }],
      ['xmtp_getMessages', { topic: '/xmtp/0/a/proto', limit: 0 }],
      ['xmtp_newConversation', { peerAddress: '0x12' }],
      ['xmtp_newConversation', { peerAddress: BOB, context: { conversationId: 7 } }],
      ['xmtp_requestPermissions', [{ sudo: {} }]],
      ['xmtp_requestPermissions', []],
      ['xmtp_accounts', { origin: SITE_B }],
      ['xmtp_listConversations', { origin: SITE_B }],
      ['xmtp_canMessage', { peerAddress: BOB, origin: SITE_B }],
    ] as const) {
      expect(await call(dappA, method, params), `${method} ${JSON.stringify(params)}`).toMatchObject({ ok: false, error: { code: -32602 } })
    }
  })
})

describe('revoking and rate limits', () => {
  it('sites_revoke takes effect at once: 4100, accountsChanged [], subscription ended', async () => {
    const { dapp, ctx, result, call, connect } = setup()
    const port = new FakePort()
    dapp.attachEventsPort(port, dappA)
    await connect(dappA)
    const conv = await result(dappA, 'xmtp_newConversation', { peerAddress: BOB, context: { conversationId: A_ID } })
    const { subscriptionId } = await result(dappA, 'xmtp_subscribe')
    const data = ctx.dataOf(ALICE)
    expect(data.holds).toBe(1)
    data.arrive(conv.topic, message(conv.topic, 'b'.repeat(64), BOB, 'reply'))
    await waitFor(() => (port.received.some((e: any) => e.type === 'message') ? true : null))

    expect((await result(popup, 'sites_list')).sites).toMatchObject([{ origin: SITE_A, accountAddress: ALICE, scopes: ['read', 'send', 'stream'] }])
    expect(await result(popup, 'sites_revoke', { origin: SITE_A })).toEqual({ sites: [] })
    expect(await call(dappA, 'xmtp_listConversations')).toMatchObject({ ok: false, error: { code: 4100 } })
    await waitFor(() => (port.received.some((e: any) => e.type === 'subscriptionEnded') ? true : null))
    data.arrive(conv.topic, message(conv.topic, 'c'.repeat(64), BOB, 'after revoke'))
    await new Promise((r) => setTimeout(r, 20))
    expect(port.received.filter((e: any) => e.type === 'message').map((e: any) => e.message.content.text)).toEqual(['reply'])
    expect(port.received.filter((e: any) => e.type === 'accountsChanged').map((e: any) => e.accounts)).toEqual([[], [ALICE], []])
    expect(port.received).toContainEqual({ type: 'subscriptionEnded', subscriptionId })
    expect(data.holds).toBe(0)
  })

  it('answers -32005 past the per-origin burst, other origins unaffected', async () => {
    const { call } = setup(new FakeContext(), { capacity: 3, refillPerSecond: 0.001 })
    for (let i = 0; i < 3; i++) expect(await call(dappA, 'xmtp_accounts')).toMatchObject({ ok: true })
    expect(await call(dappA, 'xmtp_accounts')).toMatchObject({ ok: false, error: { code: -32005 } })
    expect(await call(dappB, 'xmtp_accounts')).toMatchObject({ ok: true })
  })

  it('refuses dapp methods to callers without a web origin', async () => {
    const { dapp, call } = setup()
    expect(await call(popup, 'xmtp_accounts')).toMatchObject({ ok: false, error: { code: 4100 } })
    const hostless: Caller = { kind: 'dapp', origin: 'file://', frame: { tabId: 9, frameId: 0 } }
    expect(await call(hostless, 'xmtp_accounts')).toMatchObject({ ok: false, error: { code: 4100 } })
    const port = new FakePort()
    dapp.attachEventsPort(port, hostless)
    expect(port.disconnected).toBe(true)
  })
})

describe('worker restart', () => {
  it('keeps pending approvals in storage.session; a new worker re-opens and performs them', async () => {
    const first = setup()
    void first.call(dappA, 'xmtp_requestAccounts')
    await waitFor(() => (first.ctx.opened.length === 1 ? true : null))
    // The worker dies before the window opened... and the user closed nothing.
    const restarted = new FakeContext(first.ctx.local, first.ctx.sessionStorage, first.ctx.openWindows)
    const second = setup(restarted)
    // Its window survived: the new worker does not open another one.
    await new Promise((r) => setTimeout(r, 20))
    expect(restarted.opened).toEqual([])
    const id = approvalIdOf(first.ctx.opened[0])
    expect(await second.result(popup, 'approvals_get', { id })).toMatchObject({ origin: SITE_A, kind: 'connect' })
    await second.result(popup, 'approvals_resolve', { id, decision: 'approve' })
    expect(await second.result(dappA, 'xmtp_accounts')).toEqual([ALICE])
  })

  it('a window closed while no worker ran counts as a rejection and does not block the queue', async () => {
    const first = setup()
    void first.call(dappA, 'xmtp_requestAccounts')
    void first.call(dappA, 'xmtp_requestPermissions', [{ readAll: {} }])
    await waitFor(() => (first.ctx.opened.length === 1 ? true : null))
    // The user closes the window while the worker is stopped: no close event reaches anyone.
    first.ctx.openWindows.clear()
    const restarted = new FakeContext(first.ctx.local, first.ctx.sessionStorage, first.ctx.openWindows)
    const second = setup(restarted)
    await second.result(dappB, 'xmtp_accounts')
    await waitFor(() => (restarted.opened.length === 1 ? true : null))
    // The site's next request is shown; the one whose window was closed is gone.
    expect(await second.result(popup, 'approvals_get', { id: approvalIdOf(first.ctx.opened[0]) })).toBeNull()
    expect(await second.result(popup, 'approvals_get', { id: approvalIdOf(restarted.opened[0]) })).toMatchObject({ origin: SITE_A, kind: 'permissions' })
  })

  it('a worker stopped after the window opened but before saving its id adopts that window, not a second one', async () => {
    const ctx = new FakeContext()
    const path = 'src/approval/index.html?id=abc'
    const windowId = await ctx.openWindow(path)
    ctx.opened.length = 0
    await ctx.sessionStorage.set({
      'dapp/approval/abc': {
        view: { id: 'abc', origin: SITE_B, accountAddress: ALICE, kind: 'connect', scopes: ['read'], createdAt: 1 },
        action: { type: 'connect', scopes: ['read'] },
        opening: true,
        seq: 1,
      },
    })
    const { result } = setup(ctx)
    await result(dappA, 'xmtp_accounts') // any call starts the dapp services
    await new Promise((r) => setTimeout(r, 20))
    expect(ctx.opened).toEqual([])
    expect((await ctx.sessionStorage.get('dapp/approval/abc'))['dapp/approval/abc']).toMatchObject({ windowId })
    expect((await ctx.sessionStorage.get('dapp/approval/abc'))['dapp/approval/abc']).not.toHaveProperty('opening')
    // The adopted window is that request's: closing it rejects the request.
    ctx.closeWindow(windowId)
    for (let i = 0; i < 100 && (await result(popup, 'approvals_get', { id: 'abc' })) !== null; i++) await new Promise((r) => setTimeout(r, 2))
    expect(await result(popup, 'approvals_get', { id: 'abc' })).toBeNull()
    expect(await result(dappB, 'xmtp_accounts')).toEqual([])
  })

  it('a window being opened is marked first, and the mark is cleared once its id is saved', async () => {
    const first = setup()
    const marks: unknown[] = []
    const set = first.ctx.sessionStorage.set.bind(first.ctx.sessionStorage)
    first.ctx.sessionStorage.set = async (items) => {
      for (const value of Object.values(items)) marks.push({ opening: (value as { opening?: boolean }).opening ?? false, windowId: (value as { windowId?: number }).windowId ?? null })
      return set(items)
    }
    void first.call(dappA, 'xmtp_requestAccounts')
    await waitFor(() => (first.ctx.opened.length === 1 ? true : null))
    await waitFor(() => (marks.length === 3 ? true : null))
    const windowId = [...first.ctx.openWindows.keys()].at(-1)
    expect(marks).toEqual([{ opening: false, windowId: null }, { opening: true, windowId: null }, { opening: false, windowId }])
  })

  it('re-opens a request whose window had not opened yet', async () => {
    const ctx = new FakeContext()
    await ctx.sessionStorage.set({
      'dapp/approval/abc': {
        view: { id: 'abc', origin: SITE_B, accountAddress: ALICE, kind: 'connect', scopes: ['read'], createdAt: 1 },
        action: { type: 'connect', scopes: ['read'] },
      },
    })
    const { result, answer } = setup(ctx)
    await result(dappA, 'xmtp_accounts') // any call starts the dapp services
    expect(await answer('approve')).toMatchObject({ id: 'abc', origin: SITE_B })
    expect(await result(dappB, 'xmtp_accounts')).toEqual([ALICE])
  })
})
