// Turns a runtime message into a call on the handler table and an RpcResponse.
// The table is typed from METHODS (src/extension/messages.ts): adding a method there without
// a handler here is a compile error. Pages only ever reach `exposure: 'dapp'` methods, and
// internal errors reach them only as a generic -32603 (no internal text, no key material).
import { ProviderRpcError, providerErrors } from '../extension/dapp-visible.ts'
import {
  isMethodName,
  isRuntimeRpcMessage,
  METHODS,
  validateRpcRequest,
  type MethodName,
  type ParamsOf,
  type ResultOf,
  type RpcResponse,
} from '../extension/messages.ts'

/** Who is calling, decided by the background from the message sender, never by the caller. */
export type Caller = { kind: 'dapp'; origin: string } | { kind: 'extension' }

export type Handler<M extends MethodName> = (
  params: ParamsOf<M>,
  caller: Caller,
) => ResultOf<M> | Promise<ResultOf<M>>

export type HandlerTable = { readonly [M in MethodName]: Handler<M> }

export interface DispatcherOptions {
  /** Told about unexpected (non-ProviderRpcError) failures; the caller only sees -32603. */
  onInternalError?: (method: string, error: unknown) => void
}

/** Dispatches one runtime message; resolves with an RpcResponse and never rejects. */
export type Dispatch = (message: unknown, caller: Caller | null) => Promise<RpcResponse>

export function createDispatcher(handlers: HandlerTable, options: DispatcherOptions = {}): Dispatch {
  return async (message, caller) => {
    let method = '(none)'
    try {
      if (!isRuntimeRpcMessage(message)) throw providerErrors.invalidRequest('Not a Parley RPC message.')
      if (!caller) throw providerErrors.unauthorized()
      const request = validateRpcRequest(message.request)
      method = request.method
      // Extension-only methods look exactly like unknown ones to a page.
      if (!isMethodName(method) || (caller.kind === 'dapp' && METHODS[method].exposure !== 'dapp')) {
        throw providerErrors.unsupportedMethod(method)
      }
      const result = await callHandler(handlers, method, request.params, caller)
      return { ok: true, result }
    } catch (error) {
      if (error instanceof ProviderRpcError) return { ok: false, error: error.toJSON() }
      options.onInternalError?.(method, error)
      return { ok: false, error: providerErrors.internal().toJSON() }
    }
  }
}

function callHandler<M extends MethodName>(
  handlers: HandlerTable,
  method: M,
  rawParams: unknown,
  caller: Caller,
): ResultOf<M> | Promise<ResultOf<M>> {
  const spec = METHODS[method]
  const params = spec.parseParams(rawParams, method) as ParamsOf<M>
  const handler = handlers[method] as Handler<M>
  return handler(params, caller)
}

/** The parts of runtime.MessageSender the classification needs. */
export interface SenderInfo {
  id?: string
  url?: string
  origin?: string
}

/**
 * Decides who sent a runtime message: Parley's own pages (popup, later approval windows) are
 * `extension`; content scripts speak for the web page they run in (`dapp` + its origin).
 * Returns null for anything else (other extensions, senders without a URL).
 */
export function classifySender(sender: SenderInfo, extensionId: string, extensionBaseUrl: string): Caller | null {
  if (sender.id !== extensionId || typeof sender.url !== 'string') return null
  if (sender.url.startsWith(extensionBaseUrl)) return { kind: 'extension' }
  let origin = sender.origin
  if (origin === undefined) {
    try {
      origin = new URL(sender.url).origin
    } catch {
      return null
    }
  }
  if (origin === 'null' || origin.length === 0) return null
  return { kind: 'dapp', origin }
}
