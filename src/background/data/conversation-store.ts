// The protocol library's ConversationStore over the cache's conversation rows: one sealed row
// per conversation holds the library's record (topic, peer, createdNs, context, key material,
// verified, conflict) and the view's fields (preview, unread count, mute), so a conversation
// is written once per change, in one transaction. The library's saveMany IS the cache write;
// the data layer only hears what changed (onSaved) and tells the pages, writing nothing again.
//
// A row whose record cannot be read (damaged, or written before the record moved in and never
// folded) leaves the library without that conversation: loadAll then forgets the listing
// watermarks, so the next listing reads the invitations from the start and saveMany writes the
// record back. A row dropped while the library runs is written again from the record the
// library handed over (restore()).
import { encodeConversationRecord, type ConversationRecord, type ConversationStore, type Persistence } from '../../protocol/index.ts'
import { CacheRecordError, type RecordCipher } from './cipher.ts'
import type { CacheDatabase, MessageRow } from './database.ts'
import { ConversationRows, type CorruptListener, type UpsertDecision, type UpsertResult } from './conversation-rows.ts'
import { knownKey, recordOf, stateFromRecord, withRecord, type ConversationState, type StoredMessage } from './conversation-state.ts'

/** A conversation whose row a save wrote in a way the views can see. */
export interface SavedConversation {
  state: ConversationState
  /** 'added': no readable row before; 'reset': the row was another peer's (its messages went); 'changed': its dispute flag changed. */
  change: 'added' | 'reset' | 'changed'
}

/** The library's listing watermarks (protocol/client/conversations.ts) and their resume points, under the wallet's namespace. */
const LISTING_WATERMARK = /(^|\/)watermark\/(intro|invite)(\/resume)?$/

export class CachedConversationStore implements ConversationStore {
  readonly #db: CacheDatabase
  readonly #cipher: RecordCipher
  readonly #persistence: Persistence
  readonly #rows: ConversationRows
  readonly #now: () => number
  /** The library's records as last loaded or saved, so a row dropped meanwhile can be written again. */
  readonly #records = new Map<string, ConversationRecord>()
  #me: string
  #onSaved: (saved: SavedConversation[]) => void = () => {}
  #onCorrupt: CorruptListener = () => {}
  /** Rows loadAll could not take a record from (the listing was sent back to the start for them). */
  unreadableRows = 0

  constructor(options: { db: CacheDatabase; cipher: RecordCipher; persistence: Persistence; me: string; now?: () => number }) {
    this.#db = options.db
    this.#cipher = options.cipher
    this.#persistence = options.persistence
    this.#me = options.me
    this.#now = options.now ?? Date.now
    this.#rows = new ConversationRows(options.db, options.cipher, (error, where) => this.#onCorrupt(error, where))
  }

  /** Who hears about saved rows and unreadable records (the AccountData, once it exists). */
  bind(hooks: { me: string; onSaved: (saved: SavedConversation[]) => void; onCorrupt: CorruptListener }): void {
    this.#me = hooks.me
    this.#onSaved = hooks.onSaved
    this.#onCorrupt = hooks.onCorrupt
  }

  async loadAll(): Promise<ConversationRecord[]> {
    const rows = await this.#db.getAll('conversations')
    const opened = await this.#cipher.openJsonMany<ConversationState>('conversations', rows.map((row) => ({ recordKey: row.id, value: row.value })))
    const records: ConversationRecord[] = []
    let unreadable = 0
    for (const state of opened) {
      // A damaged row stays where it is: the read that meets it reports and drops it.
      const record = state instanceof CacheRecordError || !state.record ? undefined : tryRecord(state)
      if (!record) unreadable++
      else {
        records.push(record)
        this.#records.set(record.topic, record)
      }
    }
    if (unreadable > 0) {
      this.unreadableRows += unreadable
      await this.#forgetListingWatermarks()
    }
    return records
  }

