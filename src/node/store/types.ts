// The storage boundary of the node. SQLite implements it today; a Postgres store will follow,
// so everything is async and nothing outside a store knows SQL.

import type { Envelope } from '../../protocol/api/wire.ts'

/** A stored envelope with its digest: SHA-256(UTF-8 topic ‖ message) (spec §13.3). */
export interface StoredEnvelope extends Envelope {
  digest: Uint8Array
}

/** Position in a topic's ordering, exclusive: the page continues after (or before) it. */
export interface StoreCursor {
  /** 0 means "compare the digest only" (node-go quirk, spec §13.4). */
  senderTimeNs: bigint
  digest: Uint8Array
}

export interface StoreQuery {
  topics: readonly string[]
  /** Inclusive lower bound on the sender timestamp; 0/undefined = none. */
  startTimeNs?: bigint
  /** Inclusive upper bound on the sender timestamp; 0/undefined = none. */
  endTimeNs?: bigint
  ascending: boolean
  limit: number
  cursor?: StoreCursor
}

export interface EnvelopeStore {
  /**
   * Stores the envelopes in one transaction: all or none. Duplicates (same topic, sender
   * timestamp and message) are ignored. Resolves with how many were new, once durable.
   */
  insert(envelopes: readonly Envelope[]): Promise<number>
  /** Envelopes ordered by (senderTimestamp, digest) in the asked direction. */
  query(query: StoreQuery): Promise<StoredEnvelope[]>
  /** Number of stored envelopes. */
  count(): Promise<number>
  /**
   * Topics (sorted, after `after`) holding at least one envelope with a sender timestamp of at
   * least `startTimeNs`; at most `limit`. Peer catch-up (p2p/catchup.ts) pages through these;
   * a store without it can relay but not serve catch-up.
   */
  listTopics?(range: { startTimeNs: bigint; after: string; limit: number }): Promise<string[]>
  close(): Promise<void>
}
