// The storage boundary of the node: embedded SQLite (sqlite.ts, the default) and PostgreSQL
// (postgres.ts) implement it, so everything is async and nothing outside a store knows SQL.

import type { Envelope } from '../../wire/message-api.ts'

/**
 * An envelope with the proof it was accepted on, for owner-only topics (contact-,
 * privatestore-): the publisher's `Authorization` value ("Bearer <token>"). Peers check it
 * again when the envelope reaches them later (catch-up, anti-entropy), so it is stored too.
 */
export interface ProvenEnvelope extends Envelope {
  proof?: string | undefined
}

/** A stored envelope with its digest: SHA-256(UTF-8 topic ‖ message) (spec §13.3). */
export interface StoredEnvelope extends ProvenEnvelope {
  digest: Uint8Array
}

/** What identifies a stored envelope: its topic, sender time and digest. */
export interface EnvelopeKey {
  contentTopic: string
  timestampNs: bigint
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
   * A `proof` is stored with its envelope (the first one stored wins).
   */
  insert(envelopes: readonly ProvenEnvelope[]): Promise<number>
  /** Envelopes ordered by (senderTimestamp, digest) in the asked direction. */
  query(query: StoreQuery): Promise<StoredEnvelope[]>
  /** Number of stored envelopes (Postgres: the planner's estimate past a size, see health()). */
  count(): Promise<number>
  /**
   * Topics (sorted, after `after`) holding at least one envelope with a sender timestamp of at
   * least `startTimeNs`; at most `limit`. Peer catch-up (p2p/catchup.ts) pages through these;
   * a store without it can relay but not serve catch-up.
   */
  listTopics?(range: { startTimeNs: bigint; after: string; limit: number }): Promise<string[]>
  /**
   * Retention (retention.ts): deletes up to `limit` envelopes with topics in `range` and a
   * sender timestamp before `beforeNs`, in topic order, in one transaction; says how many and
   * the last topic reached (where the next batch starts).
   */
  deleteOlder?(range: TopicRange, beforeNs: bigint, limit: number): Promise<{ deleted: number; lastTopic: string | undefined }>
  /** How many envelopes deleteOlder would remove from `range` (a dry run). */
  countOlder?(range: TopicRange, beforeNs: bigint): Promise<number>
  /**
   * Keys (no payloads) of the envelopes with a sender time in [startTimeNs, endTimeNs], ordered
   * by (topic, sender time, digest), after `after` (exclusive); at most `limit`. Anti-entropy
   * (p2p/anti-entropy.ts) summarises recent history from these.
   */
  scanKeys?(range: { startTimeNs: bigint; endTimeNs: bigint; after?: EnvelopeKey; limit: number }): Promise<EnvelopeKey[]>
  close(): Promise<void>
  /** What /healthz reports about the store. */
  health?(): Promise<StoreHealth>
  /**
   * Present when several node processes share the store: what one accepts reaches the
   * subscribers of the others. Absent for a store only one process can open (SQLite).
   */
  readonly fanOut?: StoreFanOut
}

/** Topics `from` ≤ topic < `to`, compared byte by byte. */
export interface TopicRange {
  from: string
  to: string
}

export interface StoreHealth {
  kind: 'sqlite' | 'postgres'
  /** False while the database cannot be reached; requests then get 503. */
  available: boolean
  /** Why it is unavailable. */
  error?: string
  /** Schema version the store runs on (Postgres). */
  schemaVersion?: number
  /** True when count() returned an estimate rather than an exact count. */
  countIsEstimate?: boolean
}

export interface StoreFanOut {
  /**
   * Hands envelopes that are delivered but not stored (ephemeral topics) to the other
   * processes. Stored envelopes need no call: insert() announces them itself, on commit.
   */
  announce(envelopes: readonly Envelope[]): Promise<void>
  /** Calls `listener` with envelopes that another process accepted, in their commit order. */
  onRemote(listener: (envelopes: Envelope[]) => void): () => void
}
