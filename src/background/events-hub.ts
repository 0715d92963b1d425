// The background end of the events port (src/extension/events.ts): Parley's pages connect a
// runtime Port named EXTENSION_EVENTS_PORT; the hub sends them ExtensionEvents and remembers
// which conversation each page shows (so notifications skip it). Knows nothing of chrome.*:
// index.ts hands it the ports.
import { EXTENSION_EVENTS_PORT, isViewingMessage, type ExtensionEvent } from '../extension/events.ts'
import type { ConversationView, SyncStatusView } from '../extension/views.ts'
import { ObservableState, type ReadableState } from '../state/observable-state.ts'

/** The part of runtime.Port the hub uses. */
export interface EventPort {
  readonly name: string
  postMessage(message: unknown): void
  onMessage: { addListener(listener: (message: unknown) => void): void }
  onDisconnect: { addListener(listener: () => void): void }
}

/**
 * A sync status that differs from the last one sent only in its progress goes out at most this
 * often (the latest one, at the end of the interval). A first sync reports every invitation
 * opened: a thousand events a second, each a message, a deserialization and a render in every
 * page, for a bar nobody reads faster than this.
 */
export const SYNC_PROGRESS_INTERVAL_MS = 100

/** Same status but for its progress (what is being done, how far). */
function progressOnly(a: SyncStatusView, b: SyncStatusView): boolean {
  return a.state === b.state && a.streaming === b.streaming && a.error === b.error && a.lastSyncAt === b.lastSyncAt
}

export class EventHub {
  readonly #ports = new Map<EventPort, { viewing: string | null }>()
  /** Pages connected, announced on each change. */
  readonly #presence = new ObservableState<number>('page presence', 0)
  /** Conversation changes gathered for the next send (topic → latest view). */
  readonly #pending = new Map<string, ConversationView>()
  #flushTimer: ReturnType<typeof setTimeout> | undefined
  /** The sync status last sent, and a progress-only one held back until its interval ends. */
  #syncSent: SyncStatusView | undefined
  #syncHeld: SyncStatusView | undefined
  #syncTimer: ReturnType<typeof setTimeout> | undefined

  /** Adopts a newly connected page's port; returns false (and ignores it) for other ports. */
  accept(port: EventPort): boolean {
    if (port.name !== EXTENSION_EVENTS_PORT) return false
    this.#ports.set(port, { viewing: null })
    port.onMessage.addListener((message) => {
      const entry = this.#ports.get(port)
      if (entry && isViewingMessage(message)) entry.viewing = message.topic
    })
    port.onDisconnect.addListener(() => {
      if (this.#ports.delete(port)) this.#announce()
    })
    this.#announce()
    return true
  }

  /** Pages connected right now. */
  get connected(): number {
    return this.#ports.size
  }

  /** Whether some connected page shows this conversation. */
  isViewing(topic: string): boolean {
    for (const entry of this.#ports.values()) if (entry.viewing === topic) return true
    return false
  }

  /**
   * Sends `event` to every page. Conversation changes are gathered for one task and go out
   * as one event (each topic once, its latest state): a sync pass changes hundreds in a
   * burst, and a page that re-rendered its list per change would load the machine for
   * seconds. A sync status whose progress alone moved waits out SYNC_PROGRESS_INTERVAL_MS
   * (only the latest goes); any other sync status goes at once and replaces a held one. Any
   * other event first sends the gathered conversation changes, so pages see changes in order.
   */
  broadcast(event: ExtensionEvent): void {
    if (event.type === 'conversation') {
      if (this.#ports.size === 0) return
      this.#pending.set(event.conversation.topic, event.conversation)
      this.#flushTimer ??= setTimeout(() => this.#flush(), 0)
      return
    }
    if (event.type === 'sync') {
      if (this.#ports.size === 0) return
      if (this.#syncSent && progressOnly(this.#syncSent, event.status)) {
        this.#syncHeld = event.status
        this.#syncTimer ??= setTimeout(() => this.#sendHeldSync(), SYNC_PROGRESS_INTERVAL_MS)
        return
      }
      this.#dropHeldSync()
      this.#syncSent = event.status
    }
    this.#flush()
    this.#send(event)
  }

  #sendHeldSync(): void {
    const held = this.#syncHeld
    this.#dropHeldSync()
    if (!held) return
    this.#syncSent = held
    this.#flush()
    this.#send({ type: 'sync', status: held })
  }

  #dropHeldSync(): void {
    if (this.#syncTimer !== undefined) clearTimeout(this.#syncTimer)
    this.#syncTimer = undefined
    this.#syncHeld = undefined
  }

  #flush(): void {
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer)
    this.#flushTimer = undefined
    if (this.#pending.size === 0) return
    const conversations = [...this.#pending.values()]
    this.#pending.clear()
    this.#send(conversations.length === 1 ? { type: 'conversation', conversation: conversations[0]! } : { type: 'conversations', conversations })
  }

  #send(event: ExtensionEvent): void {
    for (const port of [...this.#ports.keys()]) {
      try {
        port.postMessage(event)
      } catch {
        this.#ports.delete(port) // the page went away between disconnect and now
        this.#announce()
      }
    }
  }

  /** Told the number of connected pages whenever it changes. */
  onPresence(listener: (connected: number) => void): () => void {
    return this.#presence.subscribe((connected) => listener(connected))
  }

  /** The number of connected pages, as state others may watch. */
  get presence(): ReadableState<number> {
    return this.#presence.readonly()
  }

  #announce(): void {
    this.#presence.set(this.#ports.size)
  }
}
