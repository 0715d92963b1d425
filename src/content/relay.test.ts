// The whole page → content → background path in Node: window.xmtp over the window transport,
// the content relay, and the background's RPC router, joined by a FakeWindow.
import { describe, expect, it } from 'vitest'
import { ProviderRpcError } from '../extension/rpc-error.ts'
import { makeRuntimeRpcMessage, METHODS, WINDOW_CHANNEL, type RuntimeRpcMessage } from '../extension/messages.ts'
import { FakeWindow, flush } from '../extension/testing/fake-window.ts'
import { createRpcRouter } from '../background/rpc-router.ts'
import { PING_METHODS, pingHandler } from '../background/handlers.ts'
import { createProvider } from '../inpage/provider.ts'
import { createWindowTransport } from '../inpage/window-transport.ts'
import { startRelay, type SendToBackground } from './relay.ts'

function setup(send?: SendToBackground) {
  const win = new FakeWindow()
  const dispatch = createRpcRouter(PING_METHODS, pingHandler({ version: '1.2.3', startedAt: 99 }))
  const received: RuntimeRpcMessage[] = []
  const stop = startRelay(
    win,
    send ??
      (async (message) => {
        received.push(message)
        return dispatch(message, { kind: 'dapp', origin: win.location.origin })
      }),
  )
  const provider = createProvider(createWindowTransport(win))
  return { win, provider, received, stop }
}

