import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from './dapp-visible.ts'
import { ProviderRpcError } from './rpc-error.ts'
import {
  isMethodName,
  isRuntimeRpcMessage,
  makeRuntimeRpcMessage,
  METHODS,
  parsePageRequest,
  parsePageResponse,
  parseRpcResponse,
  validateRpcRequest,
  WINDOW_CHANNEL,
} from './messages.ts'

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderRpcError)
    return (error as ProviderRpcError).code
  }
  return undefined
}

describe('validateRpcRequest', () => {
  it('accepts { method } and { method, params } with array or object params', () => {
    expect(validateRpcRequest({ method: 'ping' })).toEqual({ method: 'ping' })
    expect(validateRpcRequest({ method: 'ping', params: [1, 'a'] })).toEqual({ method: 'ping', params: [1, 'a'] })
    expect(validateRpcRequest({ method: 'ping', params: { a: 1 } })).toEqual({ method: 'ping', params: { a: 1 } })
  })

  it('drops fields other than method and params', () => {
    expect(validateRpcRequest({ method: 'ping', id: 7, jsonrpc: '2.0' })).toEqual({ method: 'ping' })
  })

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'ping'],
    ['a number', 42],
    ['an array', [{ method: 'ping' }]],
  ])('rejects %s with -32600', (_label, value) => {
    expect(codeOf(() => validateRpcRequest(value))).toBe(ERROR_CODES.invalidRequest)
  })

  it.each([
    ['missing', {}],
    ['empty', { method: '' }],
    ['a number', { method: 1 }],
    ['an object', { method: { name: 'ping' } }],
  ])('rejects a method that is %s with -32600', (_label, value) => {
    expect(codeOf(() => validateRpcRequest(value))).toBe(ERROR_CODES.invalidRequest)
  })

  it.each([
    ['a string', 'x'],
    ['a number', 3],
    ['null', null],
    ['a boolean', true],
  ])('rejects params that are %s with -32600', (_label, params) => {
    expect(codeOf(() => validateRpcRequest({ method: 'ping', params }))).toBe(ERROR_CODES.invalidRequest)
  })
})

describe('method table', () => {
  it('knows ping as a dapp method', () => {
    expect(isMethodName('ping')).toBe(true)
    expect(METHODS.ping.exposure).toBe('dapp')
  })

  it('never treats inherited object properties as methods', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(isMethodName(name)).toBe(false)
    }
  })

  it('ping takes no params: absent, [] and {} pass, anything else is -32602', () => {
    expect(METHODS.ping.parseParams(undefined, 'ping')).toBeUndefined()
    expect(METHODS.ping.parseParams([], 'ping')).toBeUndefined()
    expect(METHODS.ping.parseParams({}, 'ping')).toBeUndefined()
    expect(codeOf(() => METHODS.ping.parseParams([1], 'ping'))).toBe(ERROR_CODES.invalidParams)
    expect(codeOf(() => METHODS.ping.parseParams({ a: 1 }, 'ping'))).toBe(ERROR_CODES.invalidParams)
  })
})

describe('runtime envelope', () => {
  it('round-trips through makeRuntimeRpcMessage / isRuntimeRpcMessage', () => {
    const message = makeRuntimeRpcMessage({ method: 'ping' })
    expect(isRuntimeRpcMessage(message)).toBe(true)
    expect(isRuntimeRpcMessage({ method: 'ping' })).toBe(false)
    expect(isRuntimeRpcMessage({ tag: 'other', request: {} })).toBe(false)
    expect(isRuntimeRpcMessage(null)).toBe(false)
  })
})

describe('parseRpcResponse', () => {
  it('accepts success and error answers', () => {
    expect(parseRpcResponse({ ok: true, result: 1 })).toEqual({ ok: true, result: 1 })
    expect(parseRpcResponse({ ok: false, error: { code: 4200, message: 'x' } })).toEqual({
      ok: false,
      error: { code: 4200, message: 'x' },
    })
  })

  it('rejects anything else', () => {
    for (const value of [undefined, null, {}, { ok: true }, { ok: false }, { ok: false, error: { code: '1', message: 'x' } }, { ok: 'yes', result: 1 }]) {
      expect(parseRpcResponse(value)).toBeNull()
    }
  })
})

describe('window channel messages', () => {
  const request = { channel: WINDOW_CHANNEL, kind: 'request', id: 'a-1', request: { method: 'ping' } }

  it('parses a request on our channel', () => {
    expect(parsePageRequest(request)).toEqual(request)
  })

  it('ignores other channels, kinds, ids and non-objects', () => {
    expect(parsePageRequest({ ...request, channel: 'someone-else' })).toBeNull()
    expect(parsePageRequest({ ...request, kind: 'response' })).toBeNull()
    expect(parsePageRequest({ ...request, id: '' })).toBeNull()
    expect(parsePageRequest({ ...request, id: 5 })).toBeNull()
    expect(parsePageRequest({ ...request, id: 'x'.repeat(129) })).toBeNull()
    expect(parsePageRequest('hello')).toBeNull()
    expect(parsePageRequest(null)).toBeNull()
    const { request: _omitted, ...withoutRequest } = request
    expect(parsePageRequest(withoutRequest)).toBeNull()
  })

  it('parses a response, and turns a broken response body into an error answer', () => {
    const ok = { channel: WINDOW_CHANNEL, kind: 'response', id: 'a-1', response: { ok: true, result: 2 } }
    expect(parsePageResponse(ok)?.response).toEqual({ ok: true, result: 2 })
    const broken = parsePageResponse({ ...ok, response: 'garbage' })
    expect(broken?.id).toBe('a-1')
    expect(broken?.response).toMatchObject({ ok: false, error: { code: ERROR_CODES.internal } })
    expect(parsePageResponse({ ...ok, kind: 'request' })).toBeNull()
  })
})
