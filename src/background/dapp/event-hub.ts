// The background's end of the dapp events port (DAPP_EVENTS_PORT): one port per page frame,
// opened by the content script when the page listens for events. The hub sends each frame
// `accountsChanged` only when the accounts that frame's origin may see really change, and
// `message` events for the frame's subscriptions, each message once, only for conversations
// the site may read while it holds `stream`. A lost permission ends subscriptions at once.
import { providerErrors } from '../../extension/dapp-visible.ts'
import type { DappPortEvent } from '../../extension/methods/dapp.ts'
import type { ConversationView, MessageView } from '../../extension/views.ts'
import type { ActiveSession } from '../services.ts'
import { canSeeConversation, hasScope } from './access.ts'
import type { SiteGrant } from './permissions.ts'

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
  /** The accounts the origin may see now ([] when locked or not connected). */
  accountsFor(origin: string): Promise<string[]>
  /** The active session and the origin's grant for its account (null grant = not connected). */
  access(origin: string): Promise<{ session: ActiveSession; grant: SiteGrant | null } | null>
  newId?: () => string
}

interface Subscription {
  topics: Set<string> | null
  seen: Set<string>
}

interface Frame {
  origin: string
  port: DappPortLike
  accounts: string[] | null
  subscriptions: Map<string, Subscription>
}

const MAX_SUBSCRIPTIONS_PER_FRAME = 20
const MAX_SEEN = 2000

export class DappEventHub {
  readonly #deps: EventHubDeps
  readonly #newId: () => string
  readonly #frames = new Map<string, Frame>()
  #session: ActiveSession | null = null
  #stopMessages: (() => void) | null = null
  #releaseStream: (() => void) | null = null

  constructor(deps: EventHubDeps) {
    this.#deps = deps
    this.#newId = deps.newId ?? (() => crypto.randomUUID())
  }

  /** A content script connected; `frameKey` is from the browser's sender (tab and frame). */
  attach(port: DappPortLike, origin: string, frameKey: string): void {
    this.#frames.get(frameKey)?.port.disconnect()
    const frame: Frame = { origin, port, accounts: null, subscriptions: new Map() }
    this.#frames.set(frameKey, frame)
    port.onDisconnect.addListener(() => {
      if (this.#frames.get(frameKey) !== frame) return
      this.#frames.delete(frameKey)
      this.#updateStreamHold()
    })
    port.onMessage.addListener((message) => void this.#onPortMessage(frameKey, frame, message))
    void this.#refreshFrame(frame)
  }

  async subscribe(origin: string, frameKey: string | undefined, topics?: string[]): Promise<string> {
    const frame = frameKey === undefined ? undefined : this.#frames.get(frameKey)
    if (!frame || frame.origin !== origin) throw providerErrors.noEventChannel()
    await this.#requireStream(origin)
    if (frame.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_FRAME) throw providerErrors.tooManySubscriptions()
    const id = this.#newId()
    frame.subscriptions.set(id, { topics: topics ? new Set(topics) : null, seen: new Set() })
    this.#post(frame, topics ? { type: 'subscribed', subscriptionId: id, topics } : { type: 'subscribed', subscriptionId: id })
    this.#updateStreamHold()
    return id
  }

  unsubscribe(origin: string, frameKey: string | undefined, subscriptionId: string): boolean {
    const frame = frameKey === undefined ? undefined : this.#frames.get(frameKey)
    if (!frame || frame.origin !== origin) return false
    const removed = frame.subscriptions.delete(subscriptionId)
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

  /** Rechecks accounts and subscriptions of every frame (of one origin, if given). */
  async refresh(origin?: string): Promise<void> {
    await Promise.all([...this.#frames.values()].filter((f) => origin === undefined || f.origin === origin).map((f) => this.#refreshFrame(f)))
    this.#updateStreamHold()
  }

  /** How many frames and subscriptions are open (for tests and diagnostics). */
  stats(): { frames: number; subscriptions: number } {
    let subscriptions = 0
    for (const frame of this.#frames.values()) subscriptions += frame.subscriptions.size
    return { frames: this.#frames.size, subscriptions }
  }

  async #refreshFrame(frame: Frame): Promise<void> {
    const accounts = await this.#deps.accountsFor(frame.origin)
    if (frame.accounts === null || frame.accounts.join() !== accounts.join()) {
      frame.accounts = accounts
      this.#post(frame, { type: 'accountsChanged', accounts })
    }
    if (frame.subscriptions.size === 0) return
    const access = await this.#deps.access(frame.origin)
    if (!access || !hasScope(access.grant, 'stream')) this.#endAll(frame)
  }

  async #requireStream(origin: string): Promise<void> {
    const access = await this.#deps.access(origin)
    if (!access) throw providerErrors.locked()
    if (!access.grant) throw providerErrors.notConnected()
    if (!hasScope(access.grant, 'stream')) throw providerErrors.missingScope('stream')
  }

  async #onPortMessage(frameKey: string, frame: Frame, message: unknown): Promise<void> {
    if (!isResumeMessage(message) || this.#frames.get(frameKey) !== frame) return
    const access = await this.#deps.access(frame.origin)
    for (const { subscriptionId, topics } of message.subscriptions.slice(0, MAX_SUBSCRIPTIONS_PER_FRAME)) {
      if (access && hasScope(access.grant, 'stream')) {
        frame.subscriptions.set(subscriptionId, { topics: topics ? new Set(topics) : null, seen: new Set() })
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
      const access = await this.#deps.access(frame.origin)
      if (this.#session !== session || !access || access.session.data !== session?.data) return
      if (!hasScope(access.grant, 'stream')) {
        this.#endAll(frame)
        continue
      }
      if (!canSeeConversation(access.grant, conversation)) continue
      for (const [subscriptionId, subscription] of frame.subscriptions) {
        if (subscription.topics && !subscription.topics.has(topic)) continue
        for (const message of messages) {
          if (subscription.seen.has(message.id)) continue
          subscription.seen.add(message.id)
          if (subscription.seen.size > MAX_SEEN) subscription.seen.delete(subscription.seen.values().next().value as string)
          this.#post(frame, { type: 'message', subscriptionId, message })
        }
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
