// The plain-JSON shapes that cross from the background to Parley's pages (popup, full tab,
// approval window) and, for a subset, to dapps. No class instances, no key material: addresses
// are EIP-55 strings, times are ms since the epoch, message ids are lowercase hex, bytes are
// base64. The background builds these from its cache; pages only render them.
//
// Imported by every world: keep it free of chrome.*, browser.* and DOM.

/** Where an account's key came from. */
export type AccountKind = 'phrase' | 'privateKey'

export interface AccountView {
  /** Stable id (never the address, so renaming and re-deriving cannot collide). */
  id: string
  label: string
  /** EIP-55 address. */
  address: string
  kind: AccountKind
  /** Derivation index on the wallet's phrase (m/44'/60'/0'/0/i); absent for imported keys. */
  index?: number
}

/** Progress of the active account's XMTP identity (created or restored on first unlock). */
export interface SessionView {
  state: 'idle' | 'creating' | 'restoring' | 'ready' | 'error'
  /** A short human sentence for the current step, e.g. "Publishing your contact bundle". */
  step?: string
  /** Set when state is 'error': what went wrong, in words a person can act on. */
  error?: string
}

export interface WalletStatus {
  /** A vault exists (false on first run: show onboarding). */
  initialized: boolean
  locked: boolean
  /** Accounts are listed while locked too (labels and addresses are not secret). */
  accounts: AccountView[]
  activeAccountId: string | null
  session: SessionView
  /** When the wallet locks itself if nothing happens before (ms since epoch); null when locked or never. */
  autoLockAt: number | null
}

export interface SettingsView {
  /** Base URL of the XMTP node, default http://127.0.0.1:5555. */
  nodeUrl: string
  /** Idle minutes before auto-lock; 0 = never. */
  autoLockMinutes: number
  /** Global switch for desktop notifications. */
  notifications: boolean
  /** Send a read receipt when a conversation is read (never in a request). Default on. */
  readReceipts: boolean
  /** Notify for every account of the unlocked wallet, not only the active one. Default on. */
  notifyAllAccounts: boolean
}

/** What the background runs on (Settings → About, and the e2e backend check). */
export interface DiagnosticsView {
  /** The secp256k1 backend of the worker, e.g. "libsecp256k1 (wasm)" or "noble". */
  cryptoBackend: string
  /** Why libsecp256k1 is not in use, when it is not. */
  cryptoFallbackReason?: string
  /** When this background instance started (ms since epoch). */
  startedAt: number
  /** Where a sync's invitations are opened (background/offload); absent where no worker can be started. */
  invitationWorkers?: InvitationWorkersView
}

export interface InvitationWorkersView {
  /** Workers are running and take the large batches now. */
  connected: boolean
  /** Their secp256k1 backend, once they answered. */
  backend?: string
  /** Batches (or parts) opened by the workers, and on the background's own thread, since start. */
  offloaded: number
  inThread: number
  failures: number
  /** The reason of the last failure (timeout, bad-message, failed, unavailable, closed). */
  lastFailure?: string
}

export interface NodeStatusView {
  url: string
  reachable: boolean
  /** Round trip of the last check, when reachable. */
  latencyMs?: number
  /** Why it is not reachable, in words (e.g. "connection refused", "no host permission"). */
  error?: string
  checkedAt: number
}

export type ConsentView = 'allowed' | 'denied' | 'unknown'

export interface ConversationView {
  topic: string
  peerAddress: string
  version: 'v1' | 'v2'
  createdAt: number
  /** The invitation context, when the conversation has one (dapps scope reads by conversationId). */
  context?: { conversationId: string; metadata: Record<string, string> }
  consent: ConsentView
  /** The newest message, for the list's preview line. */
  lastMessage?: MessagePreview
  unreadCount: number
  muted: boolean
  /**
   * Two invitations that cannot be verified claim this conversation's topic with different
   * peers or keys: it is kept out of every list and cannot be sent to until settled.
   */
  conflict?: true
}

export interface MessagePreview {
  id: string
  senderAddress: string
  sentAt: number
  /** One line of text: the text itself, or e.g. "Reacted 👍", "📎 photo.png". */
  text: string
}

/** Where a message stands on this device. Received messages are always 'sent'. */
export type DeliveryState = 'pending' | 'sent' | 'failed'

export type MessageContentView =
  /** `truncated`: the sender's text was longer than Parley stores (MAX_TEXT_CHARS); this is its start. */
  | { type: 'text'; text: string; truncated?: true }
  | { type: 'reaction'; reference: string; action: 'added' | 'removed'; schema: string; content: string }
  | { type: 'reply'; reference: string; content: MessageContentView }
  | { type: 'readReceipt' }
  | { type: 'attachment'; filename: string; mimeType: string; dataBase64: string }
  | { type: 'remoteAttachment'; filename?: string; url: string; contentLength?: number }
  /** `tooLarge`: compressed content past the inflation cap or the pass budget, never inflated. */
  | { type: 'unknown'; contentType: string; fallback?: string; reason?: 'tooLarge' }

