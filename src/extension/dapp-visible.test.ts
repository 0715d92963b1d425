import { describe, expect, it } from 'vitest'
import { ERROR_CODES, ERROR_MESSAGES, errorFromPayload, providerErrors } from './dapp-visible.ts'
import { isRpcErrorPayload, ProviderRpcError } from './rpc-error.ts'

describe('ProviderRpcError', () => {
  it('is an Error with an EIP-1193 code and serialises to a plain payload', () => {
    const error = providerErrors.unsupportedMethod('eth_sign')
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('ProviderRpcError')
    expect(error.code).toBe(4200)
    expect(error.toJSON()).toEqual({ code: 4200, message: 'Parley does not support the method "eth_sign".' })
    expect(new ProviderRpcError(-32602, 'bad', { field: 'x' }).toJSON()).toEqual({ code: -32602, message: 'bad', data: { field: 'x' } })
  })

  it('uses the standard codes', () => {
    expect(ERROR_CODES).toMatchObject({
      userRejectedRequest: 4001,
      unauthorized: 4100,
      unsupportedMethod: 4200,
      disconnected: 4900,
      invalidRequest: -32600,
      invalidParams: -32602,
      internal: -32603,
    })
  })

  it('truncates absurdly long method names it echoes', () => {
    const message = ERROR_MESSAGES.unsupportedMethod('m'.repeat(10_000))
    expect(message.length).toBeLessThan(120)
  })
})

describe('errorFromPayload', () => {
  it('rebuilds known errors faithfully', () => {
    const error = errorFromPayload({ code: 4900, message: 'gone', data: 1 })
    expect(error).toBeInstanceOf(ProviderRpcError)
    expect([error.code, error.message, error.data]).toEqual([4900, 'gone', 1])
  })

  it('folds unknown codes into a generic internal error', () => {
    const error = errorFromPayload({ code: 1234, message: 'made up by a relay' })
    expect(error.code).toBe(-32603)
    expect(error.message).toBe(ERROR_MESSAGES.internal)
  })

  it('checks payload shape', () => {
    expect(isRpcErrorPayload({ code: 1, message: 'x' })).toBe(true)
    expect(isRpcErrorPayload({ code: 1.5, message: 'x' })).toBe(false)
    expect(isRpcErrorPayload({ code: 1 })).toBe(false)
    expect(isRpcErrorPayload('x')).toBe(false)
  })
})

describe('the dapp surface added for window.xmtp', () => {
  it('keeps -32005 for rate limits as a known code, so a relay cannot fold it away', () => {
    expect(ERROR_CODES.limitExceeded).toBe(-32005)
    expect(errorFromPayload(providerErrors.rateLimited().toJSON()).code).toBe(-32005)
  })

  it('maps permission failures to 4100 and locked to 4900', () => {
    expect(providerErrors.notConnected().code).toBe(4100)
    expect(providerErrors.missingScope('send').message).toContain('"send"')
    expect(providerErrors.outsideNamespace('xmtp_newConversation', 'app.example').code).toBe(-32602)
    expect(providerErrors.outsideNamespace('xmtp_newConversation', 'app.example').message).toContain('"app.example/"')
    expect(providerErrors.locked().code).toBe(4900)
    expect(providerErrors.peerNotOnXmtp().code).toBe(-32602)
  })
})
