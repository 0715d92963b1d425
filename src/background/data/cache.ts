// One account's cache over the encrypted IndexedDB: conversation states, messages,
// per-conversation sync cursors and consent. Every write touches one record (or one
// message plus its conversation, in one transaction), never a whole store. Reads that
// meet a record they cannot open skip it, drop it and report it, so one corrupt record
// never hides the rest; the sync engine re-learns what was dropped.
import type { ConsentView, ConversationView, MessagePreview, MessageView } from '../../extension/views.ts'
import { CacheRecordError, type RecordCipher } from './cipher.ts'
import type { CacheDatabase, ConversationRow, MessageRow } from './database.ts'

/** What the cache keeps per conversation (sealed). */
export interface ConversationState {
  topic: string
  peerAddress: string
  version: 'v1' | 'v2'
  createdAt: number
  context?: { conversationId: string; metadata: Record<string, string> }
  muted: boolean
  unreadCount: number
  /** Messages from the peer sent at or before this are read. */
  lastReadAt: number
  lastMessage?: MessagePreview
  /** We sent a message here (counts as consent, as xmtp-js does). */
  repliedByMe: boolean
}

/** A cached message: the view plus, for content the view cannot hold (remote attachments), the EncodedContent. */
export interface StoredMessage {
  view: MessageView
  contentBase64?: string
}

export type IngestOutcome = 'added' | 'updated' | 'duplicate'

export type CorruptListener = (error: CacheRecordError, where: { topic?: string }) => void

export class AccountCache {
  readonly #db: CacheDatabase
  readonly #cipher: RecordCipher
  readonly #onCorrupt: CorruptListener

  constructor(db: CacheDatabase, cipher: RecordCipher, onCorrupt: CorruptListener = () => {}) {
    this.#db = db
    this.#cipher = cipher
    this.#onCorrupt = onCorrupt
  }

  convId(topic: string): string {
    return this.#cipher.blind('topic', topic)
  }

  // ------------------------------------------------------------ conversations

  async getConversation(topic: string): Promise<ConversationState | null> {
    const id = this.convId(topic)
    const row = await this.#db.get('conversations', id)
    if (!row) return null
    try {
      return this.#openConversation(row)
    } catch (error) {
      if (!(error instanceof CacheRecordError)) throw error
      // Dropped so the next sync can store a fresh state; the caller gets the error.
      await this.#db.delete('conversations', id)
      this.#onCorrupt(error, { topic })
      throw error
    }
  }

  /**
   * Conversations newest activity first, opening only as many rows as `accept` needs to fill
   * `limit`. A limited list reads twice `limit` rows with a cursor (the whole index only when
   * the filter leaves too few); a full list reads every row in one getAll. Rows are decrypted
   * after their transaction, a page at a time with a page's decryptions in flight (WebCrypto).
   */
  async listConversations(accept: (state: ConversationState) => boolean, limit = Infinity): Promise<ConversationState[]> {
    // A page needs only its newest rows: read those (and more only if some are filtered out).
    const rows = Number.isFinite(limit) ? await this.#newestRows(Math.max(1, limit) * 2) : (await this.#db.getAllFromIndex('conversations', 'lastMessageAt')).reverse()
    if (Number.isFinite(limit) && rows.length === Math.max(1, limit) * 2) {
      const first = await this.#openRows(rows, accept, limit)
      if (first.length >= limit) return first
      return this.listConversations(accept, Infinity).then((all) => all.slice(0, limit))
    }
    return this.#openRows(rows, accept, limit)
  }