describe('content relay', () => {
  it('carries a ping from window.xmtp to the background and the answer back', async () => {
    const { provider, received, win } = setup()
    await expect(provider.request({ method: 'ping' })).resolves.toEqual({ pong: true, version: '1.2.3', startedAt: 99 })
    expect(received).toEqual([makeRuntimeRpcMessage({ method: 'ping' })])
    expect(win.posted.every(({ targetOrigin }) => targetOrigin === win.location.origin)).toBe(true)
  })

  it('keeps concurrent requests apart by id', async () => {
    const { provider } = setup()
    const answers = await Promise.all([provider.request({ method: 'ping' }), provider.request({ method: 'ping', params: [] })])
    expect(answers).toHaveLength(2)
  })

  it('relays requests the provider would refuse, so the background is the real gate', async () => {
    const { win, received } = setup()
    win.postMessage({ channel: WINDOW_CHANNEL, kind: 'request', id: 'raw-1', request: { method: 'nope' } }, win.location.origin)
    await flush()
    expect(received).toHaveLength(1)
    const answer = win.posted.at(-1)?.message
    expect(answer).toMatchObject({ channel: WINDOW_CHANNEL, kind: 'response', id: 'raw-1', response: { ok: false, error: { code: 4200 } } })
  })

  it('ignores messages from other windows, other origins, other channels and junk', async () => {
    const { win, received } = setup()
    const request = { channel: WINDOW_CHANNEL, kind: 'request', id: 'x-1', request: { method: 'ping' } }
    win.deliver({ data: request, source: {}, origin: win.location.origin }) // another frame
    win.deliver({ data: request, source: win, origin: 'https://evil.example' })
    win.deliver({ data: { ...request, channel: 'other' }, source: win, origin: win.location.origin })
    win.deliver({ data: 'hello', source: win, origin: win.location.origin })
    win.deliver({ data: null, source: win, origin: win.location.origin })
    await flush()
    expect(received).toEqual([])
    expect(win.posted).toEqual([])
  })

  it('sends a repeatable request again when the worker stopped under it; never a send or a connect', async () => {
    const dispatch = createRpcRouter(PING_METHODS, pingHandler({ version: '1', startedAt: 0 }))
    const win = new FakeWindow()
    const sent: string[] = []
    let drops = 1
    startRelay(
      win,
      async (message) => {
        const method = (message.request as { method: string }).method
        sent.push(method)
        if (drops > 0) {
          drops--
          throw new Error('The message port closed before a response was received.')
        }
        return dispatch(message, { kind: 'dapp', origin: win.location.origin })
      },
      undefined,
      undefined,
      { delayMs: 1 },
    )
    const provider = createProvider(createWindowTransport(win))
    expect(await provider.request({ method: 'ping' })).toMatchObject({ pong: true })
    expect(sent).toEqual(['ping', 'ping'])
    // Not repeatable: one try, then 4900 to the page.
    sent.length = 0
    drops = 1
    const error = await provider.request({ method: 'xmtp_requestAccounts' }).catch((e: unknown) => e)
    expect((error as ProviderRpcError).code).toBe(4900)
    expect(sent).toEqual(['xmtp_requestAccounts'])
    // A method name from the page that is not in the table (or is a prototype key) is not repeatable either.
    sent.length = 0
    drops = 1
    win.postMessage({ channel: WINDOW_CHANNEL, kind: 'request', id: 'raw-2', request: { method: '__proto__' } }, win.location.origin)
    await flush()
    await flush()
    expect(sent).toEqual(['__proto__'])
  })

  it('answers 4900 and fires disconnect when the background is gone', async () => {
    let alive = true
    const dispatch = createRpcRouter(PING_METHODS, pingHandler({ version: '1', startedAt: 0 }))
    const { provider } = setup(async (message) => {
      if (!alive) throw new Error('Extension context invalidated.')
      return dispatch(message, { kind: 'dapp', origin: 'http://127.0.0.1:8080' })
    })
    const events: string[] = []
    provider.on('connect', () => events.push('connect'))
    provider.on('disconnect', () => events.push('disconnect'))
    await provider.request({ method: 'ping' })
    alive = false
    const error = await provider.request({ method: 'ping' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderRpcError)
    expect((error as ProviderRpcError).code).toBe(4900)
    expect(events).toEqual(['connect', 'disconnect'])
  })

  it('turns a malformed background answer into -32603 instead of hanging', async () => {
    const { provider } = setup(async () => undefined)
    const error = await provider.request({ method: 'ping' }).catch((e: unknown) => e)
    expect((error as ProviderRpcError).code).toBe(-32603)
  })

  it('stops relaying when stopped', async () => {
    const { win, received, stop } = setup()
    stop()
    win.postMessage({ channel: WINDOW_CHANNEL, kind: 'request', id: 's-1', request: { method: 'ping' } }, win.location.origin)
    await flush()
    expect(received).toEqual([])
  })
})

describe('window transport', () => {
  it('ignores answers with unknown ids or from other windows, and settles on the right one', async () => {
    const win = new FakeWindow()
    const transport = createWindowTransport(win)
    const pending = transport.send({ method: 'ping' })
    await flush()
    const request = win.posted[0]?.message as { id: string }
    const answer = (id: string) => ({ channel: WINDOW_CHANNEL, kind: 'response', id, response: { ok: true, result: id } })
    win.deliver({ data: answer('someone-else'), source: win, origin: win.location.origin })
    win.deliver({ data: answer(request.id), source: {}, origin: win.location.origin })
    let settled = false
    void pending.then(() => (settled = true))
    await flush()
    expect(settled).toBe(false)
    win.deliver({ data: answer(request.id), source: win, origin: win.location.origin })
    await expect(pending).resolves.toEqual({ ok: true, result: request.id })
  })

  it('posts with "*" only when the page origin is opaque', async () => {
    const win = new FakeWindow('null')
    void createWindowTransport(win).send({ method: 'ping' })
    expect(win.posted[0]?.targetOrigin).toBe('*')
  })

  it('a sandboxed page (opaque origin, URL origin intact) is relayed marked opaque, with no events port', async () => {
    const win = new FakeWindow('http://127.0.0.1:4001')
    win.origin = 'null'
    const sent: unknown[] = []
    let ports = 0
    startRelay(win, async (m) => (sent.push(m), { ok: false, error: { code: 4100, message: 'refused' } }), () => {
      ports++
      throw new Error('no port expected')
    })
    const transport = createWindowTransport(win)
    transport.openEvents?.(() => {})
    const answer = await transport.send({ method: 'xmtp_accounts' })
    expect(win.posted[0]?.targetOrigin).toBe('*')
    expect(sent).toEqual([{ tag: 'parley/rpc@1', request: { method: 'xmtp_accounts' }, opaqueOrigin: true }])
    expect(answer).toEqual({ ok: false, error: { code: 4100, message: 'refused' } })
    expect(ports).toBe(0)
  })
})