  async saveMany(records: readonly ConversationRecord[]): Promise<void> {
    if (!Array.isArray(records)) throw new TypeError('records must be an array')
    const latest = new Map(records.map((record) => [record.topic, record])) // a record replaces any earlier one of its topic
    await this.#write([...latest.values()], (stored, record) => this.#decide(stored, record))
  }

  /**
   * Writes again, from the records the library handed over, the rows of `topics` (default:
   * every known conversation) that have no readable row any more; what is there is kept.
   */
  async restore(topics?: string[]): Promise<ConversationState[]> {
    let records = topics ? topics.flatMap((topic) => this.#records.get(topic) ?? []) : [...this.#records.values()]
    if (!topics) {
      const present = new Set(await this.#db.getAllKeys('conversations'))
      records = records.filter((record) => !present.has(this.#rows.id(record.topic)))
    }
    const results = await this.#write(records, (stored, record) => (stored ? null : { next: stateFromRecord(record, this.#now()) }))
    return results.map((result) => result.state)
  }

  /** The library's record of `topic` as last loaded or saved. */
  record(topic: string): ConversationRecord | undefined {
    return this.#records.get(topic)
  }

  async #write(records: ConversationRecord[], decide: (stored: ConversationState | null, record: ConversationRecord) => UpsertDecision): Promise<UpsertResult[]> {
    if (records.length === 0) return []
    const results = await this.#rows.upsert(
      records.map((record) => record.topic),
      (stored, i) => decide(stored, records[i]!),
      this.#me,
      (row, topic) => this.#openMessage(row, topic),
      (i) => !this.#records.has(records[i]!.topic), // never loaded nor saved: most likely a new row
    )
    for (const record of records) this.#records.set(record.topic, record)
    const saved: SavedConversation[] = []
    for (const result of results) {
      if (!result.written) continue
      if (result.reset) saved.push({ state: result.state, change: 'reset' })
      else if (!result.previous) saved.push({ state: result.state, change: 'added' })
      else if (knownKey(result.previous) !== knownKey(result.state)) saved.push({ state: result.state, change: 'changed' })
    }
    if (saved.length > 0) this.#onSaved(saved)
    return results
  }

  /**
   * The row for `record` given what is stored: a new state when there is none; a fresh one in
   * place of another peer's (a squatter displaced by the topic's owner: its messages and
   * cursor go with it); else the stored state with the record and its dispute flag, or
   * nothing when neither changed.
   */
  #decide(stored: ConversationState | null, record: ConversationRecord): UpsertDecision {
    if (!stored) return { next: stateFromRecord(record, this.#now()) }
    if (stored.peerAddress.toLowerCase() !== record.peerAddress.toLowerCase()) return { next: stateFromRecord(record, this.#now()), reset: true }
    const next = withRecord(stored, record)
    if (stored.record && sameRecord(recordOf(next), tryRecord(stored))) return null
    return { next }
  }

  async #openMessage(row: MessageRow, topic: string): Promise<StoredMessage | null> {
    try {
      const stored = await this.#cipher.openJson<StoredMessage>('messages', `${row.conv}/${row.id}`, row.value)
      return stored.view.id === row.id && stored.view.topic === topic ? stored : null
    } catch (error) {
      if (!(error instanceof CacheRecordError)) throw error
      return null // the cache reports and drops it when it reads the conversation's messages
    }
  }

  async #forgetListingWatermarks(): Promise<void> {
    for (const key of await this.#persistence.keys('')) if (LISTING_WATERMARK.test(key)) await this.#persistence.deleteItem(key)
  }
}

function tryRecord(state: ConversationState): ConversationRecord | undefined {
  try {
    return recordOf(state)
  } catch {
    return undefined
  }
}

/** Equal records: nothing of the row would change. */
function sameRecord(a: ConversationRecord, b: ConversationRecord | undefined): boolean {
  if (b === undefined) return false
  const x = encodeConversationRecord(a)
  const y = encodeConversationRecord(b)
  return x.length === y.length && x.every((byte, i) => byte === y[i])
}
