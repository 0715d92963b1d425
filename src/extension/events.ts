// Pushes from the background to Parley's own pages (popup, full tab): a long-lived
// runtime Port named EXTENSION_EVENTS_PORT. A page connects on load; the background sends
// ExtensionEvent objects on real changes only. While at least one page is connected the
// background streams from the network (and keeps the MV3 worker alive deliberately).
// The page may post a ViewingMessage so notifications skip the conversation on screen.
//
// Dapp events (accountsChanged, message) travel on their own port; see methods/dapp.ts.
// Imported by pages and the background: keep it free of chrome.*, browser.* and DOM.
import type { ConversationView, MessageView, NodeStatusView, SyncStatusView, WalletStatus } from './views.ts'

export const EXTENSION_EVENTS_PORT = 'parley/events@1'

export type ExtensionEvent =
  /** Lock, unlock, account switch, rename, session progress. */
  | { type: 'wallet'; status: WalletStatus }
  /** A conversation was added or changed (new last message, unread count, consent, mute). */
  | { type: 'conversation'; conversation: ConversationView }
  /** Several at once (a sync pass adds hundreds): one event, each topic once, latest state. */
  | { type: 'conversations'; conversations: ConversationView[] }
  /** New or changed messages (arrived, or a pending one became sent / failed). */
  | { type: 'messages'; topic: string; messages: MessageView[] }
  | { type: 'sync'; status: SyncStatusView }
  | { type: 'node'; status: NodeStatusView }

/** Page → background on the same port. */
export type ViewingMessage = { type: 'viewing'; topic: string | null }

export function isExtensionEvent(value: unknown): value is ExtensionEvent {
  if (typeof value !== 'object' || value === null) return false
  const type = (value as { type?: unknown }).type
  return type === 'wallet' || type === 'conversation' || type === 'conversations' || type === 'messages' || type === 'sync' || type === 'node'
}

export function isViewingMessage(value: unknown): value is ViewingMessage {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { type?: unknown; topic?: unknown }
  return v.type === 'viewing' && (v.topic === null || typeof v.topic === 'string')
}
