// The approval queue (one window per site, later requests behind it) and the embargo after
// repeated rejections, on the fake context's clock; "Block this site" and Settings' unblock.
import { describe, expect, it } from 'vitest'
import { EMBARGO_MS } from './site-guard.ts'
import { dappA, dappB, popup, setup, SITE_A, SITE_B, waitFor } from './testing/dapp-harness.ts'
import { ALICE, approvalIdOf, FakeContext } from './testing/fake-context.ts'

const settle = () => new Promise((r) => setTimeout(r, 20))
/** The newest window of the site, by what it shows. */
async function windowOf(h: ReturnType<typeof setup>, origin: string): Promise<{ id: string; windowId: number }> {
  for (const [windowId, path] of [...h.ctx.openWindows].reverse()) {
    const id = approvalIdOf(path)
    const view = await h.result(popup, 'approvals_get', { id })
    if (view?.origin === origin) return { id, windowId }
  }
  throw new Error(`no window for ${origin}`)
}
const rejectIn = async (h: ReturnType<typeof setup>, origin: string) => h.result(popup, 'approvals_resolve', { id: (await windowOf(h, origin)).id, decision: 'reject' })
const closeIn = async (h: ReturnType<typeof setup>, origin: string) => h.ctx.closeWindow((await windowOf(h, origin)).windowId)

describe('approval queue', () => {
  it('one window per site: its later requests wait behind it; another site gets its own at once', async () => {
    const h = setup()
    const a1 = h.call(dappA, 'xmtp_requestAccounts')
    const a2 = h.call(dappA, 'xmtp_requestPermissions', [{ readAll: {} }]).catch(() => null)
    await waitFor(() => (h.ctx.opened.length === 1 ? true : null))
    await settle()
    expect(h.ctx.opened).toHaveLength(1)
    // Site B is not held up by A's open window.
    const b1 = h.call(dappB, 'xmtp_requestAccounts')
    await waitFor(() => (h.ctx.opened.length === 2 ? true : null))
    expect((await windowOf(h, SITE_B)).id).toBe(approvalIdOf(h.ctx.opened[1]))
    // A's second request opens only once its first is answered.
    await h.result(popup, 'approvals_resolve', { id: approvalIdOf(h.ctx.opened[0]), decision: 'approve' })
    expect(await a1).toEqual({ ok: true, result: [ALICE] })
    await waitFor(() => (h.ctx.opened.length === 3 ? true : null))
    expect(await h.result(popup, 'approvals_get', { id: approvalIdOf(h.ctx.opened[2]) })).toMatchObject({ origin: SITE_A, kind: 'permissions' })
    await h.result(popup, 'approvals_resolve', { id: approvalIdOf(h.ctx.opened[1]), decision: 'approve' })
    expect(await b1).toEqual({ ok: true, result: [ALICE] })
    void a2
  })
})

describe('embargo after three rejections or closed windows in a row', () => {
  it('answers the site 4001 at once without a window for an hour; another site still gets its window', async () => {
    const h = setup()
    for (const answer of [rejectIn, closeIn, rejectIn]) {
      const asked = h.call(dappA, 'xmtp_requestAccounts')
      const before = h.ctx.opened.length
      await waitFor(() => (h.ctx.opened.length === before + 1 ? true : null))
      await answer(h, SITE_A)
      expect(await asked).toMatchObject({ ok: false, error: { code: 4001 } })
    }
    const opened = h.ctx.opened.length
    const refused = await h.call(dappA, 'xmtp_requestAccounts')
    expect(refused).toMatchObject({ ok: false, error: { code: 4001 } })
    if (!refused.ok) expect(refused.error.message).toContain('declined')
    await settle()
    expect(h.ctx.opened).toHaveLength(opened)
    // Another site is never affected.
    const other = h.call(dappB, 'xmtp_requestAccounts')
    await waitFor(() => (h.ctx.opened.length === opened + 1 ? true : null))
    await h.result(popup, 'approvals_resolve', { id: (await windowOf(h, SITE_B)).id, decision: 'approve' })
    expect(await other).toEqual({ ok: true, result: [ALICE] })
    // Just before the hour: still refused. After it: a window again.
    h.ctx.clock += EMBARGO_MS - 1
    expect(await h.call(dappA, 'xmtp_requestAccounts')).toMatchObject({ ok: false, error: { code: 4001 } })
    expect(h.ctx.opened).toHaveLength(opened + 1)
    h.ctx.clock += 1
    // After the hour the count starts afresh: one more rejection does not embargo the site again.
    const once = h.call(dappA, 'xmtp_requestAccounts')
    await waitFor(() => (h.ctx.opened.length === opened + 2 ? true : null))
    await rejectIn(h, SITE_A)
    expect(await once).toMatchObject({ ok: false, error: { code: 4001 } })
    const again = h.call(dappA, 'xmtp_requestAccounts')
    await waitFor(() => (h.ctx.opened.length === opened + 3 ? true : null))
    await h.result(popup, 'approvals_resolve', { id: (await windowOf(h, SITE_A)).id, decision: 'approve' })
    expect(await again).toEqual({ ok: true, result: [ALICE] })
  })

  it('an approval in between starts the count again; requests that need no window are not affected', async () => {
    const h = setup()
    const answerWith = async (decision: 'approve' | 'reject', method = 'xmtp_requestAccounts', params?: unknown) => {
      const asked = h.call(dappA, method, params)
      const before = h.ctx.opened.length
      await waitFor(() => (h.ctx.opened.length === before + 1 ? true : null))
      await h.result(popup, 'approvals_resolve', { id: approvalIdOf(h.ctx.opened.at(-1)), decision })
      return asked
    }
    await answerWith('reject')
    await answerWith('reject')
    expect(await answerWith('approve')).toEqual({ ok: true, result: [ALICE] })
    await answerWith('reject', 'xmtp_requestPermissions', [{ readAll: {} }])
    await answerWith('reject', 'xmtp_requestPermissions', [{ readAll: {} }])
    // Two in a row since the approval: still a window.
    await answerWith('reject', 'xmtp_requestPermissions', [{ readAll: {} }])
    // Now three: embargoed; reads that need no window still answer.
    expect(await h.call(dappA, 'xmtp_requestPermissions', [{ readAll: {} }])).toMatchObject({ ok: false, error: { code: 4001 } })
    expect(await h.call(dappA, 'xmtp_listConversations')).toEqual({ ok: true, result: [] })
  })

  it('the embargo answers requests already queued behind the third window, and survives a worker restart', async () => {
    const h = setup()
    for (let i = 0; i < 2; i++) {
      const asked = h.call(dappA, 'xmtp_requestAccounts')
      await waitFor(() => (h.ctx.opened.length === i + 1 ? true : null))
      await rejectIn(h, SITE_A)
      await asked
    }
    const third = h.call(dappA, 'xmtp_requestAccounts')
    await waitFor(() => (h.ctx.opened.length === 3 ? true : null))
    const queued = h.call(dappA, 'xmtp_requestAccounts')
    await settle()
    await rejectIn(h, SITE_A)
    expect(await third).toMatchObject({ ok: false, error: { code: 4001 } })
    expect(await queued).toMatchObject({ ok: false, error: { code: 4001 } })
    await settle()
    expect(h.ctx.opened).toHaveLength(3)
    const restarted = setup(new FakeContext(h.ctx.local, h.ctx.sessionStorage, h.ctx.openWindows))
    restarted.ctx.clock = h.ctx.clock
    expect(await restarted.call(dappA, 'xmtp_requestAccounts')).toMatchObject({ ok: false, error: { code: 4001 } })
    await settle()
    expect(restarted.ctx.opened).toEqual([])
  })
})

