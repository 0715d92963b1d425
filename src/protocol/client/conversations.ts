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
import { SortDirection, readTopic, type BoundedPage, type Envelope, type QueryRequest, type ReadBudget } from '../api/index.ts'
import { isAddress, toChecksumAddress } from '../crypto/ethereum.ts'
import { deriveConversation } from '../invitations/deterministic.ts'
import { sealInvitation } from '../invitations/sealed.ts'
import { introTopic, inviteTopic } from '../topics.ts'
import { AsyncStream } from './async-stream.ts'
import type { Client } from './client.ts'
import type { Conversation } from './conversation.ts'
import {
  ConversationIndex,
  checkInvitationContext,
  conversationKey,
  type ConversationRecord,
  type InvitationContext,
} from './conversation-index.ts'
import type { ConversationStore } from './conversation-store.ts'
import { ConversationV2 } from './conversation-v2.ts'
import { equalBytes } from '../../wire/bytes.ts'
import { ClientError, EnvelopeSkippedError } from './errors.ts'
import { nowNs } from './identity.ts'
import { SingleFlight } from './single-flight.ts'
import { TopicCursor } from './topic-cursor.ts'
import { V1Listing } from './v1-listing.ts'
import { V2Listing } from './v2-listing.ts'
import type { DecodedMessage } from './types.ts'

const WATERMARK_V1 = 'watermark/intro'
const WATERMARK_V2 = 'watermark/invite'
const PAGE = 100

/**
 * A sealed invitation from xmtp-js 13 is about 0.8 KB (3.2 KB with 2 KB of context metadata):
 * an invite-topic envelope past this is junk and is dropped before any decoding (issue 19).
 */
export const MAX_INVITATION_BYTES = 32 * 1024

/** What one bounded part of a listing may read (the sync engine's pass uses the same figures). */
export const LISTING_PASS_BUDGET: Readonly<ReadBudget> = { envelopes: 5_000, bytes: 256 * 1024 * 1024 }

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

export class Conversations {
  readonly #client: Client
  readonly #store: ConversationStore
  readonly #index = new ConversationIndex()
  readonly #objects = new Map<string, Conversation>()
  readonly #flight = new SingleFlight<Conversation>()
  readonly #listing = new SingleFlight<ListingPart>()
  readonly #streams = new Set<AsyncStream<unknown>>()
  readonly v1: V1Listing
  readonly v2: V2Listing
  readonly #introCursor: TopicCursor
  readonly #inviteCursor: TopicCursor
  #skipped = 0
  #onSkipped: ((error: EnvelopeSkippedError) => void) | undefined
  readonly #changeListeners = new Set<(conversations: Conversation[]) => void>()
  readonly #progressListeners = new Set<(progress: ListingProgress) => void>()

  constructor(client: Client, store: ConversationStore) {
    this.#client = client
    this.#store = store
    this.v1 = new V1Listing(client)
    this.v2 = new V2Listing(client)
    this.#introCursor = new TopicCursor(client.persistence, WATERMARK_V1)
    this.#inviteCursor = new TopicCursor(client.persistence, WATERMARK_V2)
  }

  // ---------------------------------------------------------------- skipped envelopes

  /** Envelopes skipped so far because they could not be opened (undecryptable, forged, malformed). */
  get skippedCount(): number {
    return this.#skipped
  }

  /** Called with each skipped envelope's error (for diagnostics; never key material). */
  onSkipped(listener: ((error: EnvelopeSkippedError) => void) | undefined): void {
    if (listener !== undefined && typeof listener !== 'function') throw new TypeError('listener must be a function')
    this.#onSkipped = listener
  }

  reportSkipped(error: EnvelopeSkippedError): void {
    this.#skipped++
    try {
      this.#onSkipped?.(error)
    } catch {
      // A failing listener must not break a listing or a stream.
    }
  }

