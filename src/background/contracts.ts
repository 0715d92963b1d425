// The contracts between the background's parts: interfaces only, no code. Each module has one
// concern and Node tests can drive it with real parts (a real node, fake-indexeddb, an
// in-memory storage area):
//
//   vault/      Wallet: the encrypted vault, accounts, lock and auto-lock (owns the keys)
//   session/    one XMTP Client per unlocked account (signer = the account key), the node URL
//   data/       AccountData: encrypted IndexedDB cache, sync engine, outbox for ONE account
//   handlers/   RPC handlers over these services (popup methods, dapp methods)
//   index.ts    wires chrome.* (storage, alarms, notifications, runtime ports) to all of it
//
// Everything that crosses to a page is a view from src/extension/views.ts.
import type { ConversationFilter } from '../extension/methods/messaging.ts'
import type {
  AccountView,
  ContentInput,
  ConversationView,
  MessagePage,
  MessageView,
  SearchHit,
  SyncStatusView,
  WalletStatus,
} from '../extension/views.ts'
import type { Persistence } from '../protocol/index.ts'
// Leaf modules of the data layer (they import nothing of the background): no import circle.
import type { RecordCipher } from './data/cipher.ts'
import type { CacheDatabase } from './data/database.ts'

/** The shape of chrome.storage.local / chrome.storage.session that the background uses. */
export interface StorageArea {
  get(keys: string | string[] | null): Promise<Record<string, unknown>>
  set(items: Record<string, unknown>): Promise<void>
  remove(keys: string | string[]): Promise<void>
}

/** What the rest of the background needs from the wallet (src/background/vault). */
export interface WalletService {
  status(): Promise<WalletStatusCore>
  /** Whether the wallet is locked, as the wallet knows it in memory. */
  readonly locked: boolean
  /** The active account's 32-byte secp256k1 private key; a fresh copy the caller must zero. Throws when locked. */
  privateKeyOf(accountId: string): Promise<Uint8Array>
  /**
   * 32 bytes for one purpose (e.g. `cache/<nodeUrl>/<address>`), derived from the vault key with
   * HKDF-SHA256; the same while the vault key is the same (a password change keeps it). Throws when locked.
   */
  deriveKey(purpose: string): Promise<Uint8Array>
  onChange(listener: (status: WalletStatusCore) => void): () => void
}

/** WalletStatus without the session part (which the session manager adds). */
export type WalletStatusCore = Omit<WalletStatus, 'session'>

/** One account's messenger data: cache, sync and outbox (src/background/data). */
export interface AccountData {
  readonly address: string
  /** Newest activity first; `limit` opens only as many cached records as it needs. */
  listConversations(filter: ConversationFilter, options?: { limit?: number }): Promise<ConversationView[]>
  getConversation(topic: string): Promise<ConversationView | null>
  /** Finds or starts a conversation; throws a clear error when the peer is not on XMTP. */
  newConversation(peerAddress: string, context?: { conversationId: string; metadata: Record<string, string> }): Promise<ConversationView>
  canMessage(peerAddress: string): Promise<boolean>
  /** Cache first; fetches older pages from the network when the cache has no more. */
  listMessages(topic: string, options: { before?: number; limit: number }): Promise<MessagePage>
  /** Inserts as pending, returns at once; the outbox publishes and reconciles by message id. */
  send(topic: string, content: ContentInput): Promise<MessageView>
  retry(topic: string, id: string): Promise<MessageView>
  /** Messages still in the outbox (queued or failed), e.g. to keep the worker alive while it drains. */
  outboxSize(): Promise<number>
  loadAttachment(topic: string, id: string): Promise<{ filename: string; mimeType: string; dataBase64: string }>
  markRead(topic: string): Promise<number>
  setMuted(topic: string, muted: boolean): Promise<ConversationView>
  setConsent(peerAddress: string, state: 'allowed' | 'denied'): Promise<void>
  search(query: string, limit: number): Promise<SearchHit[]>
  unreadTotal(): Promise<number>
  syncStatus(): SyncStatusView
  /** One incremental pass over invites, intros and conversation topics from persisted cursors. */
  syncNow(): Promise<SyncStatusView>
  /** Opens the live stream (with gap fill) until the returned function is called; nested holds are counted. */
  holdStream(reason: string): () => void
  /** Called for each newly arrived or changed message (after it is in the cache). */
  onMessages(listener: (topic: string, messages: MessageView[], conversation: ConversationView) => void): () => void
  onConversation(listener: (conversation: ConversationView) => void): () => void
  onSyncStatus(listener: (status: SyncStatusView) => void): () => void
  /** Stops streams and timers, zeroes keys held for the cache; the IndexedDB data stays. */
  close(): Promise<void>
}

/** An opened account database with its record cipher and the Client's Persistence over it (data/ openAccountStore). */
export interface AccountStore {
  readonly db: CacheDatabase
  readonly cipher: RecordCipher
  readonly persistence: Persistence
  /** Closes the database and zeroes the derived keys. */
  close(): void
}

/** The active account's services for RPC handlers, or null while locked / not ready. */
export interface ActiveSession {
  account: AccountView
  data: AccountData
}

/**
 * What handler factories receive (src/background/handlers/*): `createWalletHandlers(ctx)`,
 * `createMessagingHandlers(ctx)`, `createSiteHandlers(ctx)`, `createDappHandlers(ctx)`; the
 * table in handlers.ts spreads them together, so the compiler checks one handler per method.
 */
export interface BackgroundContext {
  wallet: WalletService
  /** The active account's session; null while locked or while its XMTP identity is not ready. */
  activeSession(): ActiveSession | null
  /** Fires on lock, unlock, account switch and when a session becomes ready. */
  onSessionChange(listener: (session: ActiveSession | null) => void): () => void
  /** chrome.storage.local, for modules that keep their own records (sites, approvals, settings). */
  local: StorageArea
  /** chrome.storage.session (cleared on browser restart), for state that must survive worker restarts only. */
  sessionStorage: StorageArea
  /** Opens an extension page in a popup window (the approval window); resolves with its window id. */
  openWindow(path: string, size: { width: number; height: number }): Promise<number>
  /** Fires when a window opened with openWindow closes (closing an approval window rejects it). */
  onWindowClosed(listener: (windowId: number) => void): () => void
  /** Whether a window opened with openWindow is still open (a close while the worker was stopped leaves no event). */
  windowExists(windowId: number): Promise<boolean>
  /** The id of an open window showing this extension page (path with its query), or null. */
  findWindow(path: string): Promise<number | null>
  now(): number
}
