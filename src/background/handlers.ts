// The background's handler table. Scaffold while the wallet, messaging and site handlers are
// being built in their own modules: every method other than ping answers "not available yet"
// (a -32603 to the caller). Each domain replaces its entries with real handlers.
import { ProviderRpcError, ERROR_CODES } from '../extension/dapp-visible.ts'
import { METHODS } from '../extension/messages.ts'
import type { HandlerTable } from './dispatcher.ts'

export interface BackgroundState {
  /** Extension version from the manifest. */
  version: string
  /** When this background instance started (ms since epoch). */
  startedAt: number
}

export function createHandlers(state: BackgroundState): HandlerTable {
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
    ping: () => ({ pong: true, version: state.version, startedAt: state.startedAt }),
  }
}
