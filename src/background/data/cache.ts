// One account's cache over the encrypted IndexedDB: conversation states and messages, plus
// the sync engine's cursors and consent records (sync-records.ts). Every write touches one
// record (or one message plus its conversation, in one transaction), never a whole store.
// Reads that meet a record they cannot open skip it, drop it and report it, so one corrupt
// record never hides the rest; the sync engine re-learns what was dropped.
import { CacheRecordError, type RecordCipher } from './cipher.ts'
import type { CacheDatabase, ConversationRow, MessageRow } from './database.ts'
import { applyMessage, keepAuthorship, type ConversationState, type StoredMessage } from './conversation-state.ts'
import { ConversationRows, MAX_WRITE_ATTEMPTS, sameBytes, type CorruptListener } from './conversation-rows.ts'
import { ConsentRecords, CursorRecords } from './sync-records.ts'

export type IngestOutcome = 'added' | 'updated' | 'duplicate'

export type { CorruptListener } from './conversation-rows.ts'

export class AccountCache {
  readonly #db: CacheDatabase
  readonly #cipher: RecordCipher
  readonly #onCorrupt: CorruptListener
  /** Where each topic's next sync starts. */
  readonly cursors: CursorRecords
  /** Consent per peer, as the private-preferences topic last said. */
  readonly consent: ConsentRecords
  /** The conversation rows (sealing, opening, batched writes), shared with the ConversationStore. */
  readonly rows: ConversationRows

  constructor(db: CacheDatabase, cipher: RecordCipher, onCorrupt: CorruptListener = () => {}) {
    this.#db = db
    this.#cipher = cipher
    this.#onCorrupt = onCorrupt
    this.cursors = new CursorRecords(db, cipher, onCorrupt)
    this.consent = new ConsentRecords(db, cipher)
    this.rows = new ConversationRows(db, cipher, onCorrupt)
  }

  convId(topic: string): string {
    return this.rows.id(topic)
  }

  // ------------------------------------------------------------ conversations

