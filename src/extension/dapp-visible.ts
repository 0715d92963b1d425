// Every string and error code a dapp can observe from Parley lives here, so the public surface
// can be reviewed (and kept stable) in one place. Error codes follow EIP-1193 (provider errors)
// and JSON-RPC 2.0 (-326xx); messages are ours. No message ever carries key material or
// internal error text: internal failures surface as a generic -32603.
//
// This module is imported by the page-world script: keep it free of chrome.*, browser.* and DOM.

/** Name of the global the provider is installed under: `window.xmtp`. */
export const PROVIDER_GLOBAL = 'xmtp'
/** Dispatched on `window` once `window.xmtp` is installed. */
export const PROVIDER_INITIALIZED_EVENT = 'xmtp#initialized'
export const PROVIDER_NAME = 'Parley'

/** Events a dapp can subscribe to with `window.xmtp.on(event, listener)`. */
export const PROVIDER_EVENTS = {
  /** The provider reached the extension (first successful answer, or again after a disconnect). */
  connect: 'connect',
  /** The extension became unreachable (e.g. it was updated or disabled); payload is a 4900 error. */
  disconnect: 'disconnect',
} as const
export type ProviderEventName = (typeof PROVIDER_EVENTS)[keyof typeof PROVIDER_EVENTS]

export const ERROR_CODES = {
  userRejectedRequest: 4001,
  unauthorized: 4100,
  unsupportedMethod: 4200,
  disconnected: 4900,
  invalidRequest: -32600,
  invalidParams: -32602,
  internal: -32603,
} as const
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES]

const KNOWN_CODES: ReadonlySet<number> = new Set(Object.values(ERROR_CODES))

/** Longest method name echoed back in an error message. */
const MAX_ECHOED_METHOD = 64

function echoMethod(method: string): string {
  return method.length > MAX_ECHOED_METHOD ? `${method.slice(0, MAX_ECHOED_METHOD)}…` : method
}

export const ERROR_MESSAGES = {
  userRejectedRequest: 'The user rejected the request.',
  unauthorized: 'This caller is not allowed to use Parley.',
  unsupportedMethod: (method: string) => `Parley does not support the method "${echoMethod(method)}".`,
  disconnected: 'Parley is not reachable. If the extension was just updated, reload the page.',
  requestNotObject: 'request() expects one argument: an object { method, params }.',
  methodNotString: 'request() needs "method" to be a non-empty string.',
  paramsNotStructured: 'request() needs "params", when present, to be an array or an object.',
  invalidParams: (method: string, why: string) => `Invalid params for "${echoMethod(method)}": ${why}`,
  internal: 'Parley hit an internal error while handling the request.',
  invalidResponse: 'Parley received a malformed answer from the extension.',
  listenerNotFunction: 'The listener must be a function.',
  eventNotString: 'The event name must be a non-empty string.',
} as const

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

export const providerErrors = {
  userRejectedRequest: () => new ProviderRpcError(ERROR_CODES.userRejectedRequest, ERROR_MESSAGES.userRejectedRequest),
  unauthorized: () => new ProviderRpcError(ERROR_CODES.unauthorized, ERROR_MESSAGES.unauthorized),
  unsupportedMethod: (method: string) =>
    new ProviderRpcError(ERROR_CODES.unsupportedMethod, ERROR_MESSAGES.unsupportedMethod(method)),
  disconnected: () => new ProviderRpcError(ERROR_CODES.disconnected, ERROR_MESSAGES.disconnected),
  invalidRequest: (message: string) => new ProviderRpcError(ERROR_CODES.invalidRequest, message),
  invalidParams: (method: string, why: string) =>
    new ProviderRpcError(ERROR_CODES.invalidParams, ERROR_MESSAGES.invalidParams(method, why)),
  internal: () => new ProviderRpcError(ERROR_CODES.internal, ERROR_MESSAGES.internal),
  invalidResponse: () => new ProviderRpcError(ERROR_CODES.internal, ERROR_MESSAGES.invalidResponse),
}

/** Shape check for an error payload that arrived over a message channel. */
export function isRpcErrorPayload(value: unknown): value is RpcErrorPayload {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.code === 'number' && Number.isInteger(v.code) && typeof v.message === 'string'
}

/**
 * Rebuilds a ProviderRpcError from a payload received from the extension. Codes we never send
 * are folded into -32603 so a confused or hostile relay cannot invent new error semantics.
 */
export function errorFromPayload(payload: RpcErrorPayload): ProviderRpcError {
  if (!KNOWN_CODES.has(payload.code)) return providerErrors.internal()
  return new ProviderRpcError(payload.code, payload.message, payload.data)
}
