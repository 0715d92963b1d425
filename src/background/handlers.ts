// The background's handler table: ping plus every domain's handlers (wallet, messaging, sites,
// dapp), spread together so the compiler checks one handler per METHODS entry. A method whose
// domain is not wired answers "not available yet" (-32603) instead of failing to build.
import { ProviderRpcError, ERROR_CODES } from '../extension/dapp-visible.ts'
import { METHODS } from '../extension/messages.ts'
import type { HandlerTable } from './dispatcher.ts'

export interface BackgroundState {
  /** Extension version from the manifest. */
  version: string
  /** When this background instance started (ms since epoch). */
  startedAt: number
}

export function createHandlers(state: BackgroundState, domains: Partial<HandlerTable> = {}): HandlerTable {
  const pending = Object.fromEntries(
    Object.keys(METHODS).map((name) => [
      name,
      () => {
        throw new ProviderRpcError(ERROR_CODES.internal, `${name} is not available yet.`)
      },
    ]),
  ) as unknown as HandlerTable
  return {
    ...pending,
    ...domains,
    ping: () => ({ pong: true, version: state.version, startedAt: state.startedAt }),
  }
}