  async getConversation(topic: string): Promise<ConversationState | null> {
    const id = this.convId(topic)
    const row = await this.#db.get('conversations', id)
    if (!row) return null
    try {
      return await this.rows.open(row)
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

  /**
   * Adds a state for each conversation without a readable record (one read transaction, the
   * new rows sealed together, one write transaction that re-checks each row, so a
   * conversation a stream stored meanwhile is kept, not overwritten). A state that is added
   * while the conversation's messages are cached (its record was lost) takes its preview
   * from the newest of them. One result per state, in order.
   */
  async addConversations(states: ConversationState[], me: string): Promise<Array<{ state: ConversationState; added: boolean }>> {
    if (states.length === 0) return []
    const results = await this.rows.upsert(states.map((s) => s.topic), (stored, i) => (stored ? null : { next: states[i]! }), me, (row, topic) => this.#tryOpenMessage(row, topic))
    return results.map(({ state, written }) => ({ state, added: written }))
  }

  async putConversation(state: ConversationState): Promise<void> {
    await this.#db.put('conversations', await this.rows.row(state))
  }

  /**
   * Applies `change` (called again if the record changed meanwhile, so it must be pure) to
   * the stored state; null when absent. Read, open, change and seal happen outside any
   * transaction (WebCrypto is asynchronous); the write lands only on the bytes that were read.
   */
  async updateConversation(topic: string, change: (state: ConversationState) => ConversationState | null): Promise<ConversationState | null> {
    const id = this.convId(topic)
    for (let attempt = 0; ; attempt++) {
      const row = await this.#db.get('conversations', id)
      const state = row ? await this.rows.tryOpen(row) : null
      const next = state ? change(state) : null
      if (!next) return state
      if (await this.rows.putIfUnchanged(id, row!.value, await this.rows.row(next))) return next
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new Error('the conversation record kept changing while it was being updated')
    }
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

  /**
   * ingest() for a batch; one outcome per message, in order. The records are read in one
   * transaction, opened, decided on and sealed outside it (WebCrypto is asynchronous), then
   * written in one transaction that first checks that every record read is unchanged; if one
   * changed meanwhile (a stream and a sync pass ingesting together), the batch starts again.
   */
  async ingestMany(topic: string, batch: StoredMessage[], me: string): Promise<Array<{ outcome: IngestOutcome; conversation: ConversationState | null; stored?: StoredMessage }>> {
    const conv = this.convId(topic)
    const ids = [...new Set(batch.map((message) => message.view.id))]
    for (let attempt = 0; ; attempt++) {
      const read = this.#db.transaction(['messages', 'conversations'])
      const [row, existingRows] = await Promise.all([
        read.objectStore('conversations').get(conv),
        Promise.all(ids.map((id) => read.objectStore('messages').get([conv, id]))),
      ])
      await read.done
      let state = row ? await this.rows.tryOpen(row) : null
      const opened = await Promise.all(existingRows.map((existingRow) => (existingRow ? this.#tryOpenMessage(existingRow) : null)))
      // What each id holds as the batch goes: undefined = no record, null = an unreadable one.
      const held = new Map<string, StoredMessage | null | undefined>(ids.map((id, i) => [id, existingRows[i] ? opened[i] : undefined]))
      const writes = new Map<string, StoredMessage>()
      let changed = false
      const results: Array<{ outcome: IngestOutcome; conversation: ConversationState | null; stored?: StoredMessage }> = []
      for (const message of batch) {
        const existing = held.get(message.view.id)
        let outcome: IngestOutcome = 'added'
        if (existing !== undefined) {
          if (existing && !(existing.view.delivery !== 'sent' && message.view.delivery !== existing.view.delivery)) outcome = 'duplicate'
          else outcome = existing ? 'updated' : 'added'
        }
        if (outcome !== 'duplicate') {
          // 'updated' = this device's pending or failed copy: it says who sent the message.
          const kept = outcome === 'updated' ? keepAuthorship(existing!, message) : message
          writes.set(message.view.id, kept)
          held.set(message.view.id, kept)
          if (state) {
            state = applyMessage(state, kept.view, me, outcome === 'added')
            changed = true
          }
          results.push({ outcome, conversation: state, stored: kept })
          continue
        }
        results.push({ outcome, conversation: state })
      }
      if (writes.size === 0) return results
      const messageRows = await this.#messageRows(conv, [...writes.values()])
      const conversationRow = changed && state ? await this.rows.row(state) : undefined

      const write = this.#db.transaction(['messages', 'conversations'], 'readwrite')
      const [rowNow, messagesNow] = await Promise.all([
        write.objectStore('conversations').get(conv),
        Promise.all(ids.map((id) => write.objectStore('messages').get([conv, id]))),
      ])
      if (sameBytes(rowNow?.value, row?.value) && messagesNow.every((now, i) => sameBytes(now?.value, existingRows[i]?.value))) {
        await Promise.all([
          ...messageRows.map((messageRow) => write.objectStore('messages').put(messageRow)),
          ...(conversationRow ? [write.objectStore('conversations').put(conversationRow)] : []),
        ])
        await write.done
        return results
      }
      write.abort()
      await write.done.catch(() => {})
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new Error('the messages being stored kept changing meanwhile')
    }
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
    // One more row than the page shows tells whether older ones are cached.
    const rows: MessageRow[] = []
    let cursor = await this.#db.transaction('messages').store.index('byConversation').openCursor(range, 'prev')
    while (cursor && rows.length <= limit) {
      rows.push(cursor.value)
      cursor = await cursor.continue()
    }
    const opened = await Promise.all(rows.map((row) => this.#tryOpenMessage(row, topic)))
    const corrupt = rows.filter((_row, i) => opened[i] === null)
    if (corrupt.length > 0) {
      // Dropped (each pass drops at least one), then read again: the page stays full.
      await this.#dropMessages(topic, corrupt)
      return this.pageMessages(topic, before, limit)
    }
    return { messages: (opened as StoredMessage[]).slice(0, limit).reverse(), hasMore: rows.length > limit }
  }

  /**
   * Every cached message row, newest first, a page of rows per transaction (for search: the
   * caller opens only the rows it wants, with openMessages). A page resumes below the last
   * time seen, skipping the rows of that exact time already handed out.
   */
  async *messagePages(pageSize = 200): AsyncGenerator<MessageRow[]> {
    let below: number | undefined
    let seenAtBelow = new Set<string>()
    for (;;) {
      const page: MessageRow[] = []
      const range = below === undefined ? null : IDBKeyRange.upperBound(below)
      let cursor = await this.#db.transaction('messages').store.index('bySentAt').openCursor(range, 'prev')
      while (cursor && page.length < pageSize) {
        const row = cursor.value
        if (!(row.sentAt === below && seenAtBelow.has(`${row.conv}/${row.id}`))) page.push(row)
        cursor = await cursor.continue()
      }
      if (page.length === 0) return
      const last = page[page.length - 1]!.sentAt
      if (last !== below) seenAtBelow = new Set()
      for (const row of page) if (row.sentAt === last) seenAtBelow.add(`${row.conv}/${row.id}`)
      below = last
      yield page
    }
  }

  /** Opens message rows together; null for one that cannot be opened (reported). */
  openMessages(rows: MessageRow[]): Promise<Array<StoredMessage | null>> {
    return Promise.all(rows.map((row) => this.#tryOpenMessage(row)))
  }

  // ------------------------------------------------------------ rows

  async #messageRows(conv: string, messages: StoredMessage[]): Promise<MessageRow[]> {
    const sealed = await this.#cipher.sealJsonMany('messages', messages.map((message) => ({ recordKey: `${conv}/${message.view.id}`, value: message })))
    return messages.map((message, i) => ({ conv, id: message.view.id, sentAt: message.view.sentAt, value: sealed[i]! }))
  }

  async #openMessage(row: MessageRow, topic?: string): Promise<StoredMessage> {
    const stored = await this.#cipher.openJson<StoredMessage>('messages', `${row.conv}/${row.id}`, row.value)
    if (stored.view.id !== row.id || (topic !== undefined && stored.view.topic !== topic)) {
      throw new CacheRecordError('messages', 'a cached message record does not match its key')
    }
    return stored
  }

  async #tryOpenMessage(row: MessageRow, topic?: string): Promise<StoredMessage | null> {
    try {
      return await this.#openMessage(row, topic)
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
