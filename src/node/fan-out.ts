// In-process fan-out of accepted envelopes to open subscriptions (spec §13.6). Only envelopes
// dispatched after a subscription is registered reach it; there is no replay.
//
// Cost does not grow with subscribers beyond one call each: every envelope's stream line is
// encoded once, and the same bytes go to every subscriber (and, queued in sockets, are held
// once). Delivery runs in slices of DELIVERIES_PER_TURN calls per event-loop turn, so a
// publish to thousands of subscribers cannot hold the loop; order is kept because every
// dispatch goes through one queue.

import { streamLine, type Envelope } from '../wire/message-api.ts'
import { isXmtpTopic } from './topics.ts'

/** One envelope's stream line, shared by every subscriber it goes to. */
export interface EncodedLine {
  readonly bytes: Buffer
  /** Subscribers whose socket still holds these bytes (kept by the stream writer). */
  holders: number
}

export type Deliver = (envelope: Envelope, line: EncodedLine) => void

export interface Subscription {
  readonly topics: ReadonlySet<string> | 'all'
  close(): void
}

interface Listener {
  deliver: Deliver
  open: boolean
}

interface Pending {
  envelope: Envelope
  line: EncodedLine
  listeners: Listener[]
  next: number
}

export const DELIVERIES_PER_TURN = 256

export class FanOut {
  private readonly byTopic = new Map<string, Set<Listener>>()
  private readonly all = new Set<Listener>()
  private count = 0
  private registrations = 0
  private readonly queue: Pending[] = []
  private pumping = false

  /** `onDeliveryError` hears a subscriber callback that threw; the others still get theirs. */
  constructor(private readonly options: { onDeliveryError?: (err: unknown) => void } = {}) {}

  /** Exact-match topics, or 'all' for every envelope under `/xmtp/0/` (subscribe-all). */
  subscribe(topics: Iterable<string> | 'all', deliver: Deliver): Subscription {
    const set = topics === 'all' ? 'all' : new Set(topics)
    const listener: Listener = { deliver, open: true }
    const unregister = () => {
      if (set === 'all') this.all.delete(listener)
      else
        for (const topic of set) {
          const listeners = this.byTopic.get(topic)
          if (!listeners?.delete(listener)) continue
          this.registrations--
          if (listeners.size === 0) this.byTopic.delete(topic)
        }
    }
    try {
      if (set === 'all') this.all.add(listener)
      else
        for (const topic of set) {
          let listeners = this.byTopic.get(topic)
          if (!listeners) this.byTopic.set(topic, (listeners = new Set()))
          listeners.add(listener)
          this.registrations++
        }
    } catch (err) {
      // All or nothing: a failed registration (Map size limit, memory) leaves nothing behind.
      unregister()
      throw err
    }
    this.count++
    return {
      topics: set,
      close: () => {
        if (!listener.open) return
        listener.open = false
        this.count--
        unregister()
      },
    }
  }

  dispatch(envelopes: readonly Envelope[]): void {
    if (this.byTopic.size === 0 && this.all.size === 0) return // nobody listens: nothing to encode
    for (const envelope of envelopes) {
      const listeners: Listener[] = []
      const byTopic = this.byTopic.get(envelope.contentTopic)
      if (byTopic) listeners.push(...byTopic)
      if (this.all.size > 0 && isXmtpTopic(envelope.contentTopic)) listeners.push(...this.all)
      if (listeners.length === 0) continue
      this.queue.push({ envelope, line: { bytes: Buffer.from(streamLine(envelope), 'utf8'), holders: 0 }, listeners, next: 0 })
    }
    if (!this.pumping) this.pump()
  }

  private pump(): void {
    this.pumping = true
    let budget = DELIVERIES_PER_TURN
    while (this.queue.length > 0 && budget > 0) {
      const item = this.queue[0]!
      while (item.next < item.listeners.length && budget > 0) {
        const listener = item.listeners[item.next++]!
        if (!listener.open) continue
        budget--
        try {
          listener.deliver(item.envelope, item.line)
        } catch (err) {
          this.options.onDeliveryError?.(err)
        }
      }
      if (item.next >= item.listeners.length) this.queue.shift()
    }
    if (this.queue.length === 0) this.pumping = false
    else setImmediate(() => this.pump())
  }

  get subscriptionCount(): number {
    return this.count
  }

  /** Topic registrations of all open subscriptions (one per topic per subscription). */
  get topicRegistrations(): number {
    return this.registrations
  }

  /** Envelopes still being delivered. */
  get backlog(): number {
    return this.queue.length
  }
}
