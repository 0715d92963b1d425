// AccountData for one unlocked account: the encrypted cache, the sync engine and the
// outbox behind the interface in ../contracts.ts. Everything a page sees comes from the
// cache; the network only ever adds to it (reconciling by message id).
import type { ConversationFilter } from '../../extension/methods/messaging.ts'
import type { ConsentView, ContentInput, ConversationView, MessagePage, MessageView, SearchHit, SyncStatusView } from '../../extension/views.ts'
import { ClientError, type Client, type Conversation, type DecodedMessage } from '../../protocol/index.ts'
import { decodeContent, decryptRemoteAttachment, type Attachment, type RemoteAttachment } from '../../protocol/content/index.ts'
import { fromBase64, toBase64 } from '../../wire/bytes.ts'
import type { AccountData } from '../contracts.ts'
import { AccountCache } from './cache.ts'
import { applyMessage, disownUnproven, knownKey, newConversationState, type ConversationState, type StoredMessage, toConversationView } from './conversation-state.ts'
import { CacheRecordError, type RecordCipher } from './cipher.ts'
import { encodeInput, searchableText, toStoredMessage } from './content.ts'
import type { CacheDatabase } from './database.ts'
import { Outbox, type OutboxPolicy } from './outbox.ts'
import { downloadAttachment, type AttachmentFetch } from './attachments.ts'
import { SyncEngine } from './sync.ts'

type MessagesListener = (topic: string, messages: MessageView[], conversation: ConversationView) => void
type ConversationListener = (conversation: ConversationView) => void

export interface AccountDataParts {
  client: Client
  db: CacheDatabase
  cipher: RecordCipher
  now: () => number
  fetch: AttachmentFetch
  outbox?: Partial<OutboxPolicy>
  /** Called when a cached record could not be opened (it is dropped and re-learnt). */
  onCorruptRecord?: (message: string) => void
}

/** A clear, typed error for callers (handlers map `reason` to RPC errors). */
export class AccountDataError extends Error {
  readonly reason: 'not-found' | 'not-on-network' | 'invalid' | 'attachment' | 'corrupt'
  constructor(reason: AccountDataError['reason'], message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AccountDataError'
    this.reason = reason
  }
}

