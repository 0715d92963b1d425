// The whole dapp path in Node: window.xmtp (provider + window transport) ⇄ content relay (with
// its events port) ⇄ the real RPC router and dapp handlers over a fake BackgroundContext.
// Every message crossing a boundary is recorded and checked for key material.
import { describe, expect, it } from 'vitest'
import { makeRuntimeRpcMessage, type RuntimeRpcMessage } from '../extension/messages.ts'
import { FakeWindow, flush } from '../extension/testing/fake-window.ts'
import { createRpcRouter, type Caller } from '../background/rpc-router.ts'
import { pingHandler } from '../background/handlers.ts'
import { createWiredDappSide, DAPP_SIDE_METHODS } from '../background/dapp/testing/dapp-harness.ts'
import { ALICE, approvalIdOf, BOB, FakeContext, message } from '../background/dapp/testing/fake-context.ts'
import { createProvider } from '../inpage/provider.ts'
import { createWindowTransport } from '../inpage/window-transport.ts'
import { startRelay } from './relay.ts'
import type { EventsPortLike } from './events-port.ts'

/** Two connected port ends; messages are cloned and delivered asynchronously, like runtime ports. */
function portPair(record: (where: string, message: unknown) => void) {
  type End = EventsPortLike & { peer?: End; msg: Set<(m: unknown) => void>; disc: Set<() => void>; closed: boolean }
  const make = (label: string): End => {
    const end: End = {
      msg: new Set(),
      disc: new Set(),
      closed: false,
      onMessage: { addListener: (l) => void end.msg.add(l) },
      onDisconnect: { addListener: (l) => void end.disc.add(l) },
      postMessage(m) {
        if (end.closed) throw new Error('disconnected port')
        record(label, m)
        const data = structuredClone(m)
        setTimeout(() => end.peer && !end.peer.closed && end.peer.msg.forEach((l) => l(data)), 0)
      },
      disconnect() {
        if (end.closed) return
        end.closed = true
        const peer = end.peer!
        peer.closed = true
        setTimeout(() => peer.disc.forEach((l) => l()), 0)
      },
    }
    return end
  }
  const a = make('background→content')
  const b = make('content→background')
  a.peer = b
  b.peer = a
  return { background: a, content: b }
}

function setup(origin = 'http://127.0.0.1:4001', ctx = new FakeContext()) {
  const win = new FakeWindow(origin)
  const caller: Caller = { kind: 'dapp', origin, frame: { tabId: 7, frameId: 0 } }
  const dapp = createWiredDappSide(ctx)
  const dispatch = createRpcRouter(DAPP_SIDE_METHODS, { ...pingHandler({ version: '1', startedAt: 0 }), ...dapp.handlers })
  const crossings: Array<{ where: string; message: unknown }> = []
  const record = (where: string, m: unknown) => crossings.push({ where, message: structuredClone(m) })
  const realPost = win.postMessage.bind(win)
  win.postMessage = (m: unknown, target: string) => {
    record('window', m)
    realPost(m, target)
  }
  startRelay(
    win,
    async (m: RuntimeRpcMessage) => {
      record('content→background', m)
      const response = await dispatch(m, caller)
      record('background→content', response)
      return response
    },
    () => {
      const { background, content } = portPair(record)
      dapp.attachEventsPort(background, caller)
      return content
    },
  )
  const provider = createProvider(createWindowTransport(win))
  const approve = async () => {
    for (let i = 0; i < 200 && ctx.opened.length === 0; i++) await flush()
    const id = approvalIdOf(ctx.opened.shift())
    await dispatch(makeRuntimeRpcMessage({ method: 'approvals_resolve', params: { id, decision: 'approve' } }), { kind: 'extension' })
  }
  return { win, ctx, provider, crossings, approve, dispatch }
}

const until = async (probe: () => boolean) => {
  for (let i = 0; i < 300 && !probe(); i++) await flush()
  expect(probe()).toBe(true)
}