  /**
   * Called with the conversations that became known (or changed) whenever a listing, a
   * stream or newConversation merges records, e.g. an invite seen by streamAllMessages.
   * Returns a function that removes the listener.
   */
  onChange(listener: (conversations: Conversation[]) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function')
    this.#changeListeners.add(listener)
    return () => this.#changeListeners.delete(listener)
  }

  /**
   * Progress of list(): invitations opened of those found (the slow part of a first
   * listing), reported about 50 times per listing at most, and after every page that held
   * only envelopes too large to be invitations (`skipped`). Returns a remover.
   */
  onListingProgress(listener: (progress: ListingProgress) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function')
    this.#progressListeners.add(listener)
    return () => this.#progressListeners.delete(listener)
  }

  #reportProgress(done: number, total: number, skipped = 0): void {
    const step = Math.max(1, Math.floor(total / 50))
    if (done !== total && done % step !== 0) return
    for (const listener of this.#progressListeners) {
      try {
        listener({ done, total, ...(skipped > 0 ? { skipped } : {}) })
      } catch {
        // A failing listener must not break a listing.
      }
    }
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
    const ordered = [...records.filter((r) => r.verified === true), ...records.filter((r) => r.verified !== true)]
    for (const record of ordered) {
      const outcome = this.#index.add(record)
      if (outcome === 'ignored') continue
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
    if (writes.size > 0) await this.#store.saveMany([...writes.values()]) // a listing's records in one write
    const changed = [...changedByTopic.values()]
    if (changed.length > 0) {
      for (const listener of this.#changeListeners) {
        try {
          listener(changed)
        } catch {
          // A failing listener must not break a listing or a stream.
        }
      }
    }
    return changed
  }