export class CachedAccountData implements AccountData {
  readonly address: string
  readonly #client: Client
  readonly #db: CacheDatabase
  readonly #cipher: RecordCipher
  readonly #cache: AccountCache
  readonly #sync: SyncEngine
  readonly #outbox: Outbox
  readonly #fetch: AttachmentFetch
  readonly #now: () => number
  readonly #consent = new Map<string, ConsentView>()
  readonly #messageListeners = new Set<MessagesListener>()
  readonly #conversationListeners = new Set<ConversationListener>()
  readonly #stopWatching: () => void
  /** Topics known to have a cached state, with the peer and conflict flag it holds (saves a transaction per conversation per pass). */
  readonly #known = new Map<string, string>()
  #closed = false
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
    this.#cache = new AccountCache(parts.db, parts.cipher, (error) => {
      this.corruptRecords++
      this.#known.clear() // a dropped conversation state must be added again
      this.#latest = undefined
      parts.onCorruptRecord?.(error.message)
      // The damaged record was dropped; a pass restores what the network still has.
      queueMicrotask(() => {
        if (!this.#closed) void this.#sync.syncNow()
      })
    })
    this.#outbox = new Outbox(parts.db, parts.cipher, parts.client, { onDelivery: (topic, message) => this.#store(topic, [message]) }, parts.outbox, parts.now)
    this.#sync = new SyncEngine(
      parts.client,
      this.#cache,
      {
        onConsent: (states) => this.#applyConsent(states),
        onConversations: async (conversations) => void (await this.#ensureConversations(conversations)),
        onMessages: (topic, messages) => this.#ingestDecoded(topic, messages),
        onReachable: () => void this.#outbox.wake().catch(() => this.#outbox.kick()),
      },
      parts.now,
    )
    // Invites seen by the stream, newConversation, listings: cache them as they merge.
    this.#stopWatching = parts.client.conversations.onChange((conversations) => void this.#ensureConversations(conversations).catch(() => {})) // the next pass retries
  }

  /** Loads what the views need in memory (consent) and resumes the outbox. */
  async start(): Promise<void> {
    for (const [address, state] of await this.#cache.consent.all()) this.#consent.set(address, state)
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
      conversation = await this.#client.conversations.newConversation(peerAddress, context)
    } catch (error) {
      if (error instanceof ClientError && error.reason === 'not-on-network') throw new AccountDataError('not-on-network', `${peerAddress} is not on XMTP yet`, { cause: error })
      if (error instanceof ClientError && (error.reason === 'invalid-address' || error.reason === 'self-message')) throw new AccountDataError('invalid', error.message, { cause: error })
      throw error
    }
    const [state] = await this.#ensureConversations([conversation], true)
    return this.#view(state!)
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

  async send(topic: string, content: ContentInput): Promise<MessageView> {
    const conversation = this.#client.conversations.get(topic)
    if (!conversation || !(await this.#cache.getConversation(topic))) throw notFound(topic)
    const { content: value, contentType } = encodeInput(content)
    const prepared = await conversation.prepareMessage(value, { contentType })
    const stored = toStoredMessage(prepared.message, topic, 'pending')
    // Outbox first (durable), then the pending copy, then publish: a restart in between
    // resumes the outbox, and the publish's 'sent' can never be overtaken by 'pending'.
    await this.#outbox.enqueue(topic, prepared.envelopes, stored, { kick: false })
    await this.#store(topic, [stored])
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

  async loadAttachment(topic: string, id: string): Promise<{ filename: string; mimeType: string; dataBase64: string }> {
    const stored = await this.#cache.getMessage(topic, id)
    if (!stored) throw new AccountDataError('not-found', 'no such message')
    const content = stored.view.content
    if (content.type === 'attachment') return { filename: content.filename, mimeType: content.mimeType, dataBase64: content.dataBase64 }
    if (content.type !== 'remoteAttachment' || !stored.contentBase64) throw new AccountDataError('invalid', 'that message has no attachment')
    const decoded = await decodeContent<RemoteAttachment>(fromBase64(stored.contentBase64), this.#client.registry)
    if (!decoded.content) throw new AccountDataError('attachment', 'the attachment reference could not be read')
    let payload: Uint8Array
    try {
      // https only, never a private host, no credentials, bounded in time and size (attachments.ts).
      payload = await downloadAttachment(this.#fetch, decoded.content.url, { contentLength: decoded.content.contentLength })
    } catch (cause) {
      throw new AccountDataError('attachment', cause instanceof Error ? cause.message : 'the attachment could not be downloaded', { cause })
    }
    try {
      const attachment = await decryptRemoteAttachment<Attachment>(decoded.content, payload, this.#client.registry)
      return { filename: attachment.filename, mimeType: attachment.mimeType, dataBase64: toBase64(attachment.data) }
    } catch (cause) {
      throw new AccountDataError('attachment', 'the downloaded attachment did not match its digest or could not be decrypted', { cause })
    }
  }

  /** Peer addresses, then the text of cached messages (newest first), opened a page at a time. */
  async search(query: string, limit: number): Promise<SearchHit[]> {
    const needle = query.trim().toLowerCase()
    if (needle.length === 0) return []
    const hits: SearchHit[] = []
    const byConv = new Map<string, ConversationView | null>()
    for (const state of await this.#cache.listConversations((s) => !s.conflict && this.#consentOf(s) !== 'denied')) {
      byConv.set(this.#cache.convId(state.topic), this.#view(state))
      if (hits.length < limit && state.peerAddress.toLowerCase().includes(needle)) hits.push({ conversation: this.#view(state) })
    }
    for await (const page of this.#cache.messagePages()) {
      const rows = page.filter((row) => byConv.get(row.conv)) // not a denied peer's, nor an unknown conversation's
      for (const [i, stored] of (await this.#cache.openMessages(rows)).entries()) {
        if (hits.length >= limit) return hits
        if (stored && searchableText(stored.view.content).toLowerCase().includes(needle)) hits.push({ conversation: byConv.get(rows[i]!.conv)!, message: stored.view })
      }
      if (hits.length >= limit) break
    }
    return hits
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

  onMessages(listener: MessagesListener): () => void {
    this.#messageListeners.add(listener)
    return () => this.#messageListeners.delete(listener)
  }

  onConversation(listener: ConversationListener): () => void {
    this.#conversationListeners.add(listener)
    return () => this.#conversationListeners.delete(listener)
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
    this.#stopWatching()
    await this.#sync.close()
    await this.#outbox.close()
    this.#messageListeners.clear()
    this.#conversationListeners.clear()
    this.#db.close()
    this.#cipher.close()
  }

  // ------------------------------------------------------------ internals

  /**
   * Adds a cached state for each conversation that has none (one transaction); returns the
   * states when `wantStates`. A known topic whose peer or dispute flag the protocol changed
   * (a verified invitation displaced a squatter, or two unverifiable ones now dispute it)
   * is brought in line, so the views never show a peer the protocol no longer vouches for.
   */
  async #ensureConversations(conversations: Conversation[], wantStates = false): Promise<ConversationState[]> {
    const seen = new Set<string>()
    const wanted = conversations.filter((c) => (wantStates || this.#known.get(c.topic) !== knownKey(c)) && !seen.has(c.topic) && seen.add(c.topic))
    const fresh = wanted.map((c) => newConversationState(c, this.#now()))
    // Add-if-absent in one transaction: listings, streams and sends may race here. A state
    // re-created after its record was lost takes its preview from cached messages.
    const results = await this.#cache.addConversations(fresh, this.address)
    const states: ConversationState[] = []
    for (const [i, { state, added }] of results.entries()) {
      let current = state
      if (added) this.#emitConversation(this.#view(state))
      else if (knownKey(state) !== knownKey(fresh[i]!)) {
        const wantedState = fresh[i]!
        if (state.peerAddress.toLowerCase() !== wantedState.peerAddress.toLowerCase()) {
          // What was cached under the old peer (its messages, the cursor past the owner's) goes.
          await this.#cache.resetConversation(wantedState)
          current = wantedState
        } else {
          current =
            (await this.#cache.updateConversation(state.topic, (s) => {
              const next: ConversationState = { ...s }
              if (wantedState.conflict) next.conflict = true
              else delete next.conflict
              return next
            })) ?? state
        }
        this.#emitConversation(this.#view(current))
      }
      this.#known.set(current.topic, knownKey(current))
      states.push(current)
    }
    return states
  }

  async #ingestDecoded(topic: string, messages: DecodedMessage[]): Promise<void> {
    const conversation = this.#client.conversations.get(topic)
    if (conversation) await this.#ensureConversations([conversation])
    await this.#store(
      topic,
      // A V1 header naming the user proves nothing (DecodedMessage.senderUnproven): the
      // peer's unless this device's own record of the send says otherwise (cache.ingestMany).
      messages.map((m) => {
        const stored = toStoredMessage(m, topic, 'sent', this.#now())
        return m.senderUnproven ? disownUnproven(stored, m.conversation.peerAddress) : stored
      }),
    )
  }

  /** Reconciles messages into the cache by id and tells listeners what changed. */
  async #store(topic: string, messages: StoredMessage[]): Promise<void> {
    const changed: MessageView[] = []
    let state: ConversationState | null = null
    const results = await this.#cache.ingestMany(topic, messages, this.address)
    for (const [i, result] of results.entries()) {
      const message = messages[i]!
      if (result.outcome === 'duplicate') continue
      if (result.outcome === 'updated' && message.view.delivery === 'sent') await this.#outbox.delivered(message.view.id)
      changed.push((result.stored ?? message).view)
      state = result.conversation ?? state
    }
    if (changed.length === 0) return
    state ??= await this.#cache.getConversation(topic)
    if (!state) return
    const view = this.#view(state)
    for (const listener of this.#messageListeners) safely(() => listener(topic, changed, view))
    this.#emitConversation(view)
  }

  async #applyConsent(states: Map<string, ConsentView>): Promise<void> {
    const changed = new Set<string>()
    for (const [address, state] of states) {
      const key = address.toLowerCase()
      if (this.#consent.get(key) === state) continue
      this.#consent.set(key, state)
      await this.#cache.consent.set(key, state)
      changed.add(key)
    }
    if (changed.size === 0 || this.#conversationListeners.size === 0) return
    for (const s of await this.#cache.listConversations((s) => changed.has(s.peerAddress.toLowerCase()))) this.#emitConversation(this.#view(s))
  }

  /** Consent of a conversation's peer; a conversation we wrote in counts as allowed (as xmtp-js does). */
  #consentOf(state: ConversationState): ConsentView {
    const known = this.#consent.get(state.peerAddress.toLowerCase()) ?? this.#client.contacts.consentState(state.peerAddress)
    if (known === 'unknown' && state.repliedByMe) return 'allowed'
    return known
  }

  #view(state: ConversationState): ConversationView {
    this.#latest?.set(state.topic, state)
    return toConversationView(state, this.#consentOf(state))
  }

  #emitConversation(view: ConversationView): void {
    for (const listener of this.#conversationListeners) safely(() => listener(view))
  }
}

export function matches(filter: ConversationFilter, consent: ConsentView): boolean {
  if (filter === 'blocked') return consent === 'denied'
  if (consent === 'denied') return false
  if (filter === 'messages') return consent === 'allowed'
  if (filter === 'requests') return consent === 'unknown'
  return true
}

function notFound(topic: string): AccountDataError {
  return new AccountDataError('not-found', `no conversation ${topic.length > 24 ? `${topic.slice(0, 24)}…` : topic} in this account`)
}

function safely(run: () => void): void {
  try {
    run()
  } catch {
    // a listener's failure is its own
  }
}