export interface MessageView {
  id: string
  topic: string
  /** Who sent it, as far as this device can prove: never the user for a message it did not send or a V2 signature does not prove. */
  senderAddress: string
  /**
   * Set when a V1 message's header names the user as sender but this device did not send
   * it: V1's key agreement is symmetric, so the peer could have written it. senderAddress
   * is then the peer's; this is the address the header claimed.
   */
  claimedSender?: string
  /** When it was sent: the sender's claim, or when it was received if the claim was too far ahead. */
  sentAt: number
  /** The sender's claimed time, kept when it was too far in the future to show (then sentAt is the time received). */
  claimedSentAt?: number
  content: MessageContentView
  delivery: DeliveryState
  /** For 'failed': why, in words. */
  error?: string
}

export interface MessagePage {
  /** Oldest first. */
  messages: MessageView[]
  /** More (older) messages exist before the first one. */
  hasMore: boolean
}

/** What a page asks to send; the background encodes it with the protocol library's codecs. */
export type ContentInput =
  /** `truncated`: the sender's text was longer than Parley stores (MAX_TEXT_CHARS); this is its start. */
  | { type: 'text'; text: string; truncated?: true }
  | { type: 'reaction'; reference: string; action: 'added' | 'removed'; content: string }
  | { type: 'reply'; reference: string; text: string }
  | { type: 'attachment'; filename: string; mimeType: string; dataBase64: string }
  | { type: 'readReceipt' }

export interface SyncStatusView {
  state: 'idle' | 'syncing' | 'offline' | 'error'
  /** While syncing: how far along, e.g. invitations opened of those found. */
  progress?: { done: number; total: number; what: string }
  lastSyncAt?: number
  error?: string
  /** Live stream open right now. */
  streaming: boolean
}

export interface SearchHit {
  conversation: ConversationView
  /** Absent when the hit is on the peer address. */
  message?: MessageView
}

/** A permission scope a site can hold (issue: scoped, revocable, per-origin permissions). */
export type SiteScope = 'read' | 'readAll' | 'send' | 'sendWithoutConfirm' | 'stream'

export interface SiteView {
  /** The origin as the browser reported it, e.g. https://app.example. */
  origin: string
  /** The account the site is connected to. */
  accountAddress: string
  scopes: SiteScope[]
  connectedAt: number
}

/** A site the user blocked from the approval window ("Block this site"); Settings unblocks it. */
export interface BlockedSiteView {
  origin: string
  blockedAt: number
}

/** One pending dapp request waiting in an approval window. */
export interface ApprovalView {
  id: string
  origin: string
  accountAddress: string | null
  /** What exactly is asked, for the window to render. */
  kind: 'connect' | 'permissions' | 'send'
  scopes?: SiteScope[]
  /** For 'send': the conversation and the whole message (never cut). */
  send?: ApprovalSendView
  createdAt: number
}

/** What a send approval shows: to whom, in which conversation, and exactly what. */
export interface ApprovalSendView {
  peerAddress: string
  /**
   * The conversation's context id: for a send by peer address always the site's own (its host);
   * null for a conversation without one (the user's personal conversation, reachable under readAll).
   */
  conversationId: string | null
  /** Whether the conversation is the site's own (its id in the site's namespace). */
  sitesOwn: boolean
  /** The whole message in words: the text itself, or a line naming the attachment or reaction. */
  text: string
  /** An inline attachment, for its preview (images are shown). */
  attachment?: { filename: string; mimeType: string; dataBase64: string }
}

// ───────────────────────────── what dapps see (window.xmtp) ─────────────────────────────

/** A conversation as a dapp sees it: no consent, unread or mute state of the user's inbox. */
export interface DappConversationView {
  topic: string
  peerAddress: string
  version: 'v1' | 'v2'
  createdAt: number
  context?: { conversationId: string; metadata: Record<string, string> }
}

/** An EIP-2255 permission: `parentCapability` is the scope name, `invoker` the site's origin. */
export interface DappPermission {
  invoker: string
  parentCapability: SiteScope
  caveats: Array<{ type: 'restrictReturnedAccounts'; value: string[] }>
  /** When it was granted (ms since epoch). */
  date: number
}

/** Payload of a `message` event on window.xmtp. */
export interface DappMessageEvent {
  subscriptionId: string
  message: MessageView
}