  #object(record: ConversationRecord): Conversation {
    let conversation = this.#objects.get(record.topic)
    if (!conversation) {
      conversation = record.version === 'v2' ? new ConversationV2(this.#client, record) : this.v1.conversation(record)
      this.#objects.set(record.topic, conversation)
    }
    return conversation
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
    const me = this.#client.address
    const now = nowNs()
    // Invitations are opened a page at a time while the next page is fetched (opening is
    // curve work on this thread, fetching waits on the network): one page opens while the
    // next is read, never more, and each is merged and let go in order.
    let found = 0
    let opened = 0
    let opening: Promise<void> = Promise.resolve()
    let failed: { error: unknown } | undefined
    const settle = async () => {
      await opening
      if (failed) throw failed.error
    }
    const inviteTopicName = inviteTopic(me)
    let junk = 0
    const onInvites = async (envelopes: Envelope[], page: BoundedPage) => {
      for (let i = 0; i < page.oversized; i++) {
        this.reportSkipped(new EnvelopeSkippedError(inviteTopicName, `an envelope larger than ${MAX_INVITATION_BYTES} bytes is no invitation: skipped unread`))
      }
      junk += page.oversized
      await settle()
      found += envelopes.length
      this.#reportProgress(opened, found, junk)
      opening = this.v2
        .fromInvites(envelopes, () => this.#reportProgress(++opened, found, junk))
        .then((records) => this.#merge(records))
        .then(
          () => undefined,
          (error: unknown) => void (failed ??= { error }),
        )
    }
    const onIntros = async (envelopes: Envelope[]) => {
      await this.#merge(await this.v1.fromIntros(envelopes, this.#index))
    }
    const [intros, invites] = await Promise.all([
      this.#readOwnTopic(this.#introCursor, introTopic(me), now, budget, onIntros, {}),
      this.#readOwnTopic(this.#inviteCursor, inviteTopicName, now, budget, onInvites, { maxMessageBytes: MAX_INVITATION_BYTES, drain: settle }).finally(settle),
    ])
    await settle()
    await this.v2.applyConsentProofs()
    return { conversations: this.listFromCache(), complete: intros && invites }
  }

  /** Reads one own topic from where it last stopped; true when it is read to its end. */
  async #readOwnTopic(
    cursor: TopicCursor,
    topic: string,
    now: bigint,
    budget: ReadBudget,
    onPage: (envelopes: Envelope[], page: BoundedPage) => Promise<void>,
    options: { maxMessageBytes?: number; drain?: () => Promise<void> },
  ): Promise<boolean> {
    const read = cursor.next(now)
    const request: QueryRequest = {
      contentTopics: [topic],
      ...(read.startNs !== undefined ? { startTimeNs: read.startNs } : {}),
      endTimeNs: read.endNs,
      pagingInfo: { limit: PAGE, direction: SortDirection.SORT_DIRECTION_ASCENDING },
    }
    const result = await readTopic(this.#client.api, request, budget, onPage, {
      ...(options.maxMessageBytes !== undefined ? { maxMessageBytes: options.maxMessageBytes } : {}),
      ...(read.cursor ? { cursor: read.cursor } : {}),
    })
    await options.drain?.() // what was read is merged before the cursor moves past it
    if (result.complete) await cursor.finished(read)
    else await cursor.stopped(read, result.cursor)
    return result.complete
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
    if (peer === this.#client.address) throw new ClientError('self-message', 'cannot start a conversation with yourself')
    const ctx = checkInvitationContext(context)
    return this.#flight.run(conversationKey(peer, ctx?.conversationId), () => this.#startConversation(peer, ctx))
  }

  async #startConversation(peer: string, context: InvitationContext | undefined): Promise<Conversation> {
    const existing = this.#index.findV2(peer, context?.conversationId)
    if (existing) return this.#checkedPeer(this.#object(existing), peer)
    const contact = await this.#client.directory.get(peer)
    if (!contact) throw new ClientError('not-on-network', `${peer} has no XMTP identity on this network`)
    if (!context) {
      const v1 = this.#index.findV1(peer)
      if (v1) return this.#checkedPeer(this.#object(v1), peer)
      if (contact.newestIsLegacy) return this.v1.start(peer, contact)
    }
    const derived = deriveConversation(this.#client.keys, contact.signed, { conversationId: context?.conversationId, secrets: this.v2.secrets })
    const known = this.#index.get(derived.topic)
    // Reuse only what is provably this conversation: same peer and the derived keys. Any
    // other record on the derived topic is a squatter or a dispute, and the invitation
    // below (verified: we derived it) takes the topic back.
    if (known && known.conflict !== true && known.peerAddress.toLowerCase() === peer.toLowerCase() && equalBytes(known.keyMaterial!, derived.keyMaterial)) {
      if (known.verified !== true) await this.#merge([{ ...known, verified: true }])
      return this.#checkedPeer(this.#object(this.#index.get(derived.topic)!), peer)
    }
    const sealed = await sealInvitation({
      sender: this.#client.keys,
      recipient: contact.signed,
      invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial, ...(context ? { context } : {}) },
      secrets: this.v2.secrets,
    })
    await this.#client.api.publish(sealed.envelopes)
    const record: ConversationRecord = { version: 'v2', topic: derived.topic, peerAddress: peer, createdNs: sealed.createdNs, keyMaterial: derived.keyMaterial, verified: true }
    if (context) record.context = context
    await this.#merge([record])
    // §8.3 step 6: inviting someone allows them, for every client of this wallet.
    await this.#client.contacts.ensureLoaded()
    if (!this.#client.contacts.isAllowed(peer)) await this.#client.contacts.allow([peer])
    return this.#checkedPeer(this.#object(this.#index.get(derived.topic)!), peer)
  }

  /** newConversation(peer) hands out a conversation with `peer` or nothing. */
  #checkedPeer(conversation: Conversation, peer: string): Conversation {
    if (conversation.peerAddress.toLowerCase() !== peer.toLowerCase()) throw new Error(`conversation ${conversation.topic} is not with ${peer}`)
    return conversation
  }

