// The page-visible provider, window.xmtp: validates each request, forwards allowed methods
// through an injected transport, turns answers into results or ProviderRpcErrors, and emits
// `connect` / `disconnect` only when reachability actually changes, `accountsChanged` only
// when the accounts the site may see really change, and `message` for its subscriptions.
// The event channel is opened lazily: when a dapp listens for those events or subscribes.
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
import type { DappPortEvent } from '../extension/methods/dapp.ts'
import { EventEmitter, type Listener } from './emitter.ts'

/** Carries one validated request to the extension; resolves with its answer, never rejects. */
export interface ProviderTransport {
  send(request: RpcRequest): Promise<RpcResponse>
  /** Opens the background → page event channel (once); events arrive through onEvent. */
  openEvents?(onEvent: (event: DappPortEvent) => void): void
}

/** Events that need the event channel from the background. */
const CHANNEL_EVENTS: ReadonlySet<string> = new Set([PROVIDER_EVENTS.accountsChanged, PROVIDER_EVENTS.message])
const ACCOUNT_METHODS: ReadonlySet<string> = new Set(['xmtp_requestAccounts', 'xmtp_accounts'])

function sameAccounts(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((address, i) => address.toLowerCase() === b[i]?.toLowerCase())
}

function isAddressList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
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
  /** What the site may see; null until first learned (learning it is not a change). */
  let accounts: string[] | null = null
  let eventsOpen = false

  function updateAccounts(next: string[]): void {
    const previous = accounts
    accounts = [...next]
    if (previous !== null && !sameAccounts(previous, next)) events.emit(PROVIDER_EVENTS.accountsChanged, [...next])
  }

  function onChannelEvent(event: DappPortEvent): void {
    if (event.type === 'accountsChanged') updateAccounts(event.accounts)
    else if (event.type === 'message') events.emit(PROVIDER_EVENTS.message, { subscriptionId: event.subscriptionId, message: event.message })
  }

  function openEvents(): void {
    if (eventsOpen || !transport.openEvents) return
    eventsOpen = true
    transport.openEvents(onChannelEvent)
  }

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
    // Subscriptions deliver over the event channel, which must exist before the background answers.
    if (validated.method === 'xmtp_subscribe') openEvents()
    const response = await transport.send(validated)
    if (response.ok) {
      setReachable(true)
      if (ACCOUNT_METHODS.has(validated.method) && isAddressList(response.result)) updateAccounts(response.result)
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
      if (CHANNEL_EVENTS.has(event)) openEvents()
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
