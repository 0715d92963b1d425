// client.conversations: listing (V1 intro + V2 invite topics, incremental, merged),
// starting conversations, and streams of new conversations and of all messages.
//
// Listing reads both own topics in ONE batch query (then pages on where a page came
// back full), from the previous run's start minus a skew window. Every envelope is
// opened on its own: a bad invite or undecryptable intro is counted and skipped,
// never hides the rest. Results merge into a ConversationIndex (verified invitations
// own their topic, unverifiable disagreements are flagged as conflicts, earliest intro
// per peer) mirrored per record into Persistence.
import { SortDirection, type Envelope, type QueryRequest, type QueryResponse } from '../api/index.ts'
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
  decodeRecord,
  decodeWatermark,
  encodeRecord,
  encodeWatermark,
  listingStartNs,
  type ConversationRecord,
  type InvitationContext,
} from './conversation-index.ts'
import { ConversationV2 } from './conversation-v2.ts'
import { equalBytes } from '../utils/bytes.ts'
import { ClientError, EnvelopeSkippedError } from './errors.ts'
import { nowNs } from './identity.ts'
import { SingleFlight } from './single-flight.ts'
import { V1Listing } from './v1-listing.ts'
import { V2Listing } from './v2-listing.ts'
import type { DecodedMessage } from './types.ts'

const RECORD_PREFIX = 'conversation/'
const WATERMARK_V1 = 'watermark/intro'
const WATERMARK_V2 = 'watermark/invite'
const PAGE = 100

export class Conversations {
  readonly #client: Client
  readonly #index = new ConversationIndex()
  readonly #objects = new Map<string, Conversation>()
  readonly #flight = new SingleFlight<Conversation>()
  readonly #listing = new SingleFlight<Conversation[]>()
  readonly #streams = new Set<AsyncStream<unknown>>()
  readonly v1: V1Listing
  readonly v2: V2Listing
  #lastRunNs: { v1: bigint | undefined; v2: bigint | undefined } = { v1: undefined, v2: undefined }
  #skipped = 0
  #onSkipped: ((error: EnvelopeSkippedError) => void) | undefined
  readonly #changeListeners = new Set<(conversations: Conversation[]) => void>()
  readonly #progressListeners = new Set<(progress: { done: number; total: number }) => void>()

  constructor(client: Client) {
    this.#client = client
    this.v1 = new V1Listing(client)
    this.v2 = new V2Listing(client)
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
   * listing), reported about 50 times per listing at most. Returns a remover.
   */
  onListingProgress(listener: (progress: { done: number; total: number }) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function')
    this.#progressListeners.add(listener)
    return () => this.#progressListeners.delete(listener)
  }

  #reportProgress(done: number, total: number): void {
    const step = Math.max(1, Math.floor(total / 50))
    if (done !== total && done % step !== 0) return
    for (const listener of this.#progressListeners) {
      try {
        listener({ done, total })
      } catch {
        // A failing listener must not break a listing.
      }
    }
  }

  // ---------------------------------------------------------------- state

  /** Loads remembered conversations and watermarks (called by Client.create). */
  async load(): Promise<void> {
    const persistence = this.#client.persistence
    const keys = await persistence.keys(RECORD_PREFIX)
    const values = persistence.getItems ? await persistence.getItems(keys) : undefined
    let unchecked = false
    for (const [i, key] of keys.entries()) {
      const bytes = values ? values[i] : await persistence.getItem(key)
      if (!bytes) continue
      try {
        const record = decodeRecord(bytes)
        if (record.version === 'v2' && record.verified === undefined) unchecked = true
        this.#index.add(record)
      } catch {
        await persistence.deleteItem(key) // a corrupt record is re-learnt from the network
      }
    }
    this.#lastRunNs = {
      v1: decodeWatermark(await persistence.getItem(WATERMARK_V1)),
      // Records stored before invitations were checked (§8.2) are proven by reading the
      // invite topic once more from the start: their own invitations upgrade them.
      v2: unchecked ? undefined : decodeWatermark(await persistence.getItem(WATERMARK_V2)),
    }
  }

  /**
   * Merges records (verified ones first, so a listing that holds both the owner's and a
   * squatter's invitation never even passes through the squatter); persists and returns
   * the conversations that are new or changed, conflicts included (flagged).
   */
  async #merge(records: ConversationRecord[]): Promise<Conversation[]> {
    const changedByTopic = new Map<string, Conversation>() // the latest object per topic
    const persistence = this.#client.persistence
    const writes: Array<[string, Uint8Array]> = []
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
      const entry: [string, Uint8Array] = [RECORD_PREFIX + record.topic, encodeRecord(stored)]
      if (persistence.setItems) writes.push(entry)
      else await persistence.setItem(...entry)
      changedByTopic.delete(record.topic)
      changedByTopic.set(record.topic, this.#object(stored))
    }
    if (writes.length > 0) await persistence.setItems!(writes) // a listing's records in one write
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
  list(): Promise<Conversation[]> {
    return this.#listing.run('list', () => this.#list())
  }

  async #list(): Promise<Conversation[]> {
    const startedNs = nowNs()
    const me = this.#client.address
    const requests: QueryRequest[] = [this.#listingRequest(introTopic(me), this.#lastRunNs.v1), this.#listingRequest(inviteTopic(me), this.#lastRunNs.v2)]
    const firstPages = await this.#client.api.batchQuery(requests)
    // Invitations are opened a page at a time while the next page is fetched: opening is
    // curve work on this thread, fetching waits on the network, so the two overlap.
    let found = 0
    let opened = 0
    const openedPages: Array<Promise<ConversationRecord[]>> = []
    const openPage = (envelopes: Envelope[]) => {
      found += envelopes.length
      this.#reportProgress(opened, found)
      openedPages.push(this.v2.fromInvites(envelopes, () => this.#reportProgress(++opened, found)))
    }
    const [intros] = await Promise.all([this.#restOfQuery(requests[0]!, firstPages[0]!), this.#restOfQuery(requests[1]!, firstPages[1]!, openPage)])
    await this.#merge((await Promise.all(openedPages)).flat())
    await this.#merge(await this.v1.fromIntros(intros!, this.#index))
    await this.v2.applyConsentProofs()
    this.#lastRunNs = { v1: startedNs, v2: startedNs }
    await this.#client.persistence.setItem(WATERMARK_V1, encodeWatermark(startedNs))
    await this.#client.persistence.setItem(WATERMARK_V2, encodeWatermark(startedNs))
    return this.listFromCache()
  }

  #listingRequest(topic: string, lastRunNs: bigint | undefined): QueryRequest {
    const start = listingStartNs(lastRunNs)
    return {
      contentTopics: [topic],
      ...(start !== undefined ? { startTimeNs: start } : {}),
      pagingInfo: { limit: PAGE, direction: SortDirection.SORT_DIRECTION_ASCENDING },
    }
  }

  /** Follows cursors after a batch page that came back full. */
  async #restOfQuery(request: QueryRequest, first: QueryResponse, onPage?: (envelopes: Envelope[]) => void): Promise<Envelope[]> {
    const out = [...first.envelopes]
    onPage?.(first.envelopes)
    let page = first
    while (page.envelopes.length >= PAGE && page.pagingInfo?.cursor) {
      page = await this.#client.api.queryPage({ ...request, pagingInfo: { ...request.pagingInfo!, cursor: page.pagingInfo.cursor } })
      out.push(...page.envelopes)
      onPage?.(page.envelopes)
    }
    return out
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
