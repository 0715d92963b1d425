// In-process fan-out of accepted envelopes to open subscriptions (spec §13.6). Only envelopes
// dispatched after a subscription is registered reach it; there is no replay.

import type { Envelope } from '../protocol/api/wire.ts'
import { isXmtpTopic } from './topics.ts'

export type Deliver = (envelope: Envelope) => void

export interface Subscription {
  readonly topics: ReadonlySet<string> | 'all'
  close(): void
}

export class Dispatcher {
  private readonly byTopic = new Map<string, Set<Deliver>>()
  private readonly all = new Set<Deliver>()
  private count = 0

  /** Exact-match topics, or 'all' for every envelope under `/xmtp/0/` (subscribe-all). */
  subscribe(topics: Iterable<string> | 'all', deliver: Deliver): Subscription {
    const set = topics === 'all' ? 'all' : new Set(topics)
    if (set === 'all') this.all.add(deliver)
    else
      for (const topic of set) {
        let listeners = this.byTopic.get(topic)
        if (!listeners) this.byTopic.set(topic, (listeners = new Set()))
        listeners.add(deliver)
      }
    this.count++
    let open = true
    return {
      topics: set,
      close: () => {
        if (!open) return
        open = false
        this.count--
        if (set === 'all') this.all.delete(deliver)
        else
          for (const topic of set) {
            const listeners = this.byTopic.get(topic)
            listeners?.delete(deliver)
            if (listeners?.size === 0) this.byTopic.delete(topic)
          }
      },
    }
  }

  dispatch(envelopes: readonly Envelope[]): void {
    for (const envelope of envelopes) {
      const listeners = this.byTopic.get(envelope.contentTopic)
      if (listeners) for (const deliver of [...listeners]) deliver(envelope)
      if (this.all.size > 0 && isXmtpTopic(envelope.contentTopic)) for (const deliver of [...this.all]) deliver(envelope)
    }
  }

  get subscriptionCount(): number {
    return this.count
  }
}
