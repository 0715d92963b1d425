// Every message that crosses a boundary between Parley's worlds is declared here, once:
//
//   page (window.xmtp, MAIN world) ──window.postMessage──▶ content script (isolated world)
//   content script / popup ──runtime.sendMessage──▶ background ──response──▶ back the same way
//
// METHODS is the single RPC table (method name → params, result, who may call it). It drives
// the background's handler table (src/background/rpc-router.ts requires a handler per entry)
// and the provider's allow-list (src/inpage/provider.ts only forwards `exposure: 'dapp'`).
// The table is assembled from one file per domain in methods/ (wallet, messaging, sites, and the
// dapp-facing xmtp_* methods); methods that touch keys or conversations are `exposure:
// 'extension'`, so pages can never reach them. Result shapes are in views.ts.
//
// Imported by the page-world script: keep it free of chrome.*, browser.* and DOM.
import { ERROR_MESSAGES, providerErrors } from './dapp-visible.ts'
import { isRpcErrorPayload, type RpcErrorPayload } from './rpc-error.ts'
import { dappMethod, noParams, REPEATABLE, type MethodSpec, type MethodTable } from './method-spec.ts'
import { DAPP_METHODS, isDappPortEvent, type DappPortEvent } from './methods/dapp.ts'
import { MESSAGING_METHODS } from './methods/messaging.ts'
import { SITE_METHODS } from './methods/sites.ts'
import { WALLET_METHODS } from './methods/wallet.ts'

export { dappMethod, extensionMethod, noParams, REPEATABLE, type Exposure, type MethodSpec, type MethodTable } from './method-spec.ts'

// ───────────────────────────── the RPC table ─────────────────────────────

export interface PingResult {
  pong: true
  /** The extension's version (manifest version string). */
  version: string
  /** When this background instance started (ms since epoch); changes when the worker restarts. */
  startedAt: number
}

export const METHODS = {
  /** Liveness check: proves the page → content → background path works. */
  ping: dappMethod<undefined, PingResult>(noParams, REPEATABLE),
  ...WALLET_METHODS,
  ...MESSAGING_METHODS,
  ...SITE_METHODS,
  ...DAPP_METHODS,
} as const satisfies MethodTable

export type ParamsIn<T extends MethodTable, M extends keyof T> = T[M] extends MethodSpec<infer P, unknown> ? P : never
export type ResultIn<T extends MethodTable, M extends keyof T> = T[M] extends MethodSpec<unknown, infer R> ? R : never

export type MethodName = keyof typeof METHODS
export type ParamsOf<M extends MethodName> = ParamsIn<typeof METHODS, M>
export type ResultOf<M extends MethodName> = ResultIn<typeof METHODS, M>
export type DappMethodName = {
  [M in MethodName]: (typeof METHODS)[M] extends MethodSpec<unknown, unknown, 'dapp'> ? M : never
}[MethodName]

/** Own-property lookup, so names like "toString" or "__proto__" are never methods. */
export function isMethodIn<T extends MethodTable>(methods: T, name: string): name is Extract<keyof T, string> {
  return Object.hasOwn(methods, name)
}

export function isMethodName(name: string): name is MethodName {
  return isMethodIn(METHODS, name)
}

/** Whether a web page may call `name` under the given table. */
export function isDappMethodIn(methods: MethodTable, name: string): boolean {
  return isMethodIn(methods, name) && methods[name]?.exposure === 'dapp'
}

// ───────────────────────────── requests and responses ─────────────────────────────

/** What a caller asks for; validated by validateRpcRequest before anything acts on it. */
export interface RpcRequest {
  method: string
  params?: unknown[] | Record<string, unknown>
}

export type RpcResponse<R = unknown> = { ok: true; result: R } | { ok: false; error: RpcErrorPayload }

/**
 * EIP-1193 request shape check, shared by the provider (before sending) and the background
 * (before dispatching; pages can post to the channel without the provider). Throws -32600.
 */
export function validateRpcRequest(value: unknown): RpcRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw providerErrors.invalidRequest(ERROR_MESSAGES.requestNotObject)
  }
  const { method, params } = value as Record<string, unknown>
  if (typeof method !== 'string' || method.length === 0) {
    throw providerErrors.invalidRequest(ERROR_MESSAGES.methodNotString)
  }
  if (params === undefined) return { method }
  if (typeof params !== 'object' || params === null) {
    throw providerErrors.invalidRequest(ERROR_MESSAGES.paramsNotStructured)
  }
  return { method, params: params as unknown[] | Record<string, unknown> }
}

