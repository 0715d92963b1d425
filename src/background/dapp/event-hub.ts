// The background's end of the dapp events port (DAPP_EVENTS_PORT): one port per page frame,
// opened by the content script when the page listens for events. The hub sends each frame
// `accountsChanged` only when the accounts that frame's origin may see really change, and only
// once that account answers requests (not while its session is still being prepared); and
// `message` events for the frame's subscription, each message once per page however often the
// page subscribed, only for conversations the site may read while it holds `stream`. A lost
// permission ends subscriptions at once.
import { dappErrors } from './errors.ts'
import type { DappPortEvent } from '../../extension/methods/dapp.ts'
import type { ConversationView, MessageView } from '../../extension/views.ts'
import type { ActiveSession } from '../contracts.ts'
import { canSeeConversation, hasScope } from './access.ts'
import type { SiteConnection } from './permissions.ts'

/** The parts of runtime.Port the hub uses. */
export interface DappPortLike {
  postMessage(message: unknown): void
  disconnect(): void
  onMessage: { addListener(listener: (message: unknown) => void): void }
  onDisconnect: { addListener(listener: () => void): void }
}

/** Content → background on the port after a reconnect: the subscriptions to carry on. */
export interface ResumeMessage {
  type: 'resume'
  subscriptions: Array<{ subscriptionId: string; topics?: string[] }>
}

export interface EventHubDeps {
  /**
   * The accounts to announce to the origin now ([] when locked or not connected), or null while
   * the account it is connected to is still being prepared (announced once it answers).
   */
  accountsFor(origin: string): Promise<string[] | null>
  /** The origin's connection: the active session and its grant (null grant = not connected); null while locked. */
  connectionOf(origin: string): Promise<SiteConnection | null>
  newId?: () => string
}

interface FrameSubscription {
  topics: Set<string> | null
}

interface Frame {
  origin: string
  port: DappPortLike
  accounts: string[] | null
  subscriptions: Map<string, FrameSubscription>
  /** Message ids already delivered to this page (each message reaches a page once). */
  seen: Set<string>
}

/** Resumed subscriptions kept per frame (one is made per page; more only from a resume). */
const MAX_SUBSCRIPTIONS_PER_FRAME = 20
/** Topics one page's subscription may name, over all its xmtp_subscribe calls. */
const MAX_TOPICS_PER_FRAME = 500
const MAX_SEEN = 2000

export class DappEventHub {
  readonly #deps: EventHubDeps
  readonly #newId: () => string
  readonly #frames = new Map<string, Frame>()
  #session: ActiveSession | null = null
  #stopMessages: (() => void) | null = null
  #releaseStream: (() => void) | null = null
  #refreshChain: Promise<void> = Promise.resolve()

  constructor(deps: EventHubDeps) {
    this.#deps = deps
    this.#newId = deps.newId ?? (() => crypto.randomUUID())
  }

