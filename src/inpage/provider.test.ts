import { describe, expect, it } from 'vitest'
import { providerErrors } from '../extension/dapp-visible.ts'
import { ProviderRpcError } from '../extension/rpc-error.ts'
import { dappMethod, extensionMethod, noParams, type RpcRequest, type RpcResponse } from '../extension/messages.ts'
import { createProvider, type ProviderTransport } from './provider.ts'

/** A transport that records what it was asked and answers from a script. */
function scriptedTransport(answer: (request: RpcRequest) => RpcResponse) {
  const sent: RpcRequest[] = []
  const transport: ProviderTransport = {
    send: async (request) => {
      sent.push(request)
      return answer(request)
    },
  }
  return { transport, sent }
}

const pong = { pong: true as const, version: '0.1.0', startedAt: 1 }

async function rejection(promise: Promise<unknown>): Promise<ProviderRpcError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ProviderRpcError)
  return error as ProviderRpcError
}

describe('window.xmtp request()', () => {
  it('forwards an allowed method and resolves with the result', async () => {
    const { transport, sent } = scriptedTransport(() => ({ ok: true, result: pong }))
    const provider = createProvider(transport)
    await expect(provider.request({ method: 'ping' })).resolves.toEqual(pong)
    expect(sent).toEqual([{ method: 'ping' }])
  })

  it('rejects unknown methods with 4200 without contacting the extension', async () => {
    const { transport, sent } = scriptedTransport(() => ({ ok: true, result: null }))
    const provider = createProvider(transport)
    const error = await rejection(provider.request({ method: 'eth_requestAccounts' } as never))
    expect(error.code).toBe(4200)
    expect(error.message).toContain('eth_requestAccounts')
    expect((await rejection(provider.request({ method: 'toString' } as never))).code).toBe(4200)
    expect(sent).toEqual([])
  })

  it('rejects methods the table reserves for the extension with 4200', async () => {
    const methods = {
      ping: dappMethod<undefined, unknown>(noParams),
      exportKeys: extensionMethod<undefined, string>(noParams),
    }
    const { transport, sent } = scriptedTransport(() => ({ ok: true, result: 'secret' }))
    const provider = createProvider(transport, { methods })
    expect((await rejection(provider.request({ method: 'exportKeys' } as never))).code).toBe(4200)
    expect(sent).toEqual([])
  })

  it.each([
    ['no argument', undefined],
    ['a string', 'ping'],
    ['null', null],
    ['an array', [{ method: 'ping' }]],
    ['an empty method', { method: '' }],
    ['a non-string method', { method: 42 }],
    ['string params', { method: 'ping', params: 'x' }],
    ['null params', { method: 'ping', params: null }],
  ])('rejects a malformed request (%s) with -32600, as a promise', async (_label, args) => {
    const { transport, sent } = scriptedTransport(() => ({ ok: true, result: null }))
    const provider = createProvider(transport)
    let result!: Promise<unknown>
    expect(() => {
      result = provider.request(args as never)
    }).not.toThrow()
    expect((await rejection(result)).code).toBe(-32600)
    expect(sent).toEqual([])
  })

  it('turns an error answer into a ProviderRpcError with the same code and message', async () => {
    const { transport } = scriptedTransport(() => ({ ok: false, error: providerErrors.invalidParams('ping', 'nope').toJSON() }))
    const error = await rejection(createProvider(transport).request({ method: 'ping', params: [1] }))
    expect(error.code).toBe(-32602)
    expect(error.message).toContain('nope')
  })

  it('works when request is called detached from the provider', async () => {
    const { transport } = scriptedTransport(() => ({ ok: true, result: pong }))
    const { request } = createProvider(transport)
    await expect(request({ method: 'ping' })).resolves.toEqual(pong)
  })

  it('is frozen, so a page cannot replace request()', () => {
    const provider = createProvider(scriptedTransport(() => ({ ok: true, result: null })).transport)
    expect(Object.isFrozen(provider)).toBe(true)
    expect(provider.isParley).toBe(true)
  })
})

describe('window.xmtp events', () => {
  it('emits connect on the first answer only, not on every answer', async () => {
    const { transport } = scriptedTransport(() => ({ ok: true, result: pong }))
    const provider = createProvider(transport)
    const connects: unknown[] = []
    provider.on('connect', (info) => connects.push(info))
    expect(provider.isConnected()).toBe(false)
    await provider.request({ method: 'ping' })
    await provider.request({ method: 'ping' })
    expect(connects).toEqual([{ name: 'Parley' }])
    expect(provider.isConnected()).toBe(true)
  })

  it('emits disconnect once when the extension becomes unreachable, and connect again when it is back', async () => {
    let reachable = true
    const { transport } = scriptedTransport(() =>
      reachable ? { ok: true, result: pong } : { ok: false, error: providerErrors.disconnected().toJSON() },
    )
    const provider = createProvider(transport)
    const seen: string[] = []
    provider.on('connect', () => seen.push('connect'))
    provider.on('disconnect', (error) => seen.push(`disconnect ${(error as ProviderRpcError).code}`))

    await provider.request({ method: 'ping' })
    reachable = false
    expect((await rejection(provider.request({ method: 'ping' }))).code).toBe(4900)
    expect((await rejection(provider.request({ method: 'ping' }))).code).toBe(4900)
    expect(provider.isConnected()).toBe(false)
    reachable = true
    await provider.request({ method: 'ping' })
    expect(seen).toEqual(['connect', 'disconnect 4900', 'connect'])
  })

  it('does not emit disconnect when it was never connected', async () => {
    const { transport } = scriptedTransport(() => ({ ok: false, error: providerErrors.disconnected().toJSON() }))
    const provider = createProvider(transport)
    let fired = false
    provider.on('disconnect', () => (fired = true))
    await rejection(provider.request({ method: 'ping' }))
    expect(fired).toBe(false)
  })

  it('treats an error answer other than 4900 as proof of connection', async () => {
    const { transport } = scriptedTransport(() => ({ ok: false, error: providerErrors.unsupportedMethod('ping').toJSON() }))
    const provider = createProvider(transport)
    let connected = 0
    provider.on('connect', () => connected++)
    await rejection(provider.request({ method: 'ping' }))
    expect(connected).toBe(1)
  })

  it('stops calling a removed listener, and on/removeListener chain', async () => {
    const { transport } = scriptedTransport(() => ({ ok: true, result: pong }))
    const provider = createProvider(transport)
    let hits = 0
    const listener = () => hits++
    expect(provider.on('connect', listener).removeListener('connect', listener)).toBe(provider)
    await provider.request({ method: 'ping' })
    expect(hits).toBe(0)
  })

  it('keeps working when a dapp listener throws', async () => {
    const reported: unknown[] = []
    const { transport } = scriptedTransport(() => ({ ok: true, result: pong }))
    const provider = createProvider(transport, { reportListenerError: (e) => reported.push(e) })
    provider.on('connect', () => {
      throw new Error('dapp bug')
    })
    await expect(provider.request({ method: 'ping' })).resolves.toEqual(pong)
    expect(reported).toHaveLength(1)
  })
})
