// The messenger's state, kept outside the components: the wallet's status, the worker and node
// health, the active account's conversations and the loaded pages of messages. It is filled by
// RPC calls and kept current by the events port. No DOM here, so it is tested in plain Node.
import { ProviderRpcError } from '../extension/rpc-error.ts'
import type { ExtensionEvent } from '../extension/events.ts'
import type { ContentInput, ConversationView, MessageView, NodeStatusView, SyncStatusView, WalletStatus } from '../extension/views.ts'
import { asSentence } from './lib/error-sentence.ts'
import { mergeMessages } from './lib/thread.ts'
import type { Platform } from './platform/types.ts'

/** Conversations asked for first when the list is empty: more than one popup screen holds. */
export const FIRST_PAGE = 30

export type WorkerHealth = { state: 'checking' } | { state: 'online'; version: string } | { state: 'offline'; reason: string }

export interface ThreadState {
  messages: MessageView[]
  hasMore: boolean
  loading: boolean
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
  /**
   * The session has been ready since this page's last unlock: a later session error (a wrong
   * node URL, an outage) then shows in a banner over the app, never instead of it.
   */
  sessionWasReady: boolean
}

export const PAGE_SIZE = 30

export function errorText(error: unknown, fallback = 'Something went wrong. Try again.'): string {
  return error instanceof ProviderRpcError ? asSentence(error.message) : fallback
}

export function sortConversations(list: ConversationView[]): ConversationView[] {
  const activity = (c: ConversationView) => c.lastMessage?.sentAt ?? c.createdAt
  return [...list].sort((a, b) => activity(b) - activity(a))
}

export class AppStore {
  private state: AppState = { worker: { state: 'checking' }, wallet: null, node: null, sync: null, conversations: null, threads: {}, sessionWasReady: false }
  private readonly listeners = new Set<() => void>()
  private accountId: string | null = null
  private readonly stops: Array<() => void> = []

  constructor(private readonly platform: Platform) {}

