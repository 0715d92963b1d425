// AccountData for one unlocked account: the encrypted cache, the sync engine and the
// outbox behind the interface in ../contracts.ts. Everything a page sees comes from the
// cache; the network only ever adds to it (reconciling by message id).
//
// What owns what: a conversation's row is written by the library through the
// ConversationStore (conversation-store.ts) when it learns or changes the conversation, and by
// the cache when a message, a read or a mute changes it; this class writes no conversation
// row of its own, it tells the pages what changed. Consent is the ConsentBook's (consent.ts).
import type { ConversationFilter } from '../../extension/methods/messaging.ts'
import type { ConsentView, ContentInput, ConversationView, MessagePage, MessageView, SearchHit, SyncStatusView } from '../../extension/views.ts'
import { ClientError, type Client, type Conversation, type DecodedMessage } from '../../protocol/index.ts'
import type { AccountData } from '../contracts.ts'
import { Listeners } from '../../state/listeners.ts'
import { AccountDataError, notFound } from './account-errors.ts'
import { loadAttachment, searchCache } from './account-reads.ts'
import { AccountCache } from './cache.ts'
import { ConsentBook } from './consent.ts'
import { disownUnproven, matches, toConversationView, type ConversationState, type StoredMessage } from './conversation-state.ts'
import type { CachedConversationStore } from './conversation-store.ts'
import { CacheRecordError, type RecordCipher } from './cipher.ts'
import { encodeInput, toStoredMessage } from './content.ts'
import type { CacheDatabase } from './database.ts'
import { Outbox, type OutboxPolicy } from './outbox.ts'
import type { AttachmentFetch } from './attachments.ts'
import { SyncEngine } from './sync.ts'

export { AccountDataError } from './account-errors.ts'
export { matches } from './conversation-state.ts'

export interface AccountDataParts {
  client: Client
  db: CacheDatabase
  cipher: RecordCipher
  /** The store the client reads and writes its conversation records through (the same rows). */
  conversations: CachedConversationStore
  now: () => number
  fetch: AttachmentFetch
  outbox?: Partial<OutboxPolicy>
  /** Called when a cached record could not be opened (it is dropped and re-learnt). */
  onCorruptRecord?: (message: string) => void
}

/** The AccountData of ../services.ts (checked where it is used: this folder imports nothing from there). */
export class CachedAccountData {
  readonly address: string
  readonly #client: Client
  readonly #db: CacheDatabase
  readonly #cipher: RecordCipher
  readonly #cache: AccountCache
  readonly #conversations: CachedConversationStore
  readonly #consent: ConsentBook
  readonly #sync: SyncEngine
  readonly #outbox: Outbox
  readonly #fetch: AttachmentFetch
  readonly #now: () => number
  readonly #messageListeners = new Listeners<[topic: string, messages: MessageView[], conversation: ConversationView]>('account messages')
  readonly #conversationListeners = new Listeners<[conversation: ConversationView]>('account conversation')
  #closed = false
  /** A record was dropped as unreadable: the next pass writes back the rows the library still knows. */
  #lostRows = false
  /** The newest state seen per topic, for unreadTotal (filled on its first call). */
  #latest: Map<string, ConversationState> | undefined
  /** Corrupt records met so far (dropped; the next sync re-learns them). */
  corruptRecords = 0

  constructor(parts: AccountDataParts) {
    this.#client = parts.client
    this.address = parts.client.address
    this.#db = parts.db
    this.#cipher = parts.cipher
    this.#fetch = parts.fetch
    this.#now = parts.now
    const onCorrupt = (error: CacheRecordError) => {
      this.corruptRecords++
      this.#lostRows = true
      this.#latest = undefined
      parts.onCorruptRecord?.(error.message)
      // The damaged record was dropped; a pass restores what the network still has.
      queueMicrotask(() => {
        if (!this.#closed) void this.#sync.syncNow()
      })
    }
    this.#cache = new AccountCache(parts.db, parts.cipher, onCorrupt)
    this.#consent = new ConsentBook(this.#cache.consent)
    this.#conversations = parts.conversations
    // The library's saves are the conversation writes: the pages hear what they changed.
    this.#conversations.bind({ me: this.address, onCorrupt, onSaved: (saved) => saved.forEach(({ state }) => this.#emitConversation(this.#view(state))) })
    this.#outbox = new Outbox(parts.db, parts.cipher, parts.client, { onDelivery: (topic, message) => this.#store(topic, [message], 'outbox') }, parts.outbox, parts.now)
    this.#sync = new SyncEngine(
      parts.client,
      this.#cache,
      {
        onConsent: (states) => this.#applyConsent(states),
        onConversations: () => this.#restoreLostRows(),
        onMessages: (topic, messages) => this.#ingestDecoded(topic, messages),
        onReachable: () => void this.#outbox.wake().catch(() => this.#outbox.kick()),
      },
      parts.now,
    )
  }

  /** Loads what the views need in memory (consent) and resumes the outbox. */
  async start(): Promise<void> {
    await this.#consent.load()
    this.#outbox.kick()
  }

  // ------------------------------------------------------------ conversations