export function parseRpcResponse(value: unknown): RpcResponse | null {
  if (typeof value !== 'object' || value === null) return null
  const v = value as Record<string, unknown>
  if (v.ok === true && 'result' in v) return { ok: true, result: v.result }
  if (v.ok === false && isRpcErrorPayload(v.error)) return { ok: false, error: v.error }
  return null
}

// ───────────────────────────── runtime messaging (content/popup → background) ─────────────────────────────

/** Tags Parley's runtime messages so the background ignores anything else on the bus. */
export const RUNTIME_RPC_TAG = 'parley/rpc@1'

export interface RuntimeRpcMessage {
  tag: typeof RUNTIME_RPC_TAG
  request: unknown
  /**
   * Set by the content script of a page whose own origin is opaque (sandboxed), which Firefox's
   * sender does not tell: the background then refuses it, as Chromium's sender.origin "null" does.
   * It can only make the background stricter, never name an origin.
   */
  opaqueOrigin?: true
}

export function makeRuntimeRpcMessage(request: unknown, options: { opaqueOrigin?: boolean } = {}): RuntimeRpcMessage {
  return options.opaqueOrigin ? { tag: RUNTIME_RPC_TAG, request, opaqueOrigin: true } : { tag: RUNTIME_RPC_TAG, request }
}

export function isRuntimeRpcMessage(value: unknown): value is RuntimeRpcMessage {
  return typeof value === 'object' && value !== null && (value as { tag?: unknown }).tag === RUNTIME_RPC_TAG
}

// ───────────────────────────── window channel (page ⇄ content script) ─────────────────────────────

/** Unique tag on every window message between window.xmtp and the content script. */
export const WINDOW_CHANNEL = 'parley-xmtp-provider:v1:7c1f4e'

/** Longest request id accepted on the window channel. */
const MAX_ID_LENGTH = 128

export interface PageRequestMessage {
  channel: typeof WINDOW_CHANNEL
  kind: 'request'
  id: string
  request: unknown
}

export interface PageResponseMessage {
  channel: typeof WINDOW_CHANNEL
  kind: 'response'
  id: string
  response: RpcResponse
}

function channelMessageOf(value: unknown, kind: 'request' | 'response'): Record<string, unknown> | null {
  if (typeof value !== 'object' || value === null) return null
  const v = value as Record<string, unknown>
  if (v.channel !== WINDOW_CHANNEL || v.kind !== kind) return null
  if (typeof v.id !== 'string' || v.id.length === 0 || v.id.length > MAX_ID_LENGTH) return null
  return v
}

/** For the content script: a request posted by the page, or null for anything else. */
export function parsePageRequest(value: unknown): PageRequestMessage | null {
  const v = channelMessageOf(value, 'request')
  if (!v || !('request' in v)) return null
  return { channel: WINDOW_CHANNEL, kind: 'request', id: v.id as string, request: v.request }
}

/** For the provider: a response posted by the content script, or null for anything else. */
export function parsePageResponse(value: unknown): PageResponseMessage | null {
  const v = channelMessageOf(value, 'response')
  if (!v) return null
  // A well-addressed answer with a broken body still settles its request, as an error.
  const response = parseRpcResponse(v.response) ?? { ok: false, error: providerErrors.invalidResponse().toJSON() }
  return { channel: WINDOW_CHANNEL, kind: 'response', id: v.id as string, response }
}

// ───────────────────────────── window channel: events (content script → page) ─────────────────────────────

/**
 * The page asks the content script to open (want: true) or close the dapp events port; the
 * provider does so when a dapp listens for accountsChanged / message or subscribes.
 */
export interface PageEventsControlMessage {
  channel: typeof WINDOW_CHANNEL
  kind: 'events'
  want: boolean
}

/** An event from the background (DAPP_EVENTS_PORT), passed on to the page. */
export interface PageEventMessage {
  channel: typeof WINDOW_CHANNEL
  kind: 'event'
  event: DappPortEvent
}

export function parsePageEventsControl(value: unknown): PageEventsControlMessage | null {
  if (typeof value !== 'object' || value === null) return null
  const v = value as Record<string, unknown>
  if (v.channel !== WINDOW_CHANNEL || v.kind !== 'events' || typeof v.want !== 'boolean') return null
  return { channel: WINDOW_CHANNEL, kind: 'events', want: v.want }
}

export function parsePageEvent(value: unknown): PageEventMessage | null {
  if (typeof value !== 'object' || value === null) return null
  const v = value as Record<string, unknown>
  if (v.channel !== WINDOW_CHANNEL || v.kind !== 'event' || !isDappPortEvent(v.event)) return null
  return { channel: WINDOW_CHANNEL, kind: 'event', event: v.event }
}
