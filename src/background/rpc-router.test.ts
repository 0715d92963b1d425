import { describe, expect, it } from 'vitest'
import { ProviderRpcError } from '../extension/rpc-error.ts'
import { dappMethod, extensionMethod, makeRuntimeRpcMessage, noParams } from '../extension/messages.ts'
import { classifySender, createRpcRouter, type Caller } from './rpc-router.ts'
import { PING_METHODS, pingHandler } from './handlers.ts'

const dapp: Caller = { kind: 'dapp', origin: 'https://dapp.example' }
const extension: Caller = { kind: 'extension' }
const rpc = (request: unknown) => makeRuntimeRpcMessage(request)

describe('background dispatch with the real table', () => {
  const dispatch = createRpcRouter(PING_METHODS, pingHandler({ version: '9.9.9', startedAt: 1234 }))

  it('answers ping for pages and for extension pages', async () => {
    const expected = { ok: true, result: { pong: true, version: '9.9.9', startedAt: 1234 } }
    expect(await dispatch(rpc({ method: 'ping' }), dapp)).toEqual(expected)
    expect(await dispatch(rpc({ method: 'ping', params: [] }), extension)).toEqual(expected)
  })

  it('answers unknown methods, including inherited property names, with 4200', async () => {
    for (const method of ['eth_sign', 'toString', '__proto__', 'constructor']) {
      const response = await dispatch(rpc({ method }), dapp)
      expect(response).toMatchObject({ ok: false, error: { code: 4200 } })
    }
  })

  it('answers malformed requests with -32600 (pages can post without the provider)', async () => {
    for (const request of [undefined, null, 'ping', [], { method: '' }, { method: 1 }, { method: 'ping', params: 'x' }]) {
      expect(await dispatch(rpc(request), dapp)).toMatchObject({ ok: false, error: { code: -32600 } })
    }
  })

  it('answers bad params with -32602', async () => {
    expect(await dispatch(rpc({ method: 'ping', params: [1] }), dapp)).toMatchObject({ ok: false, error: { code: -32602 } })
  })

  it('refuses unknown senders with 4100 and non-Parley messages with -32600', async () => {
    expect(await dispatch(rpc({ method: 'ping' }), null)).toMatchObject({ ok: false, error: { code: 4100 } })
    expect(await dispatch({ method: 'ping' }, dapp)).toMatchObject({ ok: false, error: { code: -32600 } })
  })
})

describe('background dispatch with a custom table', () => {
  const methods = {
    echo: dappMethod<{ text: string }, string>((raw) => {
      const text = (raw as { text?: unknown } | undefined)?.text
      if (typeof text !== 'string') throw new ProviderRpcError(-32602, 'text must be a string')
      return { text }
    }),
    whoami: dappMethod<undefined, Caller>(noParams),
    secret: extensionMethod<undefined, string>(noParams),
    explode: dappMethod<undefined, never>(noParams),
    reject: dappMethod<undefined, never>(noParams),
  }
  const internal: Array<[string, unknown]> = []
  const dispatch = createRpcRouter(
    methods,
    {
      echo: async ({ text }) => text.toUpperCase(),
      whoami: (_params, caller) => caller,
      secret: () => 'key material',
      explode: () => {
        throw new Error('private key 0xabc leaked into a message')
      },
      reject: () => {
        throw new ProviderRpcError(4001, 'The user rejected the request.')
      },
    },
    { onInternalError: (method, error) => internal.push([method, error]) },
  )

  it('routes by name, passing parsed params and the caller', async () => {
    expect(await dispatch(rpc({ method: 'echo', params: { text: 'hi' } }), dapp)).toEqual({ ok: true, result: 'HI' })
    expect(await dispatch(rpc({ method: 'whoami' }), dapp)).toEqual({ ok: true, result: dapp })
    expect(await dispatch(rpc({ method: 'echo', params: { text: 3 } }), dapp)).toMatchObject({ ok: false, error: { code: -32602 } })
  })

  it('hides extension-only methods from pages as 4200 but serves extension pages', async () => {
    const fromPage = await dispatch(rpc({ method: 'secret' }), dapp)
    expect(fromPage).toMatchObject({ ok: false, error: { code: 4200 } })
    expect(JSON.stringify(fromPage)).not.toContain('key material')
    expect(await dispatch(rpc({ method: 'secret' }), extension)).toEqual({ ok: true, result: 'key material' })
  })

  it('reports internal failures as a generic -32603 without their text', async () => {
    const response = await dispatch(rpc({ method: 'explode' }), dapp)
    expect(response).toMatchObject({ ok: false, error: { code: -32603 } })
    expect(JSON.stringify(response)).not.toContain('0xabc')
    expect(internal.map(([method]) => method)).toEqual(['explode'])
  })

  it('passes ProviderRpcErrors thrown by handlers through unchanged', async () => {
    expect(await dispatch(rpc({ method: 'reject' }), dapp)).toEqual({
      ok: false,
      error: { code: 4001, message: 'The user rejected the request.' },
    })
  })
})

describe('classifySender', () => {
  const id = 'abcdefghijklmnop'
  const base = `chrome-extension://${id}/`

  it('treats our own pages as the extension', () => {
    expect(classifySender({ id, url: `${base}src/popup/index.html` }, id, base)).toEqual({ kind: 'extension' })
  })

  it('treats content scripts as the page they run in, preferring sender.origin', () => {
    expect(classifySender({ id, url: 'http://127.0.0.1:8080/a?b', origin: 'http://127.0.0.1:8080' }, id, base)).toEqual({
      kind: 'dapp',
      origin: 'http://127.0.0.1:8080',
    })
    expect(classifySender({ id, url: 'https://dapp.example/x' }, id, base)).toEqual({ kind: 'dapp', origin: 'https://dapp.example' })
  })

  it('refuses other extensions, missing URLs and opaque origins', () => {
    expect(classifySender({ id: 'other', url: 'https://dapp.example/' }, id, base)).toBeNull()
    expect(classifySender({ id }, id, base)).toBeNull()
    expect(classifySender({ id, url: 'not a url' }, id, base)).toBeNull()
    expect(classifySender({ id, url: 'https://x.example/', origin: 'null' }, id, base)).toBeNull()
    // Firefox: no sender.origin, the URL's origin looks real; the content script said it is opaque.
    expect(classifySender({ id, url: 'https://x.example/', opaqueOrigin: true, tabId: 1, frameId: 0 }, id, base)).toBeNull()
  })
})