  /** The `count` rows of newest activity, newest first, read with a cursor (no full scan). */
  async #newestRows(count: number): Promise<ConversationRow[]> {
    const out: ConversationRow[] = []
    let cursor = await this.#db.transaction('conversations').store.index('lastMessageAt').openCursor(null, 'prev')
    while (cursor && out.length < count) {
      out.push(cursor.value)
      cursor = await cursor.continue()
    }
    return out
  }

  /** Opens `rows` in pages of `limit` until `limit` states are accepted; drops the unreadable. */
  async #openRows(rows: ConversationRow[], accept: (state: ConversationState) => boolean, limit: number): Promise<ConversationState[]> {
    const out: ConversationState[] = []
    const corrupt: ConversationRow[] = []
    const page = Number.isFinite(limit) ? Math.max(1, limit) : rows.length
    for (let i = 0; i < rows.length && out.length < limit; i += page) {
      const slice = rows.slice(i, i + page)
      const opened = await this.#cipher.openJsonMany<ConversationState>('conversations', slice.map((row) => ({ recordKey: row.id, value: row.value })))
      for (const [j, state] of opened.entries()) {
        if (state instanceof CacheRecordError) {
          corrupt.push(slice[j]!)
          this.#onCorrupt(state, {})
        } else if (out.length < limit && accept(state)) out.push(state)
      }
    }
    for (const row of corrupt) await this.#db.delete('conversations', row.id)
    return out
  }

  /** Stores `state` unless the conversation is already cached (one transaction); returns what is cached. */
  async addConversation(state: ConversationState): Promise<{ state: ConversationState; added: boolean }> {
    const tx = this.#db.transaction('conversations', 'readwrite')
    const row = await tx.store.get(this.convId(state.topic))
    const existing = row ? this.#tryOpenConversation(row) : null
    if (!existing) await tx.store.put(this.#conversationRow(state))
    await tx.done
    return existing ? { state: existing, added: false } : { state, added: true }
  }

  /**
   * addConversation for many states (a sync pass adds hundreds at once): one read
   * transaction, the new rows sealed together outside any transaction (WebCrypto), then one
   * write transaction that re-checks each row, so a conversation a stream stored meanwhile is
   * kept, not overwritten. A state that is added while the conversation's messages are cached
   * (its record was lost) takes its preview from the newest of them. One result per state, in order.
   */
  async addConversations(states: ConversationState[], me: string): Promise<Array<{ state: ConversationState; added: boolean }>> {
    if (states.length === 0) return []
    const ids = states.map((state) => this.convId(state.topic))
    const read = this.#db.transaction(['conversations', 'messages'])
    const byConversation = read.objectStore('messages').index('byConversation')
    const found = await Promise.all(
      ids.map(async (id) => {
        const row = await read.objectStore('conversations').get(id)
        if (row) return { row }
        const newest = (await byConversation.openCursor(IDBKeyRange.bound([id, -Infinity], [id, Infinity]), 'prev'))?.value
        return { newest }
      }),
    )
    await read.done
    const present = found.flatMap(({ row }, i) => (row ? [{ i, row }] : []))
    const openedRows = await this.#cipher.openJsonMany<ConversationState>('conversations', present.map(({ row }) => ({ recordKey: row.id, value: row.value })))
    const existing: Array<ConversationState | null> = states.map(() => null)
    for (const [j, { i }] of present.entries()) {
      const opened = openedRows[j]!
      if (opened instanceof CacheRecordError) this.#onCorrupt(opened, { topic: states[i]!.topic }) // replaced below
      else existing[i] = opened
    }
    const fresh = states.map((state, i) => {
      if (existing[i]) return null
      const newestRow = found[i]!.newest
      const newest = newestRow ? this.#tryOpenMessage(newestRow, state.topic) : null
      return newest ? applyMessage(state, newest.view, me, false) : state
    })
    const toSeal = fresh.flatMap((state, i) => (state ? [{ i, state }] : []))
    const sealed = await this.#cipher.sealJsonMany('conversations', toSeal.map(({ i, state }) => ({ recordKey: ids[i]!, value: state })))
    const rowOf = new Map(toSeal.map(({ i, state }, j) => [i, { id: ids[i]!, lastMessageAt: sortKeyOf(state), value: sealed[j]! }]))

    const write = this.#db.transaction('conversations', 'readwrite')
    const results = await Promise.all(
      states.map(async (state, i) => {
        if (existing[i]) return { state: existing[i]!, added: false }
        // Stored meanwhile (a stream's message, another pass)? Then that record stays.
        const now = found[i]!.row ? undefined : await write.store.get(ids[i]!)
        const stored = now ? this.#tryOpenConversation(now) : null
        if (stored) return { state: stored, added: false }
        await write.store.put(rowOf.get(i)!)
        return { state: fresh[i]!, added: true }
      }),
    )
    await write.done
    return results
  }

  async putConversation(state: ConversationState): Promise<void> {
    await this.#db.put('conversations', this.#conversationRow(state))
  }

  /** Applies `change` to the stored state (read and write in one transaction); null when absent. */
  async updateConversation(topic: string, change: (state: ConversationState) => ConversationState | null): Promise<ConversationState | null> {
    const id = this.convId(topic)
    const tx = this.#db.transaction('conversations', 'readwrite')
    const row = await tx.store.get(id)
    const state = row ? this.#tryOpenConversation(row) : null
    const next = state ? change(state) : null
    if (next) await tx.store.put(this.#conversationRow(next))
    await tx.done
    return next ?? state
  }

  // ------------------------------------------------------------ messages

  /**
   * Stores messages of one conversation unless their id is already there (reconciling by
   * id): a 'sent' copy replaces a 'pending' or 'failed' one, anything else is a duplicate.
   * The conversation's preview, unread count and reply flag change in the same transaction.
   */
  async ingest(topic: string, message: StoredMessage, me: string): Promise<{ outcome: IngestOutcome; conversation: ConversationState | null }> {
    const [result] = await this.ingestMany(topic, [message], me)
    return { outcome: result!.outcome, conversation: result!.conversation }
  }

  /** ingest() for a batch, in one transaction; one outcome per message, in order. */
  async ingestMany(topic: string, batch: StoredMessage[], me: string): Promise<Array<{ outcome: IngestOutcome; conversation: ConversationState | null }>> {
    const conv = this.convId(topic)
    const tx = this.#db.transaction(['messages', 'conversations'], 'readwrite')
    const messages = tx.objectStore('messages')
    const conversations = tx.objectStore('conversations')
    const row = await conversations.get(conv)
    let state = row ? this.#tryOpenConversation(row) : null
    let changed = false
    const results: Array<{ outcome: IngestOutcome; conversation: ConversationState | null }> = []
    for (const message of batch) {
      const existingRow = await messages.get([conv, message.view.id])
      let outcome: IngestOutcome = 'added'
      if (existingRow) {
        const existing = this.#tryOpenMessage(existingRow)
        if (existing && !(existing.view.delivery !== 'sent' && message.view.delivery !== existing.view.delivery)) outcome = 'duplicate'
        else outcome = existing ? 'updated' : 'added'
      }
      if (outcome !== 'duplicate') {
        await messages.put(this.#messageRow(conv, message))
        if (state) {
          state = applyMessage(state, message.view, me, outcome === 'added')
          changed = true
        }
      }
      results.push({ outcome, conversation: state })
    }
    if (changed && state) await conversations.put(this.#conversationRow(state))
    await tx.done
    return results
  }

  async getMessage(topic: string, id: string): Promise<StoredMessage | null> {
    const row = await this.#db.get('messages', [this.convId(topic), id])
    if (!row) return null
    return this.#openMessage(row, topic)
  }

  /** Newest `limit` messages sent before `before` (ms), returned oldest first; `hasMore` when older ones are cached. */
  async pageMessages(topic: string, before: number | undefined, limit: number): Promise<{ messages: StoredMessage[]; hasMore: boolean }> {
    const conv = this.convId(topic)
    const range = IDBKeyRange.bound([conv, -Infinity], [conv, before ?? Infinity], false, before !== undefined)
    const out: StoredMessage[] = []
    let hasMore = false
    const corrupt: MessageRow[] = []
    let cursor = await this.#db.transaction('messages').store.index('byConversation').openCursor(range, 'prev')
    while (cursor) {
      const stored = this.#tryOpenMessage(cursor.value, topic)
      if (stored === null) corrupt.push(cursor.value)
      else if (out.length === limit) {
        hasMore = true
        break
      } else out.push(stored)
      cursor = await cursor.continue()
    }
    if (corrupt.length > 0) await this.#dropMessages(topic, corrupt)
    return { messages: out.reverse(), hasMore }
  }

  /** Every cached message, newest first, opened one at a time (for search). */
  async *allMessages(): AsyncGenerator<{ row: MessageRow; open: () => StoredMessage | null }> {
    let cursor = await this.#db.transaction('messages').store.index('bySentAt').openCursor(null, 'prev')
    while (cursor) {
      const row = cursor.value
      yield { row, open: () => this.#tryOpenMessage(row) }
      cursor = await cursor.continue()
    }
  }

  // ------------------------------------------------------------ cursors and consent

  /** The time (ns) from which the next sync of `topic` queries, or undefined for all history. */
  async getCursor(topic: string): Promise<bigint | undefined> {
    const id = this.convId(topic)
    const row = await this.#db.get('cursors', id)
    if (!row) return undefined
    try {
      return BigInt(this.#cipher.openJson<{ ns: string }>('cursors', id, row.value).ns)
    } catch (error) {
      if (error instanceof CacheRecordError) this.#onCorrupt(error, { topic })
      await this.#db.delete('cursors', id)
      return undefined // syncing the whole history again loses nothing: ingest dedupes
    }
  }

  /** getCursor for many topics in one transaction. */
  async getCursors(topics: string[]): Promise<Array<bigint | undefined>> {
    const tx = this.#db.transaction('cursors')
    const rows = await Promise.all(topics.map((t) => tx.store.get(this.convId(t))))
    await tx.done
    const present = rows.flatMap((row, i) => (row ? [{ i, row }] : []))
    const opened = await this.#cipher.openJsonMany<{ ns: string }>('cursors', present.map(({ row }) => ({ recordKey: row.id, value: row.value })))
    const out: Array<bigint | undefined> = topics.map(() => undefined)
    for (const [j, { i, row }] of present.entries()) {
      const cursor = opened[j]!
      let ns: bigint | undefined
      try {
        if (cursor instanceof CacheRecordError) throw cursor
        ns = BigInt(cursor.ns)
      } catch (error) {
        if (error instanceof CacheRecordError) this.#onCorrupt(error, { topic: topics[i]! })
        await this.#db.delete('cursors', row.id) // syncing the whole history again loses nothing: ingest dedupes
        continue
      }
      out[i] = ns
    }
    return out
  }

  async setCursor(topic: string, ns: bigint): Promise<void> {
    const id = this.convId(topic)
    await this.#db.put('cursors', { id, value: this.#cipher.sealJson('cursors', id, { ns: ns.toString() }) })
  }

  /** setCursor for many topics in one transaction. */
  async setCursors(topics: string[], ns: bigint): Promise<void> {
    const ids = topics.map((topic) => this.convId(topic))
    const sealed = await this.#cipher.sealJsonMany('cursors', ids.map((id) => ({ recordKey: id, value: { ns: ns.toString() } })))
    const tx = this.#db.transaction('cursors', 'readwrite')
    await Promise.all([...ids.map((id, i) => tx.store.put({ id, value: sealed[i]! })), tx.done])
  }

  async clearCursor(topic: string): Promise<void> {
    await this.#db.delete('cursors', this.convId(topic))
  }

  async getConsent(address: string): Promise<ConsentView | undefined> {
    const id = this.#cipher.blind('address', address.toLowerCase())
    const row = await this.#db.get('consent', id)
    if (!row) return undefined
    try {
      return this.#cipher.openJson<{ state: ConsentView }>('consent', id, row.value).state
    } catch {
      await this.#db.delete('consent', id)
      return undefined
    }
  }

  /** Every cached consent state (address → state); unreadable rows are dropped. */
  async allConsent(): Promise<Map<string, ConsentView>> {
    const out = new Map<string, ConsentView>()
    const rows = await this.#db.getAll('consent')
    const opened = await this.#cipher.openJsonMany<{ address: string; state: ConsentView }>('consent', rows.map((row) => ({ recordKey: row.id, value: row.value })))
    for (const [i, entry] of opened.entries()) {
      if (entry instanceof CacheRecordError || typeof entry?.address !== 'string') {
        await this.#db.delete('consent', rows[i]!.id) // re-learnt from the preferences topic on the next sync
      } else out.set(entry.address.toLowerCase(), entry.state)
    }
    return out
  }

  async setConsent(address: string, state: ConsentView): Promise<void> {
    const id = this.#cipher.blind('address', address.toLowerCase())
    await this.#db.put('consent', { id, value: this.#cipher.sealJson('consent', id, { address, state }) })
  }

  // ------------------------------------------------------------ rows

  #conversationRow(state: ConversationState): ConversationRow {
    const id = this.convId(state.topic)
    return { id, lastMessageAt: sortKeyOf(state), value: this.#cipher.sealJson('conversations', id, state) }
  }

  #messageRow(conv: string, message: StoredMessage): MessageRow {
    const key = `${conv}/${message.view.id}`
    return { conv, id: message.view.id, sentAt: message.view.sentAt, value: this.#cipher.sealJson('messages', key, message) }
  }

  #openConversation(row: ConversationRow): ConversationState {
    return this.#cipher.openJson<ConversationState>('conversations', row.id, row.value)
  }

  #tryOpenConversation(row: ConversationRow): ConversationState | null {
    try {
      return this.#openConversation(row)
    } catch (error) {
      if (!(error instanceof CacheRecordError)) throw error
      this.#onCorrupt(error, {})
      return null
    }
  }

  #openMessage(row: MessageRow, topic?: string): StoredMessage {
    const stored = this.#cipher.openJson<StoredMessage>('messages', `${row.conv}/${row.id}`, row.value)
    if (stored.view.id !== row.id || (topic !== undefined && stored.view.topic !== topic)) {
      throw new CacheRecordError('messages', 'a cached message record does not match its key')
    }
    return stored
  }

  #tryOpenMessage(row: MessageRow, topic?: string): StoredMessage | null {
    try {
      return this.#openMessage(row, topic)
    } catch (error) {
      if (!(error instanceof CacheRecordError)) throw error
      this.#onCorrupt(error, topic === undefined ? {} : { topic })
      return null
    }
  }

  /** Drops unreadable messages and resets the conversation's cursor so the next sync fetches them again. */
  async #dropMessages(topic: string, rows: MessageRow[]): Promise<void> {
    const tx = this.#db.transaction(['messages', 'cursors'], 'readwrite')
    for (const row of rows) await tx.objectStore('messages').delete([row.conv, row.id])
    await tx.objectStore('cursors').delete(this.convId(topic))
    await tx.done
  }
}

