// The client's set of known conversations, keyed by topic, with the listing rules of
// spec §7 and §8.4 and the incremental-listing watermark. Pure: no I/O here; the
// Conversations class feeds it from the network and mirrors it into Persistence.
//
// Rules:
//  - V2 (§8.4), hardened against topic squatting: anyone who learns a conversation's
//    topic (node operators, subscribe-all listeners) can seal an invitation naming it
//    with their own keys and any timestamp. So "first seen wins" only holds among equals:
//      * a VERIFIED record (topic and key material are the §8.2 derivation for its two
//        bundles, or derived by us) is never changed by another invitation;
//      * a verified invitation displaces an unverified claim on its topic: the
//        derivation proves the topic is this pair's, so the other claim was a squatter;
//      * two unverified claims that disagree (peer or key material) are a CONFLICT: the
//        record keeps what it had, is flagged, and leaves the normal list until a verified
//        invitation (or newConversation) settles it. Nothing is picked silently;
//      * the same peer and key again (re-sent or crossed invites) changes nothing, but may
//        upgrade an unverified record to verified.
//  - V1 (§7): one conversation per address pair (the dm- topic); the EARLIEST intro
//    message per peer gives its creation time.
//  - list() is sorted by creation time (then topic, for a stable order); conflicts are
//    listed apart (conflicts()).
//  - Incremental listing: the next run queries from the previous run's start minus a
//    skew window, so envelopes with slightly late sender timestamps are not missed;
//    the overlap is harmless because merging is idempotent.
import { equalBytes, fromHex, fromUtf8, toHex, utf8 } from '../../wire/bytes.ts'

export type ConversationVersion = 'v1' | 'v2'

export interface InvitationContext {
  conversationId: string
  metadata: Record<string, string>
}

export interface ConversationRecord {
  version: ConversationVersion
  /** Full content topic (/xmtp/0/dm-…/proto or /xmtp/0/m-…/proto). */
  topic: string
  /** The peer's EIP-55 address. */
  peerAddress: string
  /** Creation time in ns (V1: the earliest intro message's header time). */
  createdNs: bigint
  /** V2 only, and only when the invitation carried one. */
  context?: InvitationContext
  /** V2 only: the 32-byte key material of the invitation. */
  keyMaterial?: Uint8Array
  /**
   * V2 only: topic and key material are the deterministic derivation (§8.2) for this
   * pair, checked against the invitation's verified bundles or derived by this client.
   * Absent on records stored before the check existed.
   */
  verified?: boolean
  /** V2 only: two unverifiable invitations claim this topic with different peers or keys. */
  conflict?: boolean
}

/** Default skew window for incremental listing (xmtp-js uses 10 s). */
export const LISTING_SKEW_NS = 10_000_000_000n

/**
 * 'replaced': the record's peer, keys or flags changed (callers rebuild their objects);
 * 'rejected': a claim on a verified topic that disagrees with it (a squatting attempt);
 * 'conflict': the topic just became disputed between two unverifiable claims.
 */
export type AddOutcome = 'added' | 'replaced' | 'ignored' | 'rejected' | 'conflict'

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/** Key of a V2 conversation for reuse and single-flight: peer and conversationId. */
export function conversationKey(peerAddress: string, conversationId: string | undefined): string {
  return `${peerAddress.toLowerCase()}|${conversationId === undefined ? '' : `#${conversationId}`}`
}

export class ConversationIndex {
  readonly #byTopic = new Map<string, ConversationRecord>()

  /** Merges one record under the listing rules; says whether (and how) it changed the set. */
  add(record: ConversationRecord): AddOutcome {
    checkRecord(record)
    const existing = this.#byTopic.get(record.topic)
    if (!existing) {
      this.#byTopic.set(record.topic, record)
      return 'added'
    }
    if (record.version === 'v1' || existing.version === 'v1') {
      if (record.version === 'v1' && existing.version === 'v1' && record.createdNs < existing.createdNs) {
        this.#byTopic.set(record.topic, record)
        return 'replaced'
      }
      return 'ignored'
    }
    const agrees = sameAddress(existing.peerAddress, record.peerAddress) && equalBytes(existing.keyMaterial!, record.keyMaterial!)
    if (existing.verified === true) return agrees ? 'ignored' : 'rejected'
    if (record.verified === true) {
      // Same conversation now proven (keep when and how it was first seen), or a squatter displaced.
      const proven: ConversationRecord = agrees ? { ...existing, verified: true } : { ...record }
      delete proven.conflict
      this.#byTopic.set(record.topic, proven)
      return 'replaced'
    }
    if (agrees || existing.conflict === true) return 'ignored'
    this.#byTopic.set(record.topic, { ...existing, conflict: true })
    return 'conflict'
  }

  get(topic: string): ConversationRecord | undefined {
    return this.#byTopic.get(topic)
  }

  has(topic: string): boolean {
    return this.#byTopic.has(topic)
  }

  get size(): number {
    return this.#byTopic.size
  }

  /** Every conversation not in conflict, oldest first. */
  list(): ConversationRecord[] {
    return this.#sorted().filter((r) => r.conflict !== true)
  }

  /** Topics two unverifiable invitations dispute, oldest first: never offered as normal conversations. */
  conflicts(): ConversationRecord[] {
    return this.#sorted().filter((r) => r.conflict === true)
  }

