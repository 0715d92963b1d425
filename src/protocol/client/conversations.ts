// client.conversations: listing (V1 intro + V2 invite topics, incremental, merged),
// starting conversations, and streams of new conversations and of all messages.
//
// Listing reads both own topics a page at a time (topic-cursor.ts, api/read-topic.ts), from
// the previous run's start minus a skew window up to now plus a small tolerance, under a
// budget per part that resumes where it stopped; junk too large to be an invitation is
// dropped before any decoding. Every envelope is
// opened on its own: a bad invite or undecryptable intro is counted and skipped,
// never hides the rest. Results merge into a ConversationIndex (verified invitations
// own their topic, unverifiable disagreements are flagged as conflicts, earliest intro
// per peer) mirrored per record into Persistence.
import type { ReadBudget } from '../api/index.ts'
import { isAddress, toChecksumAddress } from '../crypto/ethereum.ts'
import type { Persistence } from './persistence.ts'
import { Listeners } from '../../state/listeners.ts'
import type { AsyncStream } from './async-stream.ts'
import type { Conversation } from './conversation.ts'
import {
  ConversationIndex,
  checkInvitationContext,
  conversationKey,
  type ConversationRecord,
  type InvitationContext,
} from './conversation-index.ts'
import type { ConversationStore } from './conversation-store.ts'
import { streamAllMessages, streamConversations, type ConversationFinder, type ConversationStreamDeps } from './conversation-streams.ts'
import { ConversationV2 } from './conversation-v2.ts'
import type { ConversationDeps } from './deps.ts'
import { equalBytes } from '../../wire/bytes.ts'
import { ClientError, EnvelopeSkippedError } from './errors.ts'
import { nowNs } from './identity.ts'
import { LISTING_PASS_BUDGET, MAX_INVITATION_BYTES, runListingPass } from './listing-pass.ts'
import { SingleFlight } from './single-flight.ts'
import type { SkippedEnvelopes } from './skipped-envelopes.ts'
import type { StreamRegistry } from './stream-registry.ts'
import { TopicCursor } from './topic-cursor.ts'
import { V1Listing } from './v1-listing.ts'
import { V2Listing } from './v2-listing.ts'
import type { DecodedMessage } from './types.ts'

export { LISTING_PASS_BUDGET, MAX_INVITATION_BYTES }

const WATERMARK_V1 = 'watermark/intro'
const WATERMARK_V2 = 'watermark/invite'
/** How far a listing is: invitations opened of those found, and envelopes skipped unread as junk. */
export interface ListingProgress {
  done: number
  total: number
  skipped?: number
}

/** The result of Conversations.listSome. */
export interface ListingPart {
  /** Every conversation known now, oldest first. */
  conversations: Conversation[]
  /** False when the budget ran out before both own topics were read to now. */
  complete: boolean
}

/** What Conversations shares with the client that builds it. */
export interface ConversationsOptions {
  /** Where conversation records are kept (the ConversationStore seam). */
  store: ConversationStore
  /** Where the listing watermarks and resume points are kept (this wallet's namespace). */
  persistence: Persistence
  /** The client's streams (the same registry as `deps.streams`). */
  streams: StreamRegistry
  /** The client's skipped envelopes (`deps.reportSkipped` reports to it). */
  skipped: SkippedEnvelopes
}

const silent = { onError: () => {} } // the library never logs; a failing listener breaks nothing

export class Conversations {
  readonly #deps: ConversationDeps
  readonly #store: ConversationStore
  readonly #streams: StreamRegistry
  readonly #skipped: SkippedEnvelopes
  readonly #index = new ConversationIndex()
  readonly #objects = new Map<string, Conversation>()
  /** Saves in flight, by topic: a record already in the index may not be in the store yet. */
  readonly #saving = new Map<string, Promise<unknown>>()
  readonly #flight = new SingleFlight<Conversation>()
  readonly #listing = new SingleFlight<ListingPart>()
  readonly v1: V1Listing
  readonly v2: V2Listing
  readonly #introCursor: TopicCursor
  readonly #inviteCursor: TopicCursor
  readonly #changeListeners = new Listeners<[conversations: Conversation[]]>('conversations change', silent)
  readonly #progressListeners = new Listeners<[progress: ListingProgress]>('listing progress', silent)
  readonly #streamDeps: ConversationStreamDeps