describe('dapp path: provider ⇄ relay ⇄ background', () => {
  it('connects, subscribes and delivers messages; accountsChanged fires only on real changes', async () => {
    const { ctx, provider, approve, crossings } = setup()
    const accountEvents: unknown[] = []
    const messages: any[] = []
    provider.on('accountsChanged', (a) => accountEvents.push(a))
    provider.on('message', (m) => messages.push(m))
    const accounts = provider.request({ method: 'xmtp_requestAccounts' })
    await approve()
    expect(await accounts).toEqual([ALICE])
    const conv = await provider.request({ method: 'xmtp_newConversation', params: { peerAddress: BOB, context: { conversationId: '127.0.0.1:4001/1' } } })
    const { subscriptionId } = await provider.request({ method: 'xmtp_subscribe' })
    ctx.dataOf(ALICE).arrive(conv.topic, message(conv.topic, 'd'.repeat(64), BOB, 'hello from bob'))
    await until(() => messages.length === 1)
    expect(messages[0]).toMatchObject({ subscriptionId, message: { senderAddress: BOB, content: { type: 'text', text: 'hello from bob' } } })
    await ctx.selectAccount('acc-2') // not connected there
    await until(() => accountEvents.length === 2)
    await ctx.selectAccount('acc-1')
    await until(() => accountEvents.length === 3)
    await ctx.setLocked(true)
    await until(() => accountEvents.length === 4)
    await flush()
    expect(accountEvents).toEqual([[ALICE], [], [ALICE], []])
    // The recorder saw all three boundaries, and nothing that looks like key material.
    expect(new Set(crossings.map((c) => c.where))).toEqual(new Set(['window', 'content→background', 'background→content']))
    const text = JSON.stringify(crossings)
    expect(text).not.toMatch(/privateKey|secp256k1|identityKey|preKey|PrivateKeyBundle/i)
  })

  it('a page that forges an origin field or skips the provider gets nothing more', async () => {
    const { win, provider, approve } = setup()
    await Promise.all([provider.request({ method: 'xmtp_requestAccounts' }), approve()])
    const forged = await provider.request({ method: 'xmtp_listConversations', params: { origin: 'http://127.0.0.2:4001' } } as never).catch((e: any) => e.code)
    expect(forged).toBe(-32602)
    // Raw window message with an origin field next to the request: the background never reads it.
    win.postMessage({ channel: 'parley-xmtp-provider:v1:7c1f4e', kind: 'request', id: 'f-1', origin: 'https://bank.example', request: { method: 'xmtp_accounts' } }, win.location.origin)
    await until(() => win.posted.some((p: any) => p.message.kind === 'response' && p.message.id === 'f-1'))
    const answer: any = win.posted.find((p: any) => p.message.id === 'f-1' && p.message.kind === 'response')
    expect(answer.message.response).toEqual({ ok: true, result: [ALICE] }) // the real origin's accounts
  })

  it('resumes subscriptions after the background drops the port', async () => {
    const ctx = new FakeContext()
    const win = new FakeWindow('http://127.0.0.1:4001')
    const caller: Caller = { kind: 'dapp', origin: win.location.origin, frame: { tabId: 1, frameId: 0 } }
    const dapp = createWiredDappSide(ctx)
  const dispatch = createRpcRouter(DAPP_SIDE_METHODS, { ...pingHandler({ version: '1', startedAt: 0 }), ...dapp.handlers })
    const backgroundEnds: EventsPortLike[] = []
    startRelay(win, (m) => dispatch(m, caller), () => {
      const { background, content } = portPair(() => {})
      backgroundEnds.push(background)
      dapp.attachEventsPort(background, caller)
      return content
    }, { reconnectDelayMs: 5 })
    const provider = createProvider(createWindowTransport(win))
    const got: any[] = []
    provider.on('message', (m) => got.push(m))
    const pending = provider.request({ method: 'xmtp_requestAccounts' })
    for (let i = 0; i < 100 && ctx.opened.length === 0; i++) await flush()
    await dispatch(makeRuntimeRpcMessage({ method: 'approvals_resolve', params: { id: approvalIdOf(ctx.opened[0]), decision: 'approve' } }), { kind: 'extension' })
    await pending
    const conv = await provider.request({ method: 'xmtp_newConversation', params: { peerAddress: BOB, context: { conversationId: '127.0.0.1:4001/r' } } })
    await provider.request({ method: 'xmtp_subscribe' })
    backgroundEnds[0]!.disconnect() // the worker stopped
    await until(() => backgroundEnds.length === 2)
    await flush()
    await flush()
    ctx.dataOf(ALICE).arrive(conv.topic, message(conv.topic, 'e'.repeat(64), BOB, 'after restart'))
    await until(() => got.length === 1)
  })
})
