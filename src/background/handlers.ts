// The background's handler table: ping plus every domain's handlers (wallet, messaging, sites,
// dapp). createHandlers takes every method but ping, with no defaults: a method in METHODS
// without a handler is a compile error (handler-table.test.ts proves it).
import { METHODS } from '../extension/messages.ts'
import type { HandlerTable } from './rpc-router.ts'

export interface BackgroundState {
  /** Extension version from the manifest. */
  version: string
  /** When this background instance started (ms since epoch). */
  startedAt: number
}

/** The table of ping alone, for callers that route only the liveness check (tests of the channels). */
export const PING_METHODS = { ping: METHODS.ping } as const

export function pingHandler(state: BackgroundState): Pick<HandlerTable, 'ping'> {
  return { ping: () => ({ pong: true, version: state.version, startedAt: state.startedAt }) }
}

/** Every domain's handlers, checked complete by the compiler. */
export type DomainHandlers = Omit<HandlerTable, 'ping'>

export function createHandlers(state: BackgroundState, domains: DomainHandlers): HandlerTable {
  return { ...domains, ...pingHandler(state) }
}
