// The background's handler table. Later issues add entries (conversations, key bundles, the
// XMTP client) next to METHODS in src/extension/messages.ts; keys stay in here, behind
// `exposure: 'extension'` methods.
import type { HandlerTable } from './dispatcher.ts'

export interface BackgroundState {
  /** Extension version from the manifest. */
  version: string
  /** When this background instance started (ms since epoch). */
  startedAt: number
}

export function createHandlers(state: BackgroundState): HandlerTable {
  return {
    ping: () => ({ pong: true, version: state.version, startedAt: state.startedAt }),
  }
}