  /** A content script connected; `frameKey` is from the browser's sender (tab and frame). */
  attach(port: DappPortLike, origin: string, frameKey: string): void {
    this.#frames.get(frameKey)?.port.disconnect()
    const frame: Frame = { origin, port, accounts: null, subscriptions: new Map(), seen: new Set() }
    this.#frames.set(frameKey, frame)
    port.onDisconnect.addListener(() => {
      if (this.#frames.get(frameKey) !== frame) return
      this.#frames.delete(frameKey)
      this.#updateStreamHold()
    })
    port.onMessage.addListener((message) => void this.#onPortMessage(frameKey, frame, message))
    void this.refresh(origin)
  }

  /**
   * Idempotent per page: the first call opens the page's subscription, later calls widen it
   * (no `topics` = every conversation the site may read) and answer the same id, so a page that
   * subscribes twice still gets one event per message.
   */
  async subscribe(origin: string, frameKey: string | undefined, topics?: string[]): Promise<string> {
    const frame = frameKey === undefined ? undefined : this.#frames.get(frameKey)
    if (!frame || frame.origin !== origin) throw dappErrors.noEventChannel()
    await this.#requireStream(origin)
    const existing = frame.subscriptions.entries().next().value as [string, FrameSubscription] | undefined
    const id = existing?.[0] ?? this.#newId()
    let wanted: Set<string> | null = topics ? new Set(topics) : null
    if (existing) {
      const held = existing[1].topics
      wanted = held === null || wanted === null ? null : new Set([...held, ...wanted])
    }
    if (wanted && wanted.size > MAX_TOPICS_PER_FRAME) throw dappErrors.tooManySubscriptions()
    frame.subscriptions.set(id, { topics: wanted })
    this.#post(frame, wanted ? { type: 'subscribed', subscriptionId: id, topics: [...wanted] } : { type: 'subscribed', subscriptionId: id })
    this.#updateStreamHold()
    return id
  }

  /** Ends the page's subscription (the content script forgets it too, so no resume brings it back). */
  unsubscribe(origin: string, frameKey: string | undefined, subscriptionId: string): boolean {
    const frame = frameKey === undefined ? undefined : this.#frames.get(frameKey)
    if (!frame || frame.origin !== origin) return false
    const removed = frame.subscriptions.delete(subscriptionId)
    if (removed) this.#post(frame, { type: 'subscriptionEnded', subscriptionId })
    this.#updateStreamHold()
    return removed
  }

  /** The active session changed (lock, unlock, switch): re-hook messages, end subscriptions, recheck accounts. */
  setSession(session: ActiveSession | null): void {
    if (session?.data === this.#session?.data && session?.account.id === this.#session?.account.id) return
    this.#stopMessages?.()
    this.#stopMessages = null
    this.#releaseStream?.()
    this.#releaseStream = null
    this.#session = session
    for (const frame of this.#frames.values()) this.#endAll(frame)
    if (session) this.#stopMessages = session.data.onMessages((topic, messages, conversation) => void this.#deliver(topic, messages, conversation))
    void this.refresh()
  }

  /**
   * Rechecks accounts and subscriptions of every frame (of one origin, if given). Serialised, so
   * an earlier check that read an older state can never post after a later one.
   */
  refresh(origin?: string): Promise<void> {
    const run = this.#refreshChain.then(async () => {
      await Promise.all([...this.#frames.values()].filter((f) => origin === undefined || f.origin === origin).map((f) => this.#refreshFrame(f)))
      this.#updateStreamHold()
    })
    this.#refreshChain = run.catch(() => undefined)
    return run
  }

  /** How many frames and subscriptions are open (for tests and diagnostics). */
  stats(): { frames: number; subscriptions: number } {
    let subscriptions = 0
    for (const frame of this.#frames.values()) subscriptions += frame.subscriptions.size
    return { frames: this.#frames.size, subscriptions }
  }

  async #refreshFrame(frame: Frame): Promise<void> {
    const accounts = await this.#deps.accountsFor(frame.origin)
    // null: the account is still being prepared; its session's arrival refreshes again.
    if (accounts !== null && (frame.accounts === null || frame.accounts.join() !== accounts.join())) {
      frame.accounts = accounts
      this.#post(frame, { type: 'accountsChanged', accounts })
    }
    if (frame.subscriptions.size === 0) return
    const connection = await this.#deps.connectionOf(frame.origin)
    if (!connection || !hasScope(connection.grant, 'stream')) this.#endAll(frame)
  }

  async #requireStream(origin: string): Promise<void> {
    const connection = await this.#deps.connectionOf(origin)
    if (!connection) throw dappErrors.locked()
    if (!connection.grant) throw dappErrors.notConnected()
    if (!hasScope(connection.grant, 'stream')) throw dappErrors.missingScope('stream')
  }

  async #onPortMessage(frameKey: string, frame: Frame, message: unknown): Promise<void> {
    if (!isResumeMessage(message) || this.#frames.get(frameKey) !== frame) return
    const connection = await this.#deps.connectionOf(frame.origin)
    for (const { subscriptionId, topics } of message.subscriptions.slice(0, MAX_SUBSCRIPTIONS_PER_FRAME)) {
      if (connection && hasScope(connection.grant, 'stream')) {
        frame.subscriptions.set(subscriptionId, { topics: topics ? new Set(topics.slice(0, MAX_TOPICS_PER_FRAME)) : null })
      } else {
        this.#post(frame, { type: 'subscriptionEnded', subscriptionId })
      }
    }
    this.#updateStreamHold()
  }

  async #deliver(topic: string, messages: MessageView[], conversation: ConversationView): Promise<void> {
    const session = this.#session
    for (const frame of this.#frames.values()) {
      if (frame.subscriptions.size === 0) continue
      const connection = await this.#deps.connectionOf(frame.origin)
      if (this.#session !== session || !connection || connection.session.data !== session?.data) return
      if (!hasScope(connection.grant, 'stream')) {
        this.#endAll(frame)
        continue
      }
      if (!canSeeConversation(frame.origin, connection.grant, conversation)) continue
      // Each message once per page, under the first subscription that covers its topic.
      const subscriptionId = [...frame.subscriptions].find(([, s]) => s.topics === null || s.topics.has(topic))?.[0]
      if (subscriptionId === undefined) continue
      for (const message of messages) {
        if (frame.seen.has(message.id)) continue
        frame.seen.add(message.id)
        if (frame.seen.size > MAX_SEEN) frame.seen.delete(frame.seen.values().next().value as string)
        this.#post(frame, { type: 'message', subscriptionId, message })
      }
    }
  }

  #endAll(frame: Frame): void {
    for (const subscriptionId of frame.subscriptions.keys()) this.#post(frame, { type: 'subscriptionEnded', subscriptionId })
    frame.subscriptions.clear()
  }

  #updateStreamHold(): void {
    const wanted = this.#session !== null && this.stats().subscriptions > 0
    if (wanted && !this.#releaseStream) this.#releaseStream = this.#session!.data.holdStream('dapp subscriptions')
    if (!wanted && this.#releaseStream) {
      this.#releaseStream()
      this.#releaseStream = null
    }
  }

  #post(frame: Frame, event: DappPortEvent): void {
    try {
      frame.port.postMessage(event)
    } catch {
      // The page went away between our check and the send; its onDisconnect cleans up.
    }
  }
}

function isResumeMessage(value: unknown): value is ResumeMessage {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return v.type === 'resume' && Array.isArray(v.subscriptions) && v.subscriptions.every((s) => {
    if (typeof s !== 'object' || s === null) return false
    const sub = s as Record<string, unknown>
    return typeof sub.subscriptionId === 'string' && sub.subscriptionId.length <= 64 &&
      (sub.topics === undefined || (Array.isArray(sub.topics) && sub.topics.every((t) => typeof t === 'string')))
  })
}