  // ---------------------------------------------------------------- streams

  /** New conversations (invites and first V1 messages) as they arrive; end with `return()`. */
  async stream(): Promise<AsyncStream<Conversation>> {
    const me = this.#client.address
    const subscription = await this.#client.api.subscribe([inviteTopic(me), introTopic(me)])
    const stream = this.track(new AsyncStream<Conversation>(() => subscription.close()))
    void (async () => {
      try {
        for await (const envelope of subscription) {
          for (const conversation of await this.#conversationsFrom(envelope)) stream.push(conversation)
        }
        await stream.return()
      } catch (error) {
        stream.fail(error)
      }
    })()
    return stream
  }

  /** New conversations found in an invite or intro envelope (already merged). */
  async #conversationsFrom(envelope: Envelope): Promise<Conversation[]> {
    if (envelope.contentTopic === inviteTopic(this.#client.address)) {
      if (envelope.message.length > MAX_INVITATION_BYTES) {
        this.reportSkipped(new EnvelopeSkippedError(envelope.contentTopic, `an envelope larger than ${MAX_INVITATION_BYTES} bytes is no invitation: skipped unread`))
        return []
      }
      const record = await this.v2.fromInvite(envelope)
      if (!record) return []
      const merged = await this.#merge([record])
      await this.v2.applyConsentProofs()
      return merged.filter((c) => !c.conflict)
    }
    return this.#merge(await this.v1.fromIntros([envelope], this.#index))
  }

  /**
   * Messages of every conversation as they arrive, including conversations started after
   * the stream (it also watches the invite and intro topics). No duplicates: a V1 first
   * message arrives on the intro and dm topics but is yielded once.
   */
  async streamAllMessages(): Promise<AsyncStream<DecodedMessage>> {
    const me = this.#client.address
    const ownTopics = [inviteTopic(me), introTopic(me)]
    const conversationTopics = () => [...ownTopics, ...this.#index.list().map((r) => r.topic)]
    const subscription = await this.#client.api.subscribe(conversationTopics())
    // Conversations learnt elsewhere meanwhile (a listing, newConversation) are watched too.
    const stopWatching = this.onChange(() => subscription.updateTopics(conversationTopics()))
    const stream = this.track(
      new AsyncStream<DecodedMessage>(() => {
        stopWatching()
        return subscription.close()
      }),
    )
    const seen = new Set<string>()
    void (async () => {
      try {
        for await (const envelope of subscription) {
          if (envelope.contentTopic === ownTopics[0]) {
            await this.#conversationsFrom(envelope) // merging updates the topics (onChange above)
            continue
          }
          let conversation: Conversation | undefined
          if (envelope.contentTopic === ownTopics[1]) {
            await this.#conversationsFrom(envelope)
            const topic = this.v1.dmTopicOf(envelope)
            conversation = topic === undefined ? undefined : this.get(topic)
          } else conversation = this.get(envelope.contentTopic)
          if (!conversation) continue
          const message = await conversation.decodeEnvelope(envelope)
          if (!message || seen.has(message.id)) continue
          seen.add(message.id)
          if (seen.size > 10_000) seen.delete(seen.values().next().value!)
          stream.push(message)
        }
        await stream.return()
      } catch (error) {
        stream.fail(error)
      }
    })()
    return stream
  }

  /** Registers a stream so client.close() ends it. */
  track<T>(stream: AsyncStream<T>): AsyncStream<T> {
    for (const s of this.#streams) if (s.closed) this.#streams.delete(s)
    this.#streams.add(stream as AsyncStream<unknown>)
    return stream
  }

  /** Ends every stream opened through this object and forgets cached secrets. */
  async closeStreams(): Promise<void> {
    const streams = [...this.#streams]
    this.#streams.clear()
    await Promise.all(streams.map((s) => s.return()))
    this.v2.secrets.clear()
  }
}
