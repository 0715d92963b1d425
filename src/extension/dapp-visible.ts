// Every string and error code a dapp can observe from Parley lives here, so the public surface
// can be reviewed (and kept stable) in one place. Error codes follow EIP-1193 (provider errors)
// and JSON-RPC 2.0 (-326xx); messages are ours. No message ever carries key material or
// internal error text: internal failures surface as a generic -32603.
//
// This module is imported by the page-world script: keep it free of chrome.*, browser.* and DOM.
// The error class itself (ProviderRpcError) is in rpc-error.ts.
import { ProviderRpcError, type RpcErrorPayload } from './rpc-error.ts'

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
  /** The accounts this site may see changed (connect, account switch, lock, unlock, revoke); payload string[]. */
  accountsChanged: 'accountsChanged',
  /** A message arrived on a subscription (xmtp_subscribe); payload DappMessageEvent. */
  message: 'message',
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
  /** Too many requests from one site (EIP-1474 "limit exceeded"). */
  limitExceeded: -32005,
} as const
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES]

/**
 * Discovery in the manner of EIP-6963, under Parley's own event names (Parley is not an
 * Ethereum provider and never answers eth_* discovery): the provider dispatches
 * ANNOUNCE on window at start and again for every REQUEST a dapp dispatches.
 */
export const DISCOVERY_EVENTS = {
  announce: 'xmtp:announceProvider',
  request: 'xmtp:requestProvider',
} as const

/** Reverse-DNS id of the provider (EIP-6963 `rdns`). */
export const PROVIDER_RDNS = 'org.parley-messenger'

/** Parley's mark as an SVG data URI (EIP-6963 wants a data URI, at least 96×96 when raster). */
export const PROVIDER_ICON =
  'data:image/svg+xml;base64,' +
  'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCA5NiA5NiI+PHJlY3Qgd2lkdGg9Ijk2IiBoZWlnaHQ9Ijk2IiByeD0iMjAiIGZpbGw9IiM0ZjQ2ZTUiLz48cGF0aCBkPSJNMjQgMzBoNDhhNiA2IDAgMCAxIDYgNnYyNGE2IDYgMCAwIDEtNiA2SDQ0TDMwIDc2VjY2aC02YTYgNiAwIDAgMS02LTZWMzZhNiA2IDAgMCAxIDYtNnoiIGZpbGw9IiNmZmYiLz48L3N2Zz4='

/** What a discovery announcement carries next to the provider (frozen by the provider). */
export interface ProviderInfo {
  /** Random per page load (UUIDv4), as EIP-6963 asks. */
  uuid: string
  name: string
  icon: string
  rdns: string
}

/** Names of the permission scopes a site can hold, as EIP-2255 parentCapability strings. */
export const SCOPE_DESCRIPTIONS = {
  read: 'See this site’s conversations (those whose conversationId starts with its host name)',
  readAll: 'See all your conversations',
  send: 'Send messages, asking you each time',
  sendWithoutConfirm: 'Send messages without asking each time',
  stream: 'Receive new messages while the site is open',
} as const

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
  notConnected: 'This site is not connected to Parley. Call xmtp_requestAccounts first.',
  missingScope: (scope: string) => `This site does not have the "${scope}" permission. Ask for it with xmtp_requestPermissions.`,
  conversationNotAllowed: 'This site may not use that conversation.',
  outsideNamespace: (method: string, namespace: string) =>
    `Invalid params for "${echoMethod(method)}": a site's conversationId must be "${namespace}" or start with "${namespace}/" (its host); other ids need the readAll permission.`,
  locked: 'Parley is locked. Unlock it from the toolbar and try again.',
  notReady: 'Parley is still preparing this account. Try again in a moment.',
  rateLimited: 'Too many requests from this site. Wait a moment and try again.',
  tooManyApprovals: 'This site already has requests waiting for the user. Wait for an answer first.',
  siteEmbargoed: 'The user declined this site’s last requests; Parley shows it no new request for a while.',
  siteBlocked: 'The user blocked this site in Parley.',
  peerNotOnXmtp: 'That address has not used XMTP yet, so it cannot receive messages.',
  unknownSubscription: 'There is no such subscription.',
  tooManySubscriptions: 'This page has too many subscriptions open; unsubscribe from some first.',
  noEventChannel: 'This page has no event channel to Parley; listen for "message" before subscribing.',
  subscriptionEnded: 'The subscription ended because the site lost the permission.',
} as const

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
  notConnected: () => new ProviderRpcError(ERROR_CODES.unauthorized, ERROR_MESSAGES.notConnected),
  missingScope: (scope: string) => new ProviderRpcError(ERROR_CODES.unauthorized, ERROR_MESSAGES.missingScope(scope)),
  conversationNotAllowed: () => new ProviderRpcError(ERROR_CODES.unauthorized, ERROR_MESSAGES.conversationNotAllowed),
  outsideNamespace: (method: string, namespace: string) => new ProviderRpcError(ERROR_CODES.invalidParams, ERROR_MESSAGES.outsideNamespace(method, namespace)),
  locked: () => new ProviderRpcError(ERROR_CODES.disconnected, ERROR_MESSAGES.locked),
  notReady: () => new ProviderRpcError(ERROR_CODES.disconnected, ERROR_MESSAGES.notReady),
  rateLimited: () => new ProviderRpcError(ERROR_CODES.limitExceeded, ERROR_MESSAGES.rateLimited),
  tooManyApprovals: () => new ProviderRpcError(ERROR_CODES.limitExceeded, ERROR_MESSAGES.tooManyApprovals),
  siteEmbargoed: () => new ProviderRpcError(ERROR_CODES.userRejectedRequest, ERROR_MESSAGES.siteEmbargoed),
  siteBlocked: () => new ProviderRpcError(ERROR_CODES.userRejectedRequest, ERROR_MESSAGES.siteBlocked),
  peerNotOnXmtp: () => new ProviderRpcError(ERROR_CODES.invalidParams, ERROR_MESSAGES.peerNotOnXmtp),
  tooManySubscriptions: () => new ProviderRpcError(ERROR_CODES.limitExceeded, ERROR_MESSAGES.tooManySubscriptions),
  unknownSubscription: () => new ProviderRpcError(ERROR_CODES.invalidParams, ERROR_MESSAGES.unknownSubscription),
  noEventChannel: () => new ProviderRpcError(ERROR_CODES.invalidRequest, ERROR_MESSAGES.noEventChannel),
}

/**
 * Rebuilds a ProviderRpcError from a payload received from the extension. Codes we never send
 * are folded into -32603 so a confused or hostile relay cannot invent new error semantics.
 */
export function errorFromPayload(payload: RpcErrorPayload): ProviderRpcError {
  if (!KNOWN_CODES.has(payload.code)) return providerErrors.internal()
  return new ProviderRpcError(payload.code, payload.message, payload.data)
}
