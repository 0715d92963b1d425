// One XMTP session at a time: the active account's Client (its identity created or restored with
// the account key as signer, no prompt) and its AccountData (cache, sync, outbox). Follows the
// wallet (unlock, lock, account switch) and the node URL setting; reports progress as a
// SessionView; retries with backoff when the node cannot be reached.
//
// The identity's key bundle is kept encrypted between starts (identity-store.ts), so a worker
// restart opens the session without the network; the contact bundles are then checked and
// published in the background.
import { Client, PrivateKeySigner, type ClientOptions, type ConversationStore, type Persistence } from '../../protocol/index.ts'
import { ApiError, NetworkError } from '../../protocol/api/index.ts'
import type { AccountView, SessionView } from '../../extension/views.ts'
import type { AccountData, ActiveSession, WalletService } from '../contracts.ts'
import { IdentityStore } from './identity-store.ts'
import { markBoot } from '../boot-marks.ts'
import { BackgroundError } from '../errors.ts'
import { ClientError } from '../../protocol/client/errors.ts'
import { ObservableState, type ReadableState } from '../../state/observable-state.ts'

/** How long a session restore lets reads of the cache in flight go first (readPendingStore). */
const READ_PRIORITY_MS = 300

export interface OpenStoreArgs {
  account: AccountView
  nodeUrl: string
  /** 32 bytes for the cache's encryption; the data layer copies it, the caller zeroes it. */
  cacheKey: Uint8Array
}

/** The account's encrypted database, opened before the Client (which keeps its records there). */
export interface SessionStore {
  readonly persistence: Persistence
  /** Where the Client keeps its conversation records (the data layer's rows); default: items in `persistence`. */
  readonly conversationStore?: ConversationStore
  close(): void
}

export interface OpenDataArgs<S extends SessionStore = SessionStore> extends OpenStoreArgs {
  client: Client
  /** What openStore returned; AccountData takes it over (and closes it). */
  store?: S
}

export interface SessionManagerOptions<S extends SessionStore = SessionStore> {
  wallet: WalletService
  identities: IdentityStore
  nodeUrl(): Promise<string>
  /** Opens the account's store (the Client's persistence lives in it); without it the Client keeps records in memory. */
  openStore?(args: OpenStoreArgs): Promise<S>
  /** Builds the account's AccountData (src/background/data) over an open client and store. */
  openData(args: OpenDataArgs<S>): Promise<AccountData>
  /** Client.create, replaceable in tests. */
  createClient?: (signer: PrivateKeySigner | null, options: ClientOptions) => Promise<Client>
  fetch?: ClientOptions['fetch']
  appVersion?: string
  /**
   * Awaited before the Client is built (after the cache is open): the worker passes the
   * WebAssembly curve backend's load, so the restore's and first sync's curve work runs on it.
   */
  beforeClient?: () => Promise<unknown>
  /** Delays between attempts after a failure (the last one repeats). */
  retryDelaysMs?: number[]
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

interface Attempt<S> {
  key: string
  account: AccountView
  nodeUrl: string
  generation: number
  failures: number
  timer?: unknown
  client?: Client
  data?: AccountData
  /** Settles once this try has opened its store (with it) or failed before (with undefined). */
  store?: Promise<S | undefined>
}

const IDLE: SessionView = { state: 'idle' }

/** Purpose strings for WalletService.deriveKey; one key per use, node and account. */
export const cachePurpose = (nodeUrl: string, address: string) => `cache/${nodeUrl}/${address.toLowerCase()}`

/** Why a session could not be opened, where the cause alone does not say (the account's cache did not open). */
export class SessionError extends BackgroundError<'cache-unavailable'> {}

/** A sentence a person can act on, never internal text or key material. */
export function describeSessionError(error: unknown, nodeUrl: string): string {
  if (error instanceof NetworkError) return `Cannot reach the XMTP node at ${nodeUrl}.`
  if (error instanceof SessionError && error.reason === 'cache-unavailable') return 'The message cache in this browser could not be opened (is the disk full, or is a private window blocking storage?).'
  if (error instanceof ApiError) return `The XMTP node at ${nodeUrl} refused the request (${error.name}).`
  if (error instanceof ClientError) return `Your XMTP identity could not be opened (${error.reason}).`
  return 'Your XMTP session could not be started.'
}

export class SessionManager<S extends SessionStore = SessionStore> {
  readonly #o: SessionManagerOptions<S>
  readonly #createClient: NonNullable<SessionManagerOptions<S>['createClient']>
  /** The active account's session (null while locked or not ready), announced on each change. */
  readonly #activeState = new ObservableState<ActiveSession | null>('active session', null, { equals: Object.is })
  /** The session's progress as pages show it, announced on each change. */
  readonly #viewState = new ObservableState<SessionView>('session view', IDLE)
  #attempt: Attempt<S> | undefined
  #generation = 0
  #sync: Promise<void> = Promise.resolve()
  /** Reads of the pending store in flight (readPendingStore). */
  readonly #reads = new Set<Promise<void>>()

