// The popup's state, in one owner: the wallet's status, the worker and node health, the active
// account's conversations and the loaded pages of messages, the settings and the connected
// sites. The store's action modules (wallet.ts, conversations.ts, settings.ts) write it through
// `patch`; screens read it through useAppState and never write it.
import { ObservableState } from '../../state/observable-state.ts'
import type { RpcClient } from '../../extension/rpc-client.ts'
import type { BlockedSiteView, ConversationView, MessageView, NodeStatusView, SearchHit, SettingsView, SiteView, SyncStatusView, WalletStatus } from '../../extension/views.ts'
import type { EventChannel } from '../platform/types.ts'

/** Conversations asked for first when the list is empty: more than one popup screen holds. */
export const FIRST_PAGE = 30

/** Messages asked for per page of a thread. */
export const PAGE_SIZE = 30

export type WorkerHealth = { state: 'checking' } | { state: 'online'; version: string } | { state: 'offline'; reason: string }

export interface ThreadState {
  messages: MessageView[]
  hasMore: boolean
  loading: boolean
  error?: string
}

/** The last search over addresses and cached messages: hits null while it runs. */
export interface SearchState {
  query: string
  hits: SearchHit[] | null
  error?: string
}

export interface AppState {
  worker: WorkerHealth
  wallet: WalletStatus | null
  node: NodeStatusView | null
  sync: SyncStatusView | null
  /** Active account's conversations by topic; null until the first list arrives. */
  conversations: Record<string, ConversationView> | null
  conversationsError?: string
  threads: Record<string, ThreadState>
  /** The active account's last search; null when none ran since the last lock or switch. */
  search: SearchState | null
  /**
   * The session has been ready since this page's last unlock: a later session error (a wrong
   * node URL, an outage) then shows in a banner over the app, never instead of it.
   */
  sessionWasReady: boolean
  /** This page created or imported the wallet: the identity's first setup shows its own screen. */
  onboardedHere: boolean
  /** Active account's blocked conversations (Settings → Blocked); null until listed. */
  blockedConversations: ConversationView[] | null
  /** Unread messages per account id (Accounts), as of each account's last sync. */
  unreadByAccount: Record<string, number>
  /** The background's settings; null until read. */
  settings: SettingsView | null
  /** Sites connected to an account; null until listed. */
  sites: SiteView[] | null
  /** Sites whose requests are refused without asking. */
  blockedSites: BlockedSiteView[]
}

export function initialState(): AppState {
  return {
    worker: { state: 'checking' },
    wallet: null,
    node: null,
    sync: null,
    conversations: null,
    threads: {},
    search: null,
    sessionWasReady: false,
    onboardedHere: false,
    blockedConversations: null,
    unreadByAccount: {},
    settings: null,
    sites: null,
    blockedSites: [],
  }
}

/** What every action module of the store works with. */
export interface StoreParts {
  /** The one owner of the popup's state. */
  state: ObservableState<AppState>
  rpc: RpcClient
  events: EventChannel
  /** Takes a wallet status from the background: the account's data follows it (app-store.ts). */
  applyWallet(wallet: WalletStatus): void
}

/** One announced change of the named fields. */
export function patch(state: ObservableState<AppState>, change: Partial<AppState>): void {
  state.update((current) => ({ ...current, ...change }))
}

/** What each concern's actions share: the background, and reading and patching the one state. */
export abstract class StoreActions {
  protected readonly parts: StoreParts

  constructor(parts: StoreParts) {
    this.parts = parts
  }

  protected get rpc(): RpcClient {
    return this.parts.rpc
  }

  /** The state as it is now (it may have changed across an await). */
  protected get current(): AppState {
    return this.parts.state.value
  }

  protected set(change: Partial<AppState>): void {
    patch(this.parts.state, change)
  }
}