  async listConversations(filter: ConversationFilter, options: { limit?: number } = {}): Promise<ConversationView[]> {
    // A disputed topic (two unverifiable invitations) is never offered as a conversation.
    const states = await this.#cache.listConversations((s) => !s.conflict && matches(filter, this.#consentOf(s)), options.limit ?? Infinity)
    return states.map((s) => this.#view(s))
  }

  async getConversation(topic: string): Promise<ConversationView | null> {
    let state: ConversationState | null
    try {
      state = await this.#cache.getConversation(topic)
    } catch (error) {
      if (!(error instanceof CacheRecordError)) throw error
      throw new AccountDataError('corrupt', 'The cached copy of this conversation was damaged and has been dropped; it is restored from the network by the next sync.', { cause: error })
    }
    return state ? this.#view(state) : null
  }

  async newConversation(peerAddress: string, context?: { conversationId: string; metadata: Record<string, string> }): Promise<ConversationView> {
    let conversation: Conversation
    try {
      // A new conversation's row is written by the library's save (and announced from there).
      conversation = await this.#client.conversations.newConversation(peerAddress, context)
    } catch (error) {
      if (error instanceof ClientError && error.reason === 'not-on-network') throw new AccountDataError('not-on-network', `${peerAddress} is not on XMTP yet`, { cause: error })
      if (error instanceof ClientError && (error.reason === 'invalid-address' || error.reason === 'self-message')) throw new AccountDataError('invalid', error.message, { cause: error })
      throw error
    }
    const state = await this.#stateOf(conversation.topic)
    if (!state) throw notFound(conversation.topic)
    return this.#view(state)
  }

  canMessage(peerAddress: string): Promise<boolean> {
    return this.#client.canMessage(peerAddress)
  }

  async setMuted(topic: string, muted: boolean): Promise<ConversationView> {
    const state = await this.#cache.updateConversation(topic, (s) => ({ ...s, muted }))
    if (!state) throw notFound(topic)
    const view = this.#view(state)
    this.#emitConversation(view)
    return view
  }

  async setConsent(peerAddress: string, state: 'allowed' | 'denied'): Promise<void> {
    if (state === 'allowed') await this.#client.contacts.allow([peerAddress])
    else await this.#client.contacts.deny([peerAddress])
    await this.#applyConsent(new Map([[peerAddress, state]]))
  }

  async markRead(topic: string): Promise<number> {
    const updated = await this.#cache.updateConversation(topic, (s) => ({ ...s, unreadCount: 0, lastReadAt: Math.max(s.lastReadAt, s.lastMessage?.sentAt ?? 0) }))
    if (!updated) throw notFound(topic)
    this.#emitConversation(this.#view(updated))
    return this.unreadTotal()
  }

  /** Unread messages of allowed, unmuted conversations (what the badge shows). */
  async unreadTotal(): Promise<number> {
    if (!this.#latest) {
      // Opened once per worker; every state this object builds a view of keeps it current.
      const latest = (this.#latest = new Map())
      await this.#cache.listConversations((s) => {
        if (!latest.has(s.topic)) latest.set(s.topic, s)
        return false
      })
    }
    let total = 0
    for (const s of this.#latest.values()) if (!s.muted && !s.conflict && this.#consentOf(s) === 'allowed') total += s.unreadCount
    return total
  }

  // ------------------------------------------------------------ messages

  async listMessages(topic: string, options: { before?: number; limit: number }): Promise<MessagePage> {
    let page = await this.#cache.pageMessages(topic, options.before, options.limit)
    if (page.messages.length < options.limit && (await this.#cache.cursors.get(topic)) === undefined) {
      // Never synced (e.g. only seen by the stream so far): fetch its history, then page again.
      const conversation = this.#client.conversations.get(topic)
      if (conversation) {
        await this.#sync.syncConversations([conversation])
        page = await this.#cache.pageMessages(topic, options.before, options.limit)
      }
    }
    return { messages: page.messages.map((m) => m.view), hasMore: page.hasMore }
  }

  /**
   * The library knowing the conversation is enough (its record and the cache's row are one):
   * the message is sealed once, kept in the outbox (durable), stored as pending (one
   * `messages` event), then the outbox publishes it, and its 'sent' copy is the next event.
   */
  async send(topic: string, content: ContentInput): Promise<MessageView> {
    const conversation = this.#client.conversations.get(topic)
    if (!conversation) throw notFound(topic)
    const { content: value, contentType } = encodeInput(content)
    const prepared = await conversation.prepareMessage(value, { contentType })
    const stored = toStoredMessage(prepared.message, topic, 'pending')
    // Outbox first (durable), then the pending copy, then publish: a restart in between
    // resumes the outbox, and the publish's 'sent' can never be overtaken by 'pending'.
    await this.#outbox.enqueue(topic, prepared.envelopes, stored, { kick: false })
    await this.#store(topic, [stored], 'outbox')
    this.#outbox.kick()
    return stored.view
  }

  async retry(topic: string, id: string): Promise<MessageView> {
    const again = await this.#outbox.retry(id)
    if (again) return again.view
    const cached = await this.#cache.getMessage(topic, id)
    if (cached) return cached.view // already sent: nothing to retry
    throw new AccountDataError('not-found', 'no such message to retry')
  }

  loadAttachment(topic: string, id: string): Promise<{ filename: string; mimeType: string; dataBase64: string }> {
    return loadAttachment(this.#cache, this.#client, this.#fetch, topic, id)
  }

  /** Peer addresses, then the text of cached messages (newest first), opened a page at a time. */
  search(query: string, limit: number): Promise<SearchHit[]> {
    return searchCache(this.#cache, (s) => !s.conflict && this.#consentOf(s) !== 'denied', (s) => this.#view(s), query, limit)
  }

  // ------------------------------------------------------------ sync

  syncStatus(): SyncStatusView {
    return this.#sync.status()
  }

  syncNow(): Promise<SyncStatusView> {
    return this.#sync.syncNow()
  }

  holdStream(_reason: string): () => void {
    return this.#sync.hold()
  }

  onMessages(listener: (topic: string, messages: MessageView[], conversation: ConversationView) => void): () => void {
    return this.#messageListeners.add(listener)
  }

  onConversation(listener: (conversation: ConversationView) => void): () => void {
    return this.#conversationListeners.add(listener)
  }

  onSyncStatus(listener: (status: SyncStatusView) => void): () => void {
    return this.#sync.onStatus(listener)
  }

  /** Messages waiting in the outbox (queued or failed). */
  outboxSize(): Promise<number> {
    return this.#outbox.size()
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#conversations.bind({ me: this.address, onSaved: () => {}, onCorrupt: () => {} })
    await this.#sync.close()
    await this.#outbox.close()
    this.#messageListeners.clear()
    this.#conversationListeners.clear()
    this.#db.close()
    this.#cipher.close()
  }

  // ------------------------------------------------------------ internals

  /** The cached state of a conversation the library knows; its row written again if it was lost. */
  async #stateOf(topic: string): Promise<ConversationState | null> {
    let state: ConversationState | null = null
    try {
      state = await this.#cache.getConversation(topic)
    } catch (error) {
      if (!(error instanceof CacheRecordError)) throw error // dropped and reported: written again below
    }
    return state ?? (await this.#conversations.restore([topic]))[0] ?? null
  }

  async #restoreLostRows(): Promise<void> {
    if (!this.#lostRows) return
    this.#lostRows = false
    await this.#conversations.restore()
  }

  async #ingestDecoded(topic: string, messages: DecodedMessage[]): Promise<void> {
    await this.#store(
      topic,
      // A V1 header naming the user proves nothing (DecodedMessage.senderUnproven): the
      // peer's unless this device's own record of the send says otherwise (cache.ingestMany).
      messages.map((m) => {
        const stored = toStoredMessage(m, topic, 'sent', this.#now())
        return m.senderUnproven ? disownUnproven(stored, m.conversation.peerAddress) : stored
      }),
      'network',
    )
  }

  /**
   * Reconciles messages into the cache by id and tells listeners what changed. A 'sent' copy
   * from the network of a message still in the outbox ends its stay there; the outbox's own
   * copies ('pending', 'sent' after its publish, 'failed') need no such step.
   */
  async #store(topic: string, messages: StoredMessage[], from: 'network' | 'outbox'): Promise<void> {
    const changed: MessageView[] = []
    let state: ConversationState | null = null
    const results = await this.#cache.ingestMany(topic, messages, this.address)
    for (const [i, result] of results.entries()) {
      const message = messages[i]!
      if (result.outcome === 'duplicate') continue
      if (from === 'network' && result.outcome === 'updated' && message.view.delivery === 'sent') await this.#outbox.delivered(message.view.id)
      changed.push((result.stored ?? message).view)
      state = result.conversation ?? state
    }
    if (changed.length === 0) return
    state ??= await this.#stateOf(topic)
    if (!state) return
    const view = this.#view(state)
    this.#messageListeners.emit(topic, changed, view)
    this.#emitConversation(view)
  }

  async #applyConsent(states: Map<string, ConsentView>): Promise<void> {
    const changed = await this.#consent.apply(states)
    if (changed.size === 0 || this.#conversationListeners.size === 0) return
    for (const s of await this.#cache.listConversations((s) => changed.has(s.peerAddress.toLowerCase()))) this.#emitConversation(this.#view(s))
  }

  /**
   * Consent of a conversation's peer, from the ConsentBook; a peer it has not heard of yet is
   * asked of the library's contact list it is fed from (e.g. the allow recorded when this
   * account just invited the peer, until the next pass brings it). A conversation we wrote in
   * counts as allowed (as xmtp-js does).
   */
  #consentOf(state: ConversationState): ConsentView {
    const known = this.#consent.get(state.peerAddress) ?? this.#client.contacts.consentState(state.peerAddress)
    if (known === 'unknown' && state.repliedByMe) return 'allowed'
    return known
  }

  #view(state: ConversationState): ConversationView {
    this.#latest?.set(state.topic, state)
    return toConversationView(state, this.#consentOf(state))
  }

  #emitConversation(view: ConversationView): void {
    this.#conversationListeners.emit(view)
  }
}