  get snapshot(): AppState {
    return this.state
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch }
    for (const l of this.listeners) l()
  }

  private get rpc() {
    return this.platform.rpc
  }

  /** First load: worker ping, wallet status, then whatever the status allows. */
  async start(): Promise<void> {
    this.stops.push(this.platform.events.subscribe((e) => this.apply(e)))
    this.stops.push(
      this.platform.events.onConnection((connected) => {
        // A reconnect means the worker restarted: what it pushed meanwhile was missed.
        if (connected && this.state.wallet) void this.refresh()
      }),
    )
    await this.refresh()
  }

  stop(): void {
    for (const s of this.stops.splice(0)) s()
  }

  async refresh(): Promise<void> {
    try {
      const pong = await this.rpc.call('ping')
      this.set({ worker: { state: 'online', version: pong.version } })
    } catch (error) {
      this.set({ worker: { state: 'offline', reason: errorText(error, 'The background did not answer.') } })
      return
    }
    try {
      this.setWallet(await this.rpc.call('wallet_status'))
    } catch (error) {
      this.set({ worker: { state: 'offline', reason: errorText(error) } })
      return
    }
    void this.checkNode()
  }

  async checkNode(): Promise<void> {
    try {
      this.set({ node: await this.rpc.call('node_status') })
    } catch (error) {
      this.set({ node: { url: this.state.node?.url ?? '', reachable: false, error: errorText(error, 'The node check failed.'), checkedAt: Date.now() } })
    }
  }

  setWallet(wallet: WalletStatus): void {
    const ready = wallet.initialized && !wallet.locked
    const accountChanged = wallet.activeAccountId !== this.accountId
    const becameReady = wallet.session.state === 'ready' && this.state.wallet?.session.state !== 'ready'
    this.accountId = wallet.activeAccountId
    const sessionWasReady = ready && (this.state.sessionWasReady || wallet.session.state === 'ready')
    // Each account's conversations are its own; a lock drops what was on screen.
    if (!ready || accountChanged) this.set({ wallet, conversations: null, conversationsError: undefined, threads: {}, sync: null, sessionWasReady })
    else this.set({ wallet, sessionWasReady })
    if (!ready) return
    // A session that (re)opened may list more than what was there before (a first restore, a
    // new node URL): list again.
    if (this.state.conversations === null || becameReady) void this.loadConversations()
    if (this.state.sync === null) void this.loadSync()
  }

  apply(event: ExtensionEvent): void {
    switch (event.type) {
      case 'wallet':
        this.setWallet(event.status)
        return
      case 'node':
        this.set({ node: event.status })
        return
      case 'sync':
        this.set({ sync: event.status })
        return
      case 'conversation':
        this.upsertConversations([event.conversation])
        return
      case 'conversations':
        this.upsertConversations(event.conversations)
        return
      case 'messages': {
        const thread = this.state.threads[event.topic]
        if (!thread) return // not loaded: the next messages_list brings them
        this.set({ threads: { ...this.state.threads, [event.topic]: { ...thread, messages: mergeMessages(thread.messages, event.messages) } } })
        return
      }
    }
  }

  private upsertConversation(conversation: ConversationView): void {
    this.upsertConversations([conversation])
  }

  /** One state change for any number of conversations; a blocked one leaves the list. */
  private upsertConversations(changed: ConversationView[]): void {
    const conversations = { ...(this.state.conversations ?? {}) }
    for (const conversation of changed) {
      if (conversation.consent === 'denied') delete conversations[conversation.topic]
      else conversations[conversation.topic] = conversation
    }
    this.set({ conversations })
  }

  private listing: Promise<void> | null = null

  loadConversations(): Promise<void> {
    this.listing ??= this.listConversations().finally(() => {
      this.listing = null
    })
    return this.listing
  }

  private async listConversations(): Promise<void> {
    try {
      // The first paint needs one screenful: a page first (a worker that just woke answers it
      // from its cache at once), then the whole list.
      if (!this.state.conversations) {
        const first = await this.rpc.call('conversations_list', { filter: 'all', limit: FIRST_PAGE })
        if (!this.state.conversations) this.set({ conversations: Object.fromEntries(first.conversations.map((c) => [c.topic, c])), conversationsError: undefined })
        if (first.conversations.length < FIRST_PAGE) return
      }
      const { conversations } = await this.rpc.call('conversations_list', { filter: 'all' })
      this.set({ conversations: Object.fromEntries(conversations.map((c) => [c.topic, c])), conversationsError: undefined })
    } catch (error) {
      this.set({ conversations: this.state.conversations ?? {}, conversationsError: errorText(error) })
    }
  }

  async loadSync(): Promise<void> {
    try {
      this.set({ sync: await this.rpc.call('sync_status') })
    } catch {
      // Sync status is a hint; the list works without it.
    }
  }

  async syncNow(): Promise<void> {
    try {
      this.set({ sync: await this.rpc.call('sync_now') })
    } catch (error) {
      this.set({ sync: { state: 'error', error: errorText(error), streaming: false } })
    }
  }

  private patchThread(topic: string, patch: Partial<ThreadState>): void {
    const current = this.state.threads[topic] ?? { messages: [], hasMore: false, loading: false }
    this.set({ threads: { ...this.state.threads, [topic]: { ...current, ...patch } } })
  }

  /** Loads the newest page (and the conversation itself when it is not in the list yet). */
  async openThread(topic: string): Promise<void> {
    if (!this.state.conversations?.[topic]) {
      try {
        this.upsertConversation(await this.rpc.call('conversations_get', { topic }))
      } catch (error) {
        this.patchThread(topic, { error: errorText(error) })
        return
      }
    }
    this.patchThread(topic, { loading: true, error: undefined })
    try {
      const page = await this.rpc.call('messages_list', { topic, limit: PAGE_SIZE })
      const existing = this.state.threads[topic]?.messages ?? []
      this.patchThread(topic, { messages: mergeMessages(existing, page.messages), hasMore: page.hasMore, loading: false })
    } catch (error) {
      this.patchThread(topic, { loading: false, error: errorText(error) })
    }
  }

  async loadOlder(topic: string): Promise<void> {
    const thread = this.state.threads[topic]
    if (!thread || thread.loading || !thread.hasMore) return
    const before = thread.messages[0]?.sentAt
    this.patchThread(topic, { loading: true })
    try {
      const page = await this.rpc.call('messages_list', before === undefined ? { topic, limit: PAGE_SIZE } : { topic, before, limit: PAGE_SIZE })
      const now = this.state.threads[topic]?.messages ?? []
      this.patchThread(topic, { messages: mergeMessages(now, page.messages), hasMore: page.hasMore, loading: false })
    } catch (error) {
      this.patchThread(topic, { loading: false, error: errorText(error) })
    }
  }

  async send(topic: string, content: ContentInput): Promise<MessageView> {
    const sent = await this.rpc.call('messages_send', { topic, content })
    this.apply({ type: 'messages', topic, messages: [sent] })
    return sent
  }

  async retry(topic: string, id: string): Promise<void> {
    const message = await this.rpc.call('messages_retry', { topic, id })
    this.apply({ type: 'messages', topic, messages: [message] })
  }

  async markRead(topic: string): Promise<void> {
    const conversation = this.state.conversations?.[topic]
    if (!conversation || conversation.unreadCount === 0) return
    this.upsertConversation({ ...conversation, unreadCount: 0 })
    try {
      await this.rpc.call('conversations_markRead', { topic })
    } catch {
      // The unread mark comes back with the next conversation event if this did not land.
    }
  }

  /** Starts the XMTP session again after an error (the identity screen's Retry). */
  async retrySession(): Promise<void> {
    this.setWallet(await this.rpc.call('session_retry'))
  }

  /** Mutes or unmutes a conversation: no notification for it while muted. */
  async setMuted(conversation: ConversationView, muted: boolean): Promise<void> {
    this.upsertConversation(await this.rpc.call('conversations_setMuted', { topic: conversation.topic, muted }))
  }

  async setConsent(conversation: ConversationView, state: 'allowed' | 'denied'): Promise<void> {
    await this.rpc.call('consent_set', { peerAddress: conversation.peerAddress, state })
    this.upsertConversation({ ...conversation, consent: state })
  }
}