  constructor(deps: ConversationDeps, options: ConversationsOptions) {
    this.#deps = deps
    this.#store = options.store
    this.#streams = options.streams
    this.#skipped = options.skipped
    this.v1 = new V1Listing(deps)
    this.v2 = new V2Listing(deps)
    this.#introCursor = new TopicCursor(options.persistence, WATERMARK_V1)
    this.#inviteCursor = new TopicCursor(options.persistence, WATERMARK_V2)
    const finder: ConversationFinder = {
      fromInvite: (envelope) => this.v2.fromInvite(envelope),
      fromIntros: (envelopes) => this.v1.fromIntros(envelopes, this.#index),
      merge: (records) => this.#merge(records),
      applyConsentProofs: () => this.v2.applyConsentProofs(),
      dmTopicOf: (envelope) => this.v1.dmTopicOf(envelope),
      get: (topic) => this.get(topic),
      topics: () => this.#index.list().map((r) => r.topic),
      onChange: (listener) => this.onChange(listener),
    }
    this.#streamDeps = { address: deps.address, api: deps.api, streams: deps.streams, reportSkipped: deps.reportSkipped, finder }
  }

  // ---------------------------------------------------------------- skipped envelopes

  /** Envelopes skipped so far because they could not be opened (undecryptable, forged, malformed). */
  get skippedCount(): number {
    return this.#skipped.count
  }

  /** Called with each skipped envelope's error (for diagnostics; never key material). */
  onSkipped(listener: ((error: EnvelopeSkippedError) => void) | undefined): void {
    this.#skipped.listen(listener)
  }

  reportSkipped(error: EnvelopeSkippedError): void {
    this.#skipped.report(error)
  }

  /**
   * Called with the conversations that became known (or changed) whenever a listing, a
   * stream or newConversation merges records, e.g. an invite seen by streamAllMessages.
   * Returns a function that removes the listener.
   */
  onChange(listener: (conversations: Conversation[]) => void): () => void {
    return this.#changeListeners.add(listener)
  }

  /**
   * Progress of list(): invitations opened of those found (the slow part of a first
   * listing), reported about 50 times per listing at most, and after every page that held
   * only envelopes too large to be invitations (`skipped`). Returns a remover.
   */
  onListingProgress(listener: (progress: ListingProgress) => void): () => void {
    return this.#progressListeners.add(listener)
  }

  #reportProgress(done: number, total: number, skipped = 0): void {
    const step = Math.max(1, Math.floor(total / 50))
    if (done !== total && done % step !== 0) return
    this.#progressListeners.emit({ done, total, ...(skipped > 0 ? { skipped } : {}) })
  }

  // ---------------------------------------------------------------- state

  /** Loads remembered conversations and watermarks (called by Client.create). */
  async load(): Promise<void> {
    let unchecked = false
    for (const record of await this.#store.loadAll()) {
      if (record.version === 'v2' && record.verified === undefined) unchecked = true
      this.#index.add(record)
    }
    await this.#introCursor.load()
    // Records stored before invitations were checked (§8.2) are proven by reading the
    // invite topic once more from the start: their own invitations upgrade them.
    await this.#inviteCursor.load({ fromStart: unchecked })
  }

  /**
   * Merges records (verified ones first, so a listing that holds both the owner's and a
   * squatter's invitation never even passes through the squatter); persists and returns
   * the conversations that are new or changed, conflicts included (flagged).
   */
  async #merge(records: ConversationRecord[]): Promise<Conversation[]> {
    const changedByTopic = new Map<string, Conversation>() // the latest object per topic
    const writes = new Map<string, ConversationRecord>() // the latest record per topic
    const unchanged = new Set<string>() // already in the index as given: maybe still being saved
    const ordered = [...records.filter((r) => r.verified === true), ...records.filter((r) => r.verified !== true)]
    for (const record of ordered) {
      const outcome = this.#index.add(record)
      if (outcome === 'ignored') {
        unchanged.add(record.topic)
        continue
      }
      if (outcome === 'rejected') {
        this.reportSkipped(new EnvelopeSkippedError(record.topic, `an invitation from ${record.peerAddress} claimed the topic of a verified conversation and was refused`))
        continue
      }
      if (outcome !== 'added') this.#objects.delete(record.topic)
      const stored = this.#index.get(record.topic)!
      writes.set(record.topic, stored)
      changedByTopic.delete(record.topic)
      changedByTopic.set(record.topic, this.#object(stored))
    }
    if (writes.size > 0) await this.#save([...writes.values()]) // a listing's records in one write
    // What another caller added (a stream that saw our own invitation first) is in the store
    // before this returns too: a caller reads the store next.
    for (const topic of unchanged) if (!writes.has(topic)) await this.#persisted(topic)
    const changed = [...changedByTopic.values()]
    if (changed.length > 0) this.#changeListeners.emit(changed)
    return changed
  }

