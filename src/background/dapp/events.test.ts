// The dapp events a page receives: accountsChanged only once the account answers, and one
// `message` event per message however often the page subscribed.
import { describe, expect, it } from 'vitest'
import { dappA, setup, waitFor } from './testing/dapp-harness.ts'
import { ALICE, BOB, FakePort, message } from './testing/fake-context.ts'

const flush = () => new Promise((r) => setTimeout(r, 10))
const accountEvents = (port: FakePort) => port.received.filter((e: any) => e.type === 'accountsChanged').map((e: any) => e.accounts)
const messageEvents = (port: FakePort) => port.received.filter((e: any) => e.type === 'message')

describe('accountsChanged', () => {
  it('announces an account only once it answers; a call made at the event succeeds', async () => {
    const { dapp, ctx, call, connect } = setup()
    const port = new FakePort()
    dapp.attachEventsPort(port, dappA)
    await connect(dappA)
    await waitFor(() => (accountEvents(port).length === 2 ? true : null))
    await ctx.setLocked(true)
    await waitFor(() => (accountEvents(port).length === 3 ? true : null))
    // Unlocked, but the account's session is still being prepared: nothing is announced yet…
    ctx.preparing.add('acc-1')
    await ctx.setLocked(false)
    await flush()
    expect(accountEvents(port)).toEqual([[], [ALICE], []])
    expect(await call(dappA, 'xmtp_listConversations')).toMatchObject({ ok: false, error: { code: 4900 } })
    // …until it answers; at the event, a call succeeds.
    const outcomes: unknown[] = []
    const post = port.postMessage.bind(port)
    port.postMessage = (event: any) => {
      post(event)
      if (event.type === 'accountsChanged' && event.accounts.length > 0) outcomes.push(call(dappA, 'xmtp_listConversations'))
    }
    ctx.sessionReady('acc-1')
    await waitFor(() => (outcomes.length === 1 ? true : null))
    expect(await outcomes[0]).toEqual({ ok: true, result: [] })
    expect(accountEvents(port)).toEqual([[], [ALICE], [], [ALICE]])
  })

  it('xmtp_accounts waits for an account being prepared instead of naming one that cannot answer', async () => {
    const { ctx, call, connect } = setup()
    await connect(dappA)
    ctx.preparing.add('acc-1')
    await ctx.selectAccount('acc-1')
    const asked = call(dappA, 'xmtp_accounts')
    await flush()
    let settled = false
    void asked.then(() => (settled = true))
    await flush()
    expect(settled).toBe(false)
    ctx.sessionReady('acc-1')
    expect(await asked).toEqual({ ok: true, result: [ALICE] })
  })
})

describe('xmtp_subscribe', () => {
  it('is idempotent per page: one event per message however often it is called; unsubscribe ends it', async () => {
    const { dapp, ctx, result, connect } = setup()
    const port = new FakePort()
    dapp.attachEventsPort(port, dappA)
    await connect(dappA)
    const conv = await result(dappA, 'xmtp_newConversation', { peerAddress: BOB })
    const first = await result(dappA, 'xmtp_subscribe')
    const second = await result(dappA, 'xmtp_subscribe')
    const third = await result(dappA, 'xmtp_subscribe', { topics: [conv.topic] })
    expect(second.subscriptionId).toBe(first.subscriptionId)
    expect(third.subscriptionId).toBe(first.subscriptionId)
    const data = ctx.dataOf(ALICE)
    expect(data.holds).toBe(1)
    data.arrive(conv.topic, message(conv.topic, 'b'.repeat(64), BOB, 'once'))
    await waitFor(() => (messageEvents(port).length > 0 ? true : null))
    await flush()
    expect(messageEvents(port)).toEqual([{ type: 'message', subscriptionId: first.subscriptionId, message: expect.objectContaining({ id: 'b'.repeat(64) }) }])

    expect(await result(dappA, 'xmtp_unsubscribe', { subscriptionId: first.subscriptionId })).toBe(true)
    // The content script is told, so a resume after a worker restart cannot bring it back.
    expect(port.received).toContainEqual({ type: 'subscriptionEnded', subscriptionId: first.subscriptionId })
    expect(data.holds).toBe(0)
    data.arrive(conv.topic, message(conv.topic, 'c'.repeat(64), BOB, 'after'))
    await flush()
    expect(messageEvents(port)).toHaveLength(1)
    expect(await result(dappA, 'xmtp_unsubscribe', { subscriptionId: first.subscriptionId })).toBe(false)
  })

  it('a subscription to some topics widens to all when asked without topics, still one event each', async () => {
    const { dapp, ctx, result, connect } = setup()
    const port = new FakePort()
    dapp.attachEventsPort(port, dappA)
    await connect(dappA)
    const one = await result(dappA, 'xmtp_newConversation', { peerAddress: BOB })
    const two = await result(dappA, 'xmtp_newConversation', { peerAddress: BOB, context: { conversationId: '127.0.0.1:4001/two' } })
    const { subscriptionId } = await result(dappA, 'xmtp_subscribe', { topics: [one.topic] })
    const data = ctx.dataOf(ALICE)
    data.arrive(two.topic, message(two.topic, 'd'.repeat(64), BOB, 'not yet'))
    await flush()
    expect(messageEvents(port)).toHaveLength(0)
    expect((await result(dappA, 'xmtp_subscribe')).subscriptionId).toBe(subscriptionId)
    data.arrive(two.topic, message(two.topic, 'e'.repeat(64), BOB, 'now'))
    data.arrive(one.topic, message(one.topic, 'f'.repeat(64), BOB, 'and here'))
    await waitFor(() => (messageEvents(port).length === 2 ? true : null))
  })
})
