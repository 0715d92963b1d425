// Where the client keeps the conversations it knows between runs: the one seam through which
// the library reads and writes conversation records. The default keeps each record as its
// own Persistence item (`conversation/<topic>`); an application that already stores a record
// per conversation (the extension's encrypted cache) passes its own store, so a conversation
// is written once per change, in the application's own transaction, instead of twice.
import type { ConversationRecord } from './conversation-index.ts'
import { decodeRecord, encodeRecord } from './conversation-index.ts'
import type { Persistence } from './persistence.ts'

export interface ConversationStore {
  /** Every remembered conversation. Records the store cannot read are left out (and may be forgotten). */
  loadAll(): Promise<ConversationRecord[]>
  /**
   * Records that are new or changed since they were last saved, written together (one
   * transaction where the store has them). A record replaces any earlier one of its topic.
   */
  saveMany(records: readonly ConversationRecord[]): Promise<void>
}

const RECORD_PREFIX = 'conversation/'

/** The default store: one Persistence item per conversation, written in one batch where the Persistence can. */
export class PersistenceConversationStore implements ConversationStore {
  readonly #persistence: Persistence

  constructor(persistence: Persistence) {
    this.#persistence = persistence
  }

  async loadAll(): Promise<ConversationRecord[]> {
    const persistence = this.#persistence
    const keys = await persistence.keys(RECORD_PREFIX)
    const values = persistence.getItems ? await persistence.getItems(keys) : await Promise.all(keys.map((key) => persistence.getItem(key)))
    const records: ConversationRecord[] = []
    for (const [i, key] of keys.entries()) {
      const bytes = values[i]
      if (!bytes) continue
      try {
        records.push(decodeRecord(bytes))
      } catch {
        await persistence.deleteItem(key) // a corrupt record is re-learnt from the network
      }
    }
    return records
  }

  async saveMany(records: readonly ConversationRecord[]): Promise<void> {
    if (!Array.isArray(records)) throw new TypeError('records must be an array')
    if (records.length === 0) return
    const entries = records.map((record): [string, Uint8Array] => [RECORD_PREFIX + record.topic, encodeRecord(record)])
    if (this.#persistence.setItems) return this.#persistence.setItems(entries) // a listing's records in one write
    for (const entry of entries) await this.#persistence.setItem(...entry)
  }
}

/** Checks that a caller-supplied object has every ConversationStore method. */
export function checkConversationStore(value: unknown, label = 'conversationStore'): ConversationStore {
  const store = value as Partial<ConversationStore> | null
  if (typeof store !== 'object' || store === null || typeof store.loadAll !== 'function' || typeof store.saveMany !== 'function') {
    throw new TypeError(`${label} must have loadAll and saveMany methods`)
  }
  return store as ConversationStore
}
