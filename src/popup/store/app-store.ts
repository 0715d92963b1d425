// The messenger's store: one owner of the popup's state (state.ts), filled by RPC calls and kept
// current by the events port. Screens read it (useAppState) and act through its actions: the
// health and sync ones here, the rest by concern in wallet.ts, conversations.ts and settings.ts.
// What follows a change of wallet status (a lock drops the account's data, a ready session
// lists the conversations) is declared here, in applyWallet. No DOM: tested in plain Node.
import { ObservableState } from '../../state/observable-state.ts'
import type { ExtensionEvent } from '../../extension/events.ts'
import type { WalletStatus } from '../../extension/views.ts'
import { errorText } from '../lib/error-sentence.ts'
import type { Platform } from '../platform/types.ts'
import { ConversationActions } from './conversations.ts'
import { SettingsActions } from './settings.ts'
import { initialState, patch, type AppState, type StoreParts } from './state.ts'
import { WalletActions } from './wallet.ts'

export class AppStore {
  readonly #state = new ObservableState<AppState>('popup state', initialState())
  readonly #platform: Platform
  readonly #stops: Array<() => void> = []
  #accountId: string | null = null
  readonly wallet: WalletActions
  readonly conversations: ConversationActions
  readonly settings: SettingsActions

  constructor(platform: Platform) {
    this.#platform = platform
    const parts: StoreParts = { state: this.#state, rpc: platform.rpc, events: platform.events, applyWallet: (wallet) => this.applyWallet(wallet) }
    this.wallet = new WalletActions(parts)
    this.conversations = new ConversationActions(parts)
    this.settings = new SettingsActions(parts)
  }

  get snapshot(): AppState {
    return this.#state.value
  }

  /** Called after every change of the state; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    return this.#state.subscribe(() => listener())
  }

  private set(change: Partial<AppState>): void {
    patch(this.#state, change)
  }

  /** First load: worker ping, wallet status, then whatever the status allows. */
  async start(): Promise<void> {
    const events = this.#platform.events
    this.#stops.push(events.subscribe((e) => this.apply(e)))
    this.#stops.push(
      events.onConnection((connected) => {
        // A reconnect means the worker restarted: what it pushed meanwhile was missed.
        if (connected && this.snapshot.wallet) void this.refresh()
      }),
    )
    await this.refresh()
  }

  stop(): void {
    for (const stop of this.#stops.splice(0)) stop()
  }

  async refresh(): Promise<void> {
    const rpc = this.#platform.rpc
    try {
      const pong = await rpc.call('ping')
      this.set({ worker: { state: 'online', version: pong.version } })
    } catch (error) {
      this.set({ worker: { state: 'offline', reason: errorText(error, 'The background did not answer.') } })
      return
    }
    try {
      this.applyWallet(await rpc.call('wallet_status'))
    } catch (error) {
      this.set({ worker: { state: 'offline', reason: errorText(error) } })
      return
    }
    void this.checkNode()
  }

  async checkNode(): Promise<void> {
    try {
      this.set({ node: await this.#platform.rpc.call('node_status') })
    } catch (error) {
      this.set({ node: { url: this.snapshot.node?.url ?? '', reachable: false, error: errorText(error, 'The node check failed.'), checkedAt: Date.now() } })
    }
  }

  /** Takes a wallet status: a lock or another account drops what was on screen; a ready session lists. */
  private applyWallet(wallet: WalletStatus): void {
    const before = this.snapshot
    const ready = wallet.initialized && !wallet.locked
    const accountChanged = wallet.activeAccountId !== this.#accountId
    const becameReady = wallet.session.state === 'ready' && before.wallet?.session.state !== 'ready'
    this.#accountId = wallet.activeAccountId
    const sessionWasReady = ready && (before.sessionWasReady || wallet.session.state === 'ready')
    // Each account's conversations are its own; a lock drops what was on screen.
    if (!ready || accountChanged) this.set({ wallet, conversations: null, conversationsError: undefined, threads: {}, search: null, sync: null, blockedConversations: null, sessionWasReady })
    else this.set({ wallet, sessionWasReady })
    if (!ready) return
    // A session that (re)opened may list more than what was there before (a first restore, a
    // new node URL): list again.
    if (this.snapshot.conversations === null || becameReady) void this.conversations.load()
    if (this.snapshot.sync === null) void this.loadSync()
  }

  /** A push from the background's events port. */
  apply(event: ExtensionEvent): void {
    switch (event.type) {
      case 'wallet':
        this.applyWallet(event.status)
        return
      case 'node':
        this.set({ node: event.status })
        return
      case 'sync':
        this.set({ sync: event.status })
        return
      case 'conversation':
        this.conversations.upsert([event.conversation])
        return
      case 'conversations':
        this.conversations.upsert(event.conversations)
        return
      case 'messages':
        this.conversations.merge(event.topic, event.messages)
        return
    }
  }

  async loadSync(): Promise<void> {
    try {
      this.set({ sync: await this.#platform.rpc.call('sync_status') })
    } catch {
      // Sync status is a hint; the list works without it.
    }
  }

  async syncNow(): Promise<void> {
    try {
      this.set({ sync: await this.#platform.rpc.call('sync_now') })
    } catch (error) {
      this.set({ sync: { state: 'error', error: errorText(error), streaming: false } })
    }
  }

  /** Opens Parley in a full tab (on a conversation when given), then closes the popup. */
  async openInTab(topic?: string): Promise<void> {
    await this.#platform.rpc.call('ui_openTab', topic === undefined ? {} : { topic })
    this.#platform.closeView()
  }
}
