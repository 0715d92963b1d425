// The one place an accepted envelope goes: into the store (unless ephemeral), then out to
// subscribers. The peer-to-peer relay (p2p/relay.ts) hooks in here: it adds a listener to
// forward what local clients published, and calls accept() for what peers send.

import type { Envelope } from '../protocol/api/wire.ts'
import type { Dispatcher } from './dispatcher.ts'
import type { EnvelopeStore } from './store/types.ts'
import { isEphemeralTopic } from './topics.ts'

/** What a client proved when publishing: the relay forwards it for owner-only topics. */
export interface PublishProof {
  /** The request's `Authorization` header, when the node checked it. */
  authorization?: string | undefined
}

export type AcceptedListener = (envelopes: readonly Envelope[], origin: string, proof: PublishProof) => void

export class EnvelopeSink {
  private readonly listeners = new Set<AcceptedListener>()

  constructor(
    private readonly store: EnvelopeStore,
    private readonly dispatcher: Dispatcher,
  ) {}

  /**
   * Stores the non-ephemeral envelopes in one transaction and, once that is durable, delivers
   * all of them (ephemeral and duplicates too, as node-go does) to subscribers and listeners.
   * Returns how many were newly stored.
   */
  async accept(envelopes: readonly Envelope[], origin = 'client', proof: PublishProof = {}): Promise<number> {
    const durable = envelopes.filter((e) => !isEphemeralTopic(e.contentTopic))
    const stored = durable.length > 0 ? await this.store.insert(durable) : 0
    this.dispatcher.dispatch(envelopes)
    for (const listener of this.listeners) listener(envelopes, origin, proof)
    return stored
  }

  onAccepted(listener: AcceptedListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
