// What the messenger needs from its host, and nothing more: the RPC client, the events port, a
// host-permission prompt, and which view it runs in. browser.ts implements it over the extension
// APIs; tests pass their own. Screens never touch chrome.* or browser.* directly.
import type { ExtensionEvent } from '../../extension/events.ts'
import type { RpcClient } from '../../extension/rpc-client.ts'

export type ViewKind = 'popup' | 'tab'

export interface EventChannel {
  /** Listens for background pushes; returns the unsubscribe function. */
  subscribe(listener: (event: ExtensionEvent) => void): () => void
  /** Called with true when the port is (re)connected, false when it drops. */
  onConnection(listener: (connected: boolean) => void): () => void
  /** Tells the background which conversation is on screen (notifications skip it). */
  setViewing(topic: string | null): void
  close(): void
}

export interface Platform {
  rpc: RpcClient
  events: EventChannel
  view: ViewKind
  /** Asks the browser for access to a node origin (needs the user's click). */
  requestHostPermission(origin: string): Promise<boolean>
  /** Closes the popup after handing over to the full tab (no-op in a tab). */
  closeView(): void
}