  #sorted(): ConversationRecord[] {
    return [...this.#byTopic.values()].sort((a, b) =>
      a.createdNs < b.createdNs ? -1 : a.createdNs > b.createdNs ? 1 : a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0,
    )
  }

  /** The V2 conversation with `peer` and exactly this conversationId (undefined matches only undefined, §7). */
  findV2(peerAddress: string, conversationId: string | undefined): ConversationRecord | undefined {
    for (const record of this.list()) {
      if (record.version !== 'v2' || !sameAddress(record.peerAddress, peerAddress)) continue
      if (record.context?.conversationId === conversationId) return record
    }
    return undefined
  }

  findV1(peerAddress: string): ConversationRecord | undefined {
    for (const record of this.#byTopic.values()) {
      if (record.version === 'v1' && sameAddress(record.peerAddress, peerAddress)) return record
    }
    return undefined
  }
}

/** Validates an app-given context (newConversation's second argument). */
export function checkInvitationContext(context: unknown): InvitationContext | undefined {
  if (context === undefined || context === null) return undefined
  if (typeof context !== 'object') throw new TypeError('context must be an object')
  const { conversationId, metadata } = context as Partial<InvitationContext>
  if (typeof conversationId !== 'string') throw new TypeError('context.conversationId must be a string')
  const meta: Record<string, string> = {}
  if (metadata !== undefined && metadata !== null) {
    if (typeof metadata !== 'object') throw new TypeError('context.metadata must be an object of strings')
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TypeError(`context.metadata.${k} must be a string`)
      meta[k] = v
    }
  }
  return { conversationId, metadata: meta }
}

/** Where an incremental query starts: undefined (everything) on the first run, else last run − skew (never negative). */
export function listingStartNs(lastRunNs: bigint | undefined, skewNs: bigint = LISTING_SKEW_NS): bigint | undefined {
  if (lastRunNs === undefined) return undefined
  const start = lastRunNs - skewNs
  return start > 0n ? start : undefined
}

function checkRecord(record: ConversationRecord): void {
  if (typeof record !== 'object' || record === null) throw new TypeError('record must be an object')
  if (record.version !== 'v1' && record.version !== 'v2') throw new TypeError('record.version must be v1 or v2')
  if (typeof record.topic !== 'string' || record.topic.length === 0) throw new TypeError('record.topic must be a non-empty string')
  if (typeof record.peerAddress !== 'string') throw new TypeError('record.peerAddress must be a string')
  if (typeof record.createdNs !== 'bigint' || record.createdNs < 0n) throw new RangeError('record.createdNs must be a non-negative bigint')
  if (record.version === 'v2' && !(record.keyMaterial instanceof Uint8Array && record.keyMaterial.length === 32)) {
    throw new RangeError('record.keyMaterial must be 32 bytes for a V2 conversation')
  }
  if (record.verified !== undefined && typeof record.verified !== 'boolean') throw new TypeError('record.verified must be a boolean')
  if (record.conflict !== undefined && typeof record.conflict !== 'boolean') throw new TypeError('record.conflict must be a boolean')
}

// ------------------------------------------------------------------ persistence form
// A record is stored as UTF-8 JSON; bigints as decimal strings, bytes as hex.

export function encodeRecord(record: ConversationRecord): Uint8Array {
  checkRecord(record)
  return utf8(
    JSON.stringify({
      version: record.version,
      topic: record.topic,
      peerAddress: record.peerAddress,
      createdNs: record.createdNs.toString(),
      ...(record.context ? { context: record.context } : {}),
      ...(record.keyMaterial ? { keyMaterial: toHex(record.keyMaterial) } : {}),
      ...(record.verified !== undefined ? { verified: record.verified } : {}),
      ...(record.conflict === true ? { conflict: true } : {}),
    }),
  )
}

/** Parses a stored record; throws TypeError/RangeError when it is not one. */
export function decodeRecord(bytes: Uint8Array): ConversationRecord {
  const raw = JSON.parse(fromUtf8(bytes)) as Record<string, unknown>
  if (typeof raw !== 'object' || raw === null) throw new TypeError('stored conversation is not an object')
  if (typeof raw.createdNs !== 'string' || !/^\d+$/.test(raw.createdNs)) throw new TypeError('stored conversation has no createdNs')
  const record: ConversationRecord = {
    version: raw.version as ConversationVersion,
    topic: raw.topic as string,
    peerAddress: raw.peerAddress as string,
    createdNs: BigInt(raw.createdNs),
  }
  const context = raw.context as InvitationContext | undefined
  if (context !== undefined) {
    if (typeof context !== 'object' || context === null || typeof context.conversationId !== 'string') {
      throw new TypeError('stored conversation has a malformed context')
    }
    record.context = { conversationId: context.conversationId, metadata: { ...(context.metadata ?? {}) } }
  }
  if (typeof raw.keyMaterial === 'string') record.keyMaterial = fromHex(raw.keyMaterial, 'stored keyMaterial')
  if (raw.verified !== undefined) record.verified = raw.verified as boolean
  if (raw.conflict !== undefined) record.conflict = raw.conflict as boolean
  checkRecord(record)
  return record
}

export function encodeWatermark(ns: bigint): Uint8Array {
  return utf8(ns.toString())
}

export function decodeWatermark(bytes: Uint8Array | null): bigint | undefined {
  if (!bytes) return undefined
  const text = fromUtf8(bytes)
  return /^\d+$/.test(text) ? BigInt(text) : undefined
}
