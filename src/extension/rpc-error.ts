// The error every RPC answer carries when it fails, in every world (page, content script, popup,
// background): EIP-1193's ProviderRpcError with a numeric code, and its wire form. The codes and
// the sentences a dapp can see are in dapp-visible.ts.
//
// Imported by the page-world script: keep it free of chrome.*, browser.* and DOM.

/** The wire form of an error: what crosses postMessage / runtime messaging. */
export interface RpcErrorPayload {
  code: number
  message: string
  data?: unknown
}

/** The error every rejected `window.xmtp.request()` promise carries (EIP-1193 ProviderRpcError). */
export class ProviderRpcError extends Error {
  readonly code: number
  readonly data?: unknown

  constructor(code: number, message: string, data?: unknown) {
    super(message)
    this.name = 'ProviderRpcError'
    this.code = code
    if (data !== undefined) this.data = data
  }

  toJSON(): RpcErrorPayload {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data }
  }
}

/** Shape check for an error payload that arrived over a message channel. */
export function isRpcErrorPayload(value: unknown): value is RpcErrorPayload {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.code === 'number' && Number.isInteger(v.code) && typeof v.message === 'string'
}