describe('Block this site', () => {
  it('rejects and disconnects the site; 4001 without a window until Settings unblocks it', async () => {
    const h = setup()
    await h.connect(dappA)
    const asking = h.call(dappA, 'xmtp_requestPermissions', [{ readAll: {} }])
    await waitFor(() => (h.ctx.opened.length === 2 ? true : null))
    await h.result(popup, 'approvals_resolve', { id: approvalIdOf(h.ctx.opened[1]), decision: 'block' })
    expect(await asking).toMatchObject({ ok: false, error: { code: 4001 } })
    expect(await h.call(dappA, 'xmtp_listConversations')).toMatchObject({ ok: false, error: { code: 4100 } })
    const refused = await h.call(dappA, 'xmtp_requestAccounts')
    expect(refused).toMatchObject({ ok: false, error: { code: 4001 } })
    if (!refused.ok) expect(refused.error.message).toContain('blocked')
    // An hour later it is still blocked: only the user lifts a block.
    h.ctx.clock += 2 * EMBARGO_MS
    expect(await h.call(dappA, 'xmtp_requestAccounts')).toMatchObject({ ok: false, error: { code: 4001 } })
    expect(h.ctx.opened).toHaveLength(2)
    expect(await h.result(popup, 'sites_blocked')).toEqual({ blocked: [{ origin: SITE_A, blockedAt: h.ctx.clock - 2 * EMBARGO_MS }] })
    expect(await h.result(popup, 'sites_unblock', { origin: SITE_A })).toEqual({ blocked: [] })
    const again = h.call(dappA, 'xmtp_requestAccounts')
    await waitFor(() => (h.ctx.opened.length === 3 ? true : null))
    await h.result(popup, 'approvals_resolve', { id: approvalIdOf(h.ctx.opened[2]), decision: 'approve' })
    expect(await again).toEqual({ ok: true, result: [ALICE] })
  })
})

describe('Settings: scopes one by one', () => {
  it('removes one scope, not the whole site; the last one disconnects it', async () => {
    const h = setup()
    await h.connect(dappA)
    const { sites } = await h.result(popup, 'sites_removeScope', { origin: SITE_A, accountAddress: ALICE, scope: 'stream' })
    expect(sites).toMatchObject([{ origin: SITE_A, scopes: ['read', 'send'] }])
    expect(await h.call(dappA, 'xmtp_subscribe')).toMatchObject({ ok: false, error: { code: 4100 } })
    expect(await h.call(dappA, 'xmtp_listConversations')).toEqual({ ok: true, result: [] })
    await h.result(popup, 'sites_removeScope', { origin: SITE_A, accountAddress: ALICE, scope: 'read' })
    expect((await h.result(popup, 'sites_removeScope', { origin: SITE_A, accountAddress: ALICE, scope: 'send' })).sites).toEqual([])
    expect(await h.result(dappA, 'xmtp_accounts')).toEqual([])
    expect(await h.call(popup, 'sites_removeScope', { origin: SITE_A, accountAddress: ALICE, scope: 'sudo' })).toMatchObject({ ok: false, error: { code: -32602 } })
  })
})