  /** Saves `records` (one write), known as in flight meanwhile. */
  async #save(records: ConversationRecord[]): Promise<void> {
    const save = this.#store.saveMany(records)
    for (const record of records) this.#saving.set(record.topic, save)
    try {
      await save
    } finally {
      for (const record of records) if (this.#saving.get(record.topic) === save) this.#saving.delete(record.topic)
    }
  }

  /** Resolves once the save in flight for `topic` (if any) is done; saves it again if that one failed. */
  async #persisted(topic: string): Promise<void> {
    const saving = this.#saving.get(topic)
    if (!saving) return
    const saved = await saving.then(
      () => true,
      () => false,
    )
    const record = this.#index.get(topic)
    if (!saved && record) await this.#save([record])
  }

  #object(record: ConversationRecord): Conversation {
    let conversation = this.#objects.get(record.topic)
    if (!conversation) {
      conversation = record.version === 'v2' ? new ConversationV2(this.#deps, record) : this.v1.conversation(record)
      this.#objects.set(record.topic, conversation)
    }
    return conversation
  }

  /**
   * A conversation object for a record the application holds (e.g. from its own store),
   * not added to the list. Sending and reading work as on a listed one.
   */
  fromRecord(record: ConversationRecord): Conversation {
    return record.version === 'v2' ? new ConversationV2(this.#deps, record) : this.v1.conversation(record)
  }

  /** The known conversation on `topic`, if any (a disputed topic is not one: see conflicts()). */
  get(topic: string): Conversation | undefined {
    const record = this.#index.get(topic)
    return record && record.conflict !== true ? this.#object(record) : undefined
  }

  /**
   * Topics that two unverifiable invitations claim with different peers or keys. Never
   * listed, streamed or sent to; each object's `conflict` is true. A verified invitation
   * for the topic, or newConversation with its rightful peer, settles it.
   */
  conflicts(): Conversation[] {
    return this.#index.conflicts().map((r) => this.#object(r))
  }

  /** Conversations known without asking the network, oldest first. */
  listFromCache(): Conversation[] {
    return this.#index.list().map((r) => this.#object(r))
  }

  // ---------------------------------------------------------------- listing

  /** Every V1 and V2 conversation, oldest first (incremental after the first run; concurrent calls share one run). */
  async list(): Promise<Conversation[]> {
    while (!(await this.listSome()).complete) {
      // Each bounded part persists where it stopped; the next one resumes there.
    }
    return this.listFromCache()
  }

  /**
   * One bounded part of a listing (issue 19): reads the intro and invite topics a page at a
   * time until they are read to now (`complete`) or `budget` (envelopes, message bytes) is
   * spent; where it stopped is persisted, so the next call (even after a restart) resumes
   * there. Concurrent calls share one run.
   */
  listSome(budget: ReadBudget = LISTING_PASS_BUDGET): Promise<ListingPart> {
    return this.#listing.run('list', () => this.#listSome({ ...budget }))
  }

  async #listSome(budget: ReadBudget): Promise<ListingPart> {
    const complete = await runListingPass(
      {
        api: this.#deps.api,
        address: this.#deps.address,
        introCursor: this.#introCursor,
        inviteCursor: this.#inviteCursor,
        index: this.#index,
        fromIntros: (envelopes, index) => this.v1.fromIntros(envelopes, index),
        fromInvites: (envelopes, onOpened) => this.v2.fromInvites(envelopes, onOpened),
        merge: (records) => this.#merge(records),
        reportSkipped: this.#deps.reportSkipped,
        reportProgress: (done, total, skipped) => this.#reportProgress(done, total, skipped),
      },
      budget,
      nowNs(),
    )
    await this.v2.applyConsentProofs()
    return { conversations: this.listFromCache(), complete }
  }

  // ---------------------------------------------------------------- starting conversations

  /**
   * The conversation with `peerAddress` (and `context.conversationId`, if given): an existing
   * one when known, else a new V2 invitation — or V1 when the peer's newest contact is a
   * legacy bundle and no context is given. Concurrent calls share one invitation.
   */
  async newConversation(peerAddress: string, context?: InvitationContext): Promise<Conversation> {
    if (!isAddress(peerAddress)) throw new ClientError('invalid-address', 'peerAddress must be an Ethereum address')
    const peer = toChecksumAddress(peerAddress)
    if (peer === this.#deps.address) throw new ClientError('self-message', 'cannot start a conversation with yourself')
    const ctx = checkInvitationContext(context)
    return this.#flight.run(conversationKey(peer, ctx?.conversationId), () => this.#startConversation(peer, ctx))
  }

  async #startConversation(peer: string, context: InvitationContext | undefined): Promise<Conversation> {
    const existing = this.#index.findV2(peer, context?.conversationId)
    if (existing) {
      await this.#persisted(existing.topic)
      return this.#checkedPeer(this.#object(existing), peer)
    }
    const contact = await this.#deps.directory.get(peer)
    if (!contact) throw new ClientError('not-on-network', `${peer} has no XMTP identity on this network`)
    if (!context) {
      const v1 = this.#index.findV1(peer)
      if (v1) {
        await this.#persisted(v1.topic)
        return this.#checkedPeer(this.#object(v1), peer)
      }
      if (contact.newestIsLegacy) return this.v1.start(peer, contact)
    }
    const derived = this.#deps.keys.deriveConversation(contact.signed, { conversationId: context?.conversationId, secrets: this.v2.secrets })
    const known = this.#index.get(derived.topic)
    // Reuse only what is provably this conversation: same peer and the derived keys. Any
    // other record on the derived topic is a squatter or a dispute, and the invitation
    // below (verified: we derived it) takes the topic back.
    if (known && known.conflict !== true && known.peerAddress.toLowerCase() === peer.toLowerCase() && equalBytes(known.keyMaterial!, derived.keyMaterial)) {
      if (known.verified !== true) await this.#merge([{ ...known, verified: true }])
      else await this.#persisted(known.topic)
      return this.#checkedPeer(this.#object(this.#index.get(derived.topic)!), peer)
    }
    const sealed = await this.#deps.keys.sealInvitation(
      contact.signed,
      { topic: derived.topic, keyMaterial: derived.keyMaterial, ...(context ? { context } : {}) },
      { secrets: this.v2.secrets },
    )
    await this.#deps.api.publish(sealed.envelopes)
    const record: ConversationRecord = { version: 'v2', topic: derived.topic, peerAddress: peer, createdNs: sealed.createdNs, keyMaterial: derived.keyMaterial, verified: true }
    if (context) record.context = context
    await this.#merge([record])
    // §8.3 step 6: inviting someone allows them, for every client of this wallet.
    await this.#deps.consent.ensureLoaded()
    if (this.#deps.consent.consentState(peer) !== 'allowed') await this.#deps.consent.allow([peer])
    return this.#checkedPeer(this.#object(this.#index.get(derived.topic)!), peer)
  }

  /** newConversation(peer) hands out a conversation with `peer` or nothing. */
  #checkedPeer(conversation: Conversation, peer: string): Conversation {
    if (conversation.peerAddress.toLowerCase() !== peer.toLowerCase()) throw new ClientError('peer-mismatch', `conversation ${conversation.topic} is not with ${peer}`)
    return conversation
  }

  // ---------------------------------------------------------------- streams

  /** New conversations (invites and first V1 messages) as they arrive; end with `return()`. */
  stream(): Promise<AsyncStream<Conversation>> {
    return streamConversations(this.#streamDeps)
  }

  /**
   * Messages of every conversation as they arrive, including conversations started after
   * the stream (it also watches the invite and intro topics). No duplicates: a V1 first
   * message arrives on the intro and dm topics but is yielded once.
   */
  streamAllMessages(): Promise<AsyncStream<DecodedMessage>> {
    return streamAllMessages(this.#streamDeps)
  }

  /** Registers a stream so client.close() ends it. */
  track<T>(stream: AsyncStream<T>): AsyncStream<T> {
    return this.#streams.track(stream)
  }

  /** Ends every stream opened through this client and forgets cached secrets. */
  async closeStreams(): Promise<void> {
    await this.#streams.closeAll()
    this.v2.secrets.clear()
  }
}
