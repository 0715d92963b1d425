// The one place an accepted envelope goes: into the store (unless ephemeral), then out to
// subscribers. The peer-to-peer relay (p2p/relay.ts) hooks in here: it adds a listener to
// forward what local clients published, and calls accept() for what peers send.

import type { Envelope } from '../wire/message-api.ts'
import type { FanOut } from './fan-out.ts'
import type { EnvelopeStore, ProvenEnvelope } from './store/types.ts'
import { isEphemeralTopic, restrictedTopicOwner } from './topics.ts'

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
    private readonly fanOut: FanOut,
  ) {
    // Envelopes other node processes on a shared store accepted reach this process's
    // subscribers (not the listeners: those other processes already relayed them).
    store.fanOut?.onRemote((envelopes) => fanOut.dispatch(envelopes))
  }

  /**
   * Stores the non-ephemeral envelopes in one transaction and, once that is durable, delivers
   * all of them (ephemeral and duplicates too, as node-go does) to subscribers and listeners.
   * Returns how many were newly stored.
   */
  async accept(envelopes: readonly Envelope[], origin = 'client', proof: PublishProof = {}): Promise<number> {
    // Owner-only envelopes are stored with the token they were accepted on, so that catch-up
    // can prove them to a peer long after the token stopped being valid for new publishes.
    const withProof = (e: Envelope): ProvenEnvelope =>
      proof.authorization !== undefined && restrictedTopicOwner(e.contentTopic) !== undefined ? { ...e, proof: proof.authorization } : e
    const proven = proof.authorization === undefined ? envelopes : envelopes.map(withProof)
    const durable = proven.some((e) => isEphemeralTopic(e.contentTopic)) ? proven.filter((e) => !isEphemeralTopic(e.contentTopic)) : proven
    const stored = durable.length > 0 ? await this.store.insert(durable) : 0
    // A shared store announces what it stored itself; ephemeral envelopes need telling.
    if (this.store.fanOut && durable.length < envelopes.length) await this.store.fanOut.announce(envelopes.filter((e) => isEphemeralTopic(e.contentTopic)))
    this.fanOut.dispatch(envelopes)
    for (const listener of this.listeners) listener(envelopes, origin, proof)
    return stored
  }

  onAccepted(listener: AcceptedListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