/** The conversations index sorts by this: the last message's time, else when it began. */
function sortKeyOf(state: ConversationState): number {
  return state.lastMessage?.sentAt ?? state.createdAt
}

/** The conversation after one new (or newly sent) message. */
export function applyMessage(state: ConversationState, view: MessageView, me: string, isNew: boolean): ConversationState {
  const next = { ...state }
  const fromMe = view.senderAddress.toLowerCase() === me.toLowerCase()
  if (fromMe) next.repliedByMe = true
  if (view.content.type !== 'readReceipt' && (!next.lastMessage || view.sentAt >= next.lastMessage.sentAt)) {
    next.lastMessage = { id: view.id, senderAddress: view.senderAddress, sentAt: view.sentAt, text: previewText(view) }
  }
  if (isNew && !fromMe && view.sentAt > next.lastReadAt && view.content.type !== 'readReceipt') next.unreadCount += 1
  return next
}

export function previewText(view: MessageView): string {
  const c = view.content
  switch (c.type) {
    case 'text':
      return oneLine(c.text)
    case 'reaction':
      return c.action === 'added' ? `Reacted ${c.content}` : `Removed reaction ${c.content}`
    case 'reply':
      return c.content.type === 'text' ? `↩ ${oneLine(c.content.text)}` : '↩ Reply'
    case 'attachment':
      return `📎 ${c.filename}`
    case 'remoteAttachment':
      return `📎 ${c.filename ?? 'attachment'}`
    case 'readReceipt':
      return 'Read'
    case 'unknown':
      return c.fallback ? oneLine(c.fallback) : 'Unsupported message'
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > 140 ? `${line.slice(0, 139)}…` : line
}

export function toConversationView(state: ConversationState, consent: ConsentView): ConversationView {
  const view: ConversationView = {
    topic: state.topic,
    peerAddress: state.peerAddress,
    version: state.version,
    createdAt: state.createdAt,
    consent,
    unreadCount: state.unreadCount,
    muted: state.muted,
  }
  if (state.context) view.context = { conversationId: state.context.conversationId, metadata: { ...state.context.metadata } }
  if (state.lastMessage) view.lastMessage = { ...state.lastMessage }
  return view
}