  constructor(options: SessionManagerOptions<S>) {
    this.#o = options
    this.#createClient = options.createClient ?? ((signer, opts) => Client.create(signer, opts))
  }

  view(): SessionView {
    return { ...this.#view }
  }

  active(): ActiveSession | null {
    return this.#active
  }

  get #view(): SessionView {
    return this.#viewState.value
  }

  get #active(): ActiveSession | null {
    return this.#activeState.value
  }

  /** The active session as state (ObservableState): lock, unlock, switch, session ready. */
  get activeState(): ReadableState<ActiveSession | null> {
    return this.#activeState.readonly()
  }

  onSessionChange(listener: (session: ActiveSession | null) => void): () => void {
    return this.#activeState.subscribe((next) => listener(next))
  }

  onView(listener: (view: SessionView) => void): () => void {
    return this.#viewState.subscribe((next) => listener({ ...next }))
  }

  /**
   * Brings the session in line with the wallet and the node URL: opens one for the unlocked
   * active account, closes it on lock or switch. Calls are serialised; resolves when the
   * change is applied (a session being opened reports progress through onView).
   */
  sync(): Promise<void> {
    const next = this.#sync.then(() => this.#reconcile())
    this.#sync = next.catch(() => {})
    return next
  }

  /** Resolves when the current attempt is ready or has failed once (for handlers that must wait). */
  async whenSettled(): Promise<SessionView> {
    await this.#sync
    if (this.#view.state !== 'creating' && this.#view.state !== 'restoring') return this.view()
    return new Promise((resolve) => {
      const off = this.onView((view) => {
        if (view.state === 'creating' || view.state === 'restoring') return
        off()
        resolve(view)
      })
    })
  }

  /**
   * While a session is being opened (no Client yet), the account's store once it is open, so
   * the cache can be read before the session is ready; null when locked, ready, failed or
   * without a store. The store stays the session's (never close it).
   */
  async pendingStore(): Promise<S | null> {
    await this.#sync
    const attempt = this.#attempt
    if (!attempt?.store || this.#active || (this.#view.state !== 'creating' && this.#view.state !== 'restoring')) return null
    const store = await attempt.store
    return store && this.#current(attempt) && !this.#active ? store : null
  }

  /**
   * Runs `read` on the pending store (see pendingStore); null when there is none. The session
   * restore waits for reads in flight before it builds the Client (up to READ_PRIORITY_MS):
   * that is curve work on the worker's one thread, and these reads are what a woken worker
   * answers the popup's first paint with.
   */
  async readPendingStore<T>(read: (store: S) => Promise<T>): Promise<T | null> {
    const release = this.expectRead()
    try {
      const store = await this.pendingStore()
      return store ? await read(store) : null
    } finally {
      release()
    }
  }

  /**
   * Announces a read of the cache that is on its way (a request that arrived and will read
   * through readPendingStore once start-up checks are done): the restore waits for it as for
   * a read in flight. Call the returned function when it is answered.
   */
  expectRead(): () => void {
    let done!: () => void
    const reading = new Promise<void>((resolve) => (done = resolve))
    this.#reads.add(reading)
    return () => {
      this.#reads.delete(reading)
      done()
    }
  }

  /** Resolves once the reads of the pending store in flight now are done, or after `capMs`. */
  #readsSettled(capMs: number): Promise<void> {
    if (this.#reads.size === 0) return Promise.resolve()
    let timer: ReturnType<typeof setTimeout> | undefined
    const cap = new Promise<void>((resolve) => (timer = setTimeout(resolve, capMs)))
    return Promise.race([Promise.all([...this.#reads]).then(() => {}), cap]).finally(() => clearTimeout(timer))
  }

  /** Closes the session (lock); the cache stays on disk. */
  async close(): Promise<void> {
    await this.#end()
    this.#setView(IDLE)
  }

  async #reconcile(): Promise<void> {
    const status = await this.#o.wallet.status()
    const account = status.locked ? undefined : status.accounts.find((a) => a.id === status.activeAccountId)
    if (!account) {
      if (this.#attempt) await this.close()
      return
    }
    const nodeUrl = await this.#o.nodeUrl()
    const key = `${account.id}|${account.address}|${nodeUrl}`
    if (this.#attempt?.key === key) {
      if (this.#attempt.account.label !== account.label) this.#attempt.account = account
      // A rename is not a new session: the same session shows the new label, nobody is told.
      if (this.#active && this.#active.account.label !== account.label) this.#active.account = account
      return
    }
    await this.#end()
    const attempt: Attempt<S> = { key, account, nodeUrl, generation: ++this.#generation, failures: 0 }
    this.#attempt = attempt
    // Returns once the attempt has announced its first step, so callers see its progress.
    await new Promise<void>((started) => void this.#open(attempt, started))
  }

  #current(attempt: Attempt<S>): boolean {
    return this.#attempt === attempt && attempt.generation === this.#generation
  }

  async #open(attempt: Attempt<S>, started: () => void = () => {}): Promise<void> {
    const { account, nodeUrl } = attempt
    const address = account.address
    let cacheKey: Uint8Array | undefined
    let store: S | undefined
    let client: Client | undefined
    let storeOpened: (store: S | undefined) => void = () => {}
    attempt.store = new Promise((resolve) => (storeOpened = resolve))
    let cached: Uint8Array | null = null
    try {
      // The identity is read while the cache opens: a page's first read needs only the cache.
      const loading = this.#o.identities.load(nodeUrl, address)
      let opening: Promise<S | undefined> | undefined
      try {
        cacheKey = await this.#o.wallet.deriveKey(cachePurpose(nodeUrl, address))
        opening = this.#o.openStore ? this.#o.openStore({ account, nodeUrl, cacheKey }) : Promise.resolve(undefined)
        opening.catch(() => {}) // awaited below; not an unhandled rejection meanwhile
        cached = await loading
      } catch (error) {
        void loading.then((bytes) => bytes?.fill(0), () => {})
        void opening?.then((opened) => opened?.close(), () => {})
        throw error
      }
      this.#setView(cached
        ? { state: 'restoring', step: 'Opening your XMTP identity' }
        : { state: 'creating', step: `Creating or restoring your XMTP identity on ${nodeUrl}` })
      started()
      try {
        store = await opening
      } catch (cause) {
        throw new SessionError('cache-unavailable', 'the message cache could not be opened', { cause })
      }
      markBoot('store-opened')
      storeOpened(store)
      await this.#readsSettled(READ_PRIORITY_MS)
      if (this.#o.beforeClient) await this.#o.beforeClient()
      const base: ClientOptions = {
        apiUrl: nodeUrl,
        ...(this.#o.fetch ? { fetch: this.#o.fetch } : {}),
        ...(this.#o.appVersion ? { appVersion: this.#o.appVersion } : {}),
        ...(store ? { persistence: store.persistence, ...(store.conversationStore ? { conversationStore: store.conversationStore } : {}) } : {}),
      }
      if (cached) {
        try {
          client = await this.#createClient(null, { ...base, privateKeyOverride: cached, skipContactPublishing: true })
        } finally {
          cached.fill(0)
        }
        void this.#publishContacts(attempt, client)
      } else {
        const privateKey = await this.#o.wallet.privateKeyOf(account.id)
        const signer = new PrivateKeySigner(privateKey)
        privateKey.fill(0)
        try {
          client = await this.#createClient(signer, base)
        } finally {
          signer.destroy()
        }
        const bundle = client.exportKeyBundle()
        try {
          await this.#o.identities.save(nodeUrl, address, bundle)
        } finally {
          bundle.fill(0)
        }
      }
      if (!this.#current(attempt)) {
        await client.close()
        store?.close()
        return
      }
      attempt.client = client
      markBoot('client-created')
      this.#setView({ state: cached ? 'restoring' : 'creating', step: 'Opening your messages' })
      const data = await this.#o.openData({ client, account, nodeUrl, cacheKey, ...(store ? { store } : {}) })
      if (!this.#current(attempt)) {
        await data.close()
        await client.close()
        return
      }
      attempt.data = data
      attempt.failures = 0
      // The session first, so whoever hears 'ready' finds it in active().
      this.#activeState.set({ account: attempt.account, data })
      this.#setView({ state: 'ready' })
      markBoot('session-ready')
    } catch (error) {
      // Closing twice is harmless (IDBDatabase.close, key zeroing), so close whatever was opened.
      store?.close()
      // A client made before the failure (or before a lock made this attempt stale) is closed here.
      await client?.close().catch(() => {})
      attempt.client = undefined
      if (!this.#current(attempt)) return
      const delays = this.#o.retryDelaysMs ?? [1000, 2000, 5000, 10_000, 30_000]
      const delay = delays[Math.min(attempt.failures, delays.length - 1)]!
      attempt.failures++
      this.#setView({ state: 'error', error: `${describeSessionError(error, nodeUrl)} Trying again in ${Math.round(delay / 1000)} s.` })
      const setTimer = this.#o.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
      attempt.timer = setTimer(() => {
        attempt.timer = undefined
        if (this.#current(attempt)) void this.#open(attempt)
      }, delay)
    } finally {
      storeOpened(undefined) // a no-op once the store was announced
      cacheKey?.fill(0)
      cached?.fill(0) // zeroed after Client creation already; here also when a step before it failed
      started()
    }
  }

  /** Makes sure the node has our contact bundles (a restored session skipped that to open offline). */
  async #publishContacts(attempt: Attempt<S>, client: Client, tries = 0): Promise<void> {
    try {
      await client.publishContactBundles()
    } catch {
      if (!this.#current(attempt) || tries >= 5) return
      const setTimer = this.#o.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
      setTimer(() => void this.#publishContacts(attempt, client, tries + 1), 2000 * 2 ** tries)
    }
  }

  /**
   * Retries a failed attempt now (e.g. the node came back, or the user pressed retry) instead
   * of waiting for its timer.
   */
  retryNow(): void {
    const attempt = this.#attempt
    if (!attempt || this.#view.state !== 'error' || attempt.timer === undefined) return
    ;(this.#o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(attempt.timer)
    attempt.timer = undefined
    void this.#open(attempt)
  }

  async #end(): Promise<void> {
    const attempt = this.#attempt
    this.#attempt = undefined
    this.#generation++
    if (!attempt) return
    if (attempt.timer !== undefined) (this.#o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(attempt.timer)
    this.#activeState.set(null)
    await attempt.data?.close().catch(() => {})
    await attempt.client?.close().catch(() => {})
  }

  #setView(view: SessionView): void {
    this.#viewState.set(view)
  }
}
