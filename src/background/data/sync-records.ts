// The sync engine's own records in one account's cache: where each topic's next sync starts
// (cursors) and the consent states learnt from the private-preferences topic. Both are sealed
// like every other record (RecordCipher), keyed by blinded ids. An unreadable record is
// dropped rather than trusted: a lost cursor means syncing the topic's whole history again,
// which ingest dedupes, and lost consent is re-learnt on the next preferences sync.
import type { ConsentView } from '../../extension/views.ts'
import { CacheRecordError, type RecordCipher } from './cipher.ts'
import type { CacheDatabase } from './database.ts'
import type { CorruptListener } from './conversation-rows.ts'
import { readFromJson, readToJson, type ReadInProgress } from '../../protocol/client/topic-cursor.ts'

/** Where a topic's sync stands: the start of its last complete read, and an unfinished read to resume. */
export interface TopicSyncState {
  ns?: bigint
  resume?: ReadInProgress
}

/** Per-topic sync cursors: the time (ns) from which the next query of a topic starts. */
export class CursorRecords {
  readonly #db: CacheDatabase
  readonly #cipher: RecordCipher
  readonly #onCorrupt: CorruptListener

  constructor(db: CacheDatabase, cipher: RecordCipher, onCorrupt: CorruptListener) {
    this.#db = db
    this.#cipher = cipher
    this.#onCorrupt = onCorrupt
  }

  /** The cursor of `topic`, or undefined for all history. */
  async get(topic: string): Promise<bigint | undefined> {
    return (await this.getMany([topic]))[0]
  }

  /** The cursors of many topics, read in one transaction. */
  async getMany(topics: string[]): Promise<Array<bigint | undefined>> {
    return (await this.getStates(topics)).map((state) => state.ns)
  }

  /** The sync states of many topics (cursor and unfinished read), read in one transaction. */
  async getStates(topics: string[]): Promise<TopicSyncState[]> {
    const tx = this.#db.transaction('cursors')
    const rows = await Promise.all(topics.map((t) => tx.store.get(this.#id(t))))
    await tx.done
    const present = rows.flatMap((row, i) => (row ? [{ i, row }] : []))
    const opened = await this.#cipher.openJsonMany<{ ns?: string; resume?: unknown }>('cursors', present.map(({ row }) => ({ recordKey: row.id, value: row.value })))
    const out: TopicSyncState[] = topics.map(() => ({}))
    for (const [j, { i, row }] of present.entries()) {
      const cursor = opened[j]!
      const state: TopicSyncState = {}
      try {
        if (cursor instanceof CacheRecordError) throw cursor
        if (cursor.ns !== undefined) state.ns = BigInt(cursor.ns)
        const resume = readFromJson(cursor.resume)
        if (resume) state.resume = resume
      } catch (error) {
        if (error instanceof CacheRecordError) this.#onCorrupt(error, { topic: topics[i]! })
        await this.#db.delete('cursors', row.id)
        continue
      }
      out[i] = state
    }
    return out
  }

  /** Records one topic's state (a read that finished, or one cut short with where to resume). */
  async setState(topic: string, state: TopicSyncState): Promise<void> {
    const id = this.#id(topic)
    const value = { ...(state.ns !== undefined ? { ns: state.ns.toString() } : {}), ...(state.resume ? { resume: readToJson(state.resume) } : {}) }
    const sealed = await this.#cipher.sealJson('cursors', id, value)
    await this.#db.put('cursors', { id, value: sealed })
  }

  /** Sets one cursor for many topics (a sync pass that covered them all), in one transaction. */
  async setMany(topics: string[], ns: bigint): Promise<void> {
    const ids = topics.map((topic) => this.#id(topic))
    const sealed = await this.#cipher.sealJsonMany('cursors', ids.map((id) => ({ recordKey: id, value: { ns: ns.toString() } })))
    const tx = this.#db.transaction('cursors', 'readwrite')
    await Promise.all([...ids.map((id, i) => tx.store.put({ id, value: sealed[i]! })), tx.done])
  }

  #id(topic: string): string {
    return this.#cipher.blind('topic', topic)
  }
}

/** Consent per peer address (lower-cased), as the preferences topic last said. */
export class ConsentRecords {
  readonly #db: CacheDatabase
  readonly #cipher: RecordCipher

  constructor(db: CacheDatabase, cipher: RecordCipher) {
    this.#db = db
    this.#cipher = cipher
  }

  /** Every cached consent state (address → state). */
  async all(): Promise<Map<string, ConsentView>> {
    const out = new Map<string, ConsentView>()
    const rows = await this.#db.getAll('consent')
    const opened = await this.#cipher.openJsonMany<{ address: string; state: ConsentView }>('consent', rows.map((row) => ({ recordKey: row.id, value: row.value })))
    for (const [i, entry] of opened.entries()) {
      if (entry instanceof CacheRecordError || typeof entry?.address !== 'string') {
        await this.#db.delete('consent', rows[i]!.id)
      } else out.set(entry.address.toLowerCase(), entry.state)
    }
    return out
  }

  async set(address: string, state: ConsentView): Promise<void> {
    await this.setMany(new Map([[address, state]]))
  }

  /** Records many peers' consent in one transaction (one row per peer). */
  async setMany(states: ReadonlyMap<string, ConsentView>): Promise<void> {
    const entries = [...states].map(([address, state]) => ({ id: this.#cipher.blind('address', address.toLowerCase()), address, state }))
    if (entries.length === 0) return
    const sealed = await this.#cipher.sealJsonMany('consent', entries.map(({ id, address, state }) => ({ recordKey: id, value: { address, state } })))
    const tx = this.#db.transaction('consent', 'readwrite')
    await Promise.all([...entries.map(({ id }, i) => tx.store.put({ id, value: sealed[i]! })), tx.done])
  }
}
