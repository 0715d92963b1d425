// Turns a runtime message into a call on the handler table and an RpcResponse: the background's RPC routing.
// The table is typed from a method table (METHODS in src/extension/messages.ts in the
// extension): a method without a handler is a compile error. Pages only ever reach
// `exposure: 'dapp'` methods. Every failure is translated in one place (rpc-errors.ts);
// internal errors reach callers only as a generic -32603 (no internal text, no key material).
import { providerErrors } from '../extension/dapp-visible.ts'
import { toRpcError } from './rpc-errors.ts'
import {
  isMethodIn,
  isRuntimeRpcMessage,
  METHODS,
  validateRpcRequest,
  type MethodTable,
  type ParamsIn,
  type ResultIn,
  type RpcResponse,
} from '../extension/messages.ts'

/**
 * Who is calling, decided by the background from the message sender, never by the caller.
 * `frame` (tab and frame id, from the sender too) ties a dapp call to that page's events port.
 */
export type Caller = { kind: 'dapp'; origin: string; frame?: FrameRef } | { kind: 'extension' }

/** The tab and frame a content script runs in, as the browser reported them. */
export interface FrameRef {
  tabId: number
  frameId: number
}

/** A stable key for one page frame: `<tabId>:<frameId>`. */
export function frameKeyOf(frame: FrameRef | undefined): string | undefined {
  return frame === undefined ? undefined : `${frame.tabId}:${frame.frameId}`
}

export type HandlerFor<T extends MethodTable, M extends keyof T> = (
  params: ParamsIn<T, M>,
  caller: Caller,
) => ResultIn<T, M> | Promise<ResultIn<T, M>>

/** One handler per method of the table: name → handler. */
export type HandlerTableFor<T extends MethodTable> = { readonly [M in keyof T]: HandlerFor<T, M> }
export type HandlerTable = HandlerTableFor<typeof METHODS>

export interface RpcRouterOptions {
  /** Told about internal failures (those rpc-errors.ts does not translate); the caller only sees -32603. */
  onInternalError?: (method: string, error: unknown) => void
}

/** Dispatches one runtime message; resolves with an RpcResponse and never rejects. */
export type Dispatch = (message: unknown, caller: Caller | null) => Promise<RpcResponse>

export function createRpcRouter<T extends MethodTable>(
  methods: T,
  handlers: HandlerTableFor<T>,
  options: RpcRouterOptions = {},
): Dispatch {
  return async (message, caller) => {
    let method = '(none)'
    let audience: 'extension' | 'dapp' = 'dapp'
    try {
      if (!isRuntimeRpcMessage(message)) throw providerErrors.invalidRequest('Not a Parley RPC message.')
      if (!caller) throw providerErrors.unauthorized()
      const request = validateRpcRequest(message.request)
      method = request.method
      // Extension-only methods look exactly like unknown ones to a page.
      if (!isMethodIn(methods, method) || (caller.kind === 'dapp' && methods[method]?.exposure !== 'dapp')) {
        throw providerErrors.unsupportedMethod(method)
      }
      const spec = methods[method]!
      // Domain errors are said in words to Parley's own pages only (extension-only methods).
      if (spec.exposure === 'extension') audience = 'extension'
      const params = spec.parseParams(request.params, method) as ParamsIn<T, typeof method>
      const handler = handlers[method] as HandlerFor<T, typeof method>
      return { ok: true, result: await handler(params, caller) }
    } catch (error) {
      const visible = toRpcError(error, method, audience)
      if (visible) return { ok: false, error: visible.toJSON() }
      options.onInternalError?.(method, error)
      return { ok: false, error: providerErrors.internal().toJSON() }
    }
  }
}

/** The parts of runtime.MessageSender the classification needs. */
export interface SenderInfo {
  id?: string
  url?: string
  origin?: string
  /** sender.tab?.id and sender.frameId (content scripts only). */
  tabId?: number
  frameId?: number
  /** The content script reported that its page's own origin is opaque (RuntimeRpcMessage.opaqueOrigin). */
  opaqueOrigin?: boolean
}

/**
 * Decides who sent a runtime message: Parley's own pages (popup, later approval windows) are
 * `extension`; content scripts speak for the web page they run in (`dapp` + its origin).
 * Returns null for anything else (other extensions, senders without a usable URL).
 */
export function classifySender(sender: SenderInfo, extensionId: string, extensionBaseUrl: string): Caller | null {
  if (sender.id !== extensionId || typeof sender.url !== 'string') return null
  if (sender.url.startsWith(extensionBaseUrl)) return { kind: 'extension' }
  // Firefox gives no sender.origin, and a sandboxed page's URL names a real origin: the content
  // script's word that the page is opaque refuses it, as Chromium's "null" does.
  if (sender.opaqueOrigin === true) return null
  let origin = sender.origin
  if (origin === undefined) {
    try {
      origin = new URL(sender.url).origin
    } catch {
      return null
    }
  }
  if (origin === 'null' || origin.length === 0) return null
  if (typeof sender.tabId === 'number' && typeof sender.frameId === 'number') {
    return { kind: 'dapp', origin, frame: { tabId: sender.tabId, frameId: sender.frameId } }
  }
  return { kind: 'dapp', origin }
}
