// The page-visible provider, window.xmtp: validates each request, forwards allowed methods
// through an injected transport, turns answers into results or ProviderRpcErrors, and emits
// `connect` / `disconnect` only when reachability actually changes.
//
// Runs in the page's MAIN world: no chrome.*, no webextension-polyfill, nothing secret.
import {
  errorFromPayload,
  ERROR_CODES,
  PROVIDER_EVENTS,
  PROVIDER_NAME,
  providerErrors,
} from '../extension/dapp-visible.ts'
import {
  isDappMethodIn,
  METHODS,
  validateRpcRequest,
  type MethodTable,
  type DappMethodName,
  type ParamsOf,
  type ResultOf,
  type RpcRequest,
  type RpcResponse,
} from '../extension/messages.ts'
import { EventEmitter, type Listener } from './emitter.ts'

/** Carries one validated request to the extension; resolves with its answer, never rejects. */
export interface ProviderTransport {
  send(request: RpcRequest): Promise<RpcResponse>
}

export interface RequestArguments<M extends DappMethodName = DappMethodName> {
  method: M
  params?: ParamsOf<M> extends undefined ? unknown[] | Record<string, unknown> : ParamsOf<M>
}

export interface XmtpProvider {
  readonly isParley: true
  request<M extends DappMethodName>(args: RequestArguments<M>): Promise<ResultOf<M>>
  on(event: string, listener: Listener): XmtpProvider
  removeListener(event: string, listener: Listener): XmtpProvider
  /** True once the extension has answered, until it becomes unreachable. */
  isConnected(): boolean
}

export interface ProviderOptions {
  /** Where errors thrown by dapp listeners go (default: rethrown asynchronously). */
  reportListenerError?: (error: unknown) => void
  /** The allow-list source (default: METHODS); only `exposure: 'dapp'` entries are forwarded. */
  methods?: MethodTable
}

export function createProvider(transport: ProviderTransport, options: ProviderOptions = {}): XmtpProvider {
  const events = new EventEmitter(options.reportListenerError)
  const methods = options.methods ?? METHODS
  let connected = false

  function setReachable(reachable: boolean, cause?: unknown): void {
    if (reachable === connected) return
    connected = reachable
    if (reachable) events.emit(PROVIDER_EVENTS.connect, { name: PROVIDER_NAME })
    else events.emit(PROVIDER_EVENTS.disconnect, cause)
  }

  // `async`, so every failure (even a synchronous validation error) is a rejected promise.
  async function request(args: unknown): Promise<unknown> {
    const validated = validateRpcRequest(args)
    if (!isDappMethodIn(methods, validated.method)) throw providerErrors.unsupportedMethod(validated.method)
    const response = await transport.send(validated)
    if (response.ok) {
      setReachable(true)
      return response.result
    }
    const error = errorFromPayload(response.error)
    // Any answer other than "disconnected" proves the extension is reachable.
    setReachable(error.code !== ERROR_CODES.disconnected, error)
    throw error
  }

  const provider: XmtpProvider = {
    isParley: true,
    request: request as XmtpProvider['request'],
    on(event, listener) {
      events.on(event, listener)
      return provider
    },
    removeListener(event, listener) {
      events.removeListener(event, listener)
      return provider
    },
    isConnected: () => connected,
  }
  return Object.freeze(provider)
}
