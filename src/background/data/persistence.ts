// The protocol Client's Persistence (conversation records with their key material,
// listing watermarks) in the account's encrypted IndexedDB: one row per item, written on
// its own. Keys can name topics, so they are blinded for the row id and sealed in the row;
// values are sealed with the record's blinded id as associated data.
import type { Persistence } from '../../protocol/index.ts'
import type { RecordCipher } from './cipher.ts'
import type { CacheDatabase } from './database.ts'

export class EncryptedPersistence implements Persistence {
  readonly #db: CacheDatabase
  readonly #cipher: RecordCipher
  /** Row id → key, filled on the first keys() call and kept current by writes. */
  #keys: Map<string, string> | undefined
  /** Rows that could not be opened (corrupt, or sealed with another key) and were dropped or skipped. */
  unreadableRows = 0

  constructor(db: CacheDatabase, cipher: RecordCipher) {
    this.#db = db
    this.#cipher = cipher
  }

  async getItem(key: string): Promise<Uint8Array | null> {
    const id = this.#id(key)
    const row = await this.#db.get('client', id)
    if (!row) return null
    try {
      return await this.#cipher.open('client', id, row.value)
    } catch {
      // A row that cannot be opened is dropped: the client re-learns conversations and
      // starts its listing over from the network, which loses nothing.
      this.unreadableRows++
      await this.deleteItem(key)
      return null
    }
  }

  async setItem(key: string, value: Uint8Array): Promise<void> {
    if (!(value instanceof Uint8Array)) throw new TypeError('value must be a Uint8Array')
    const id = this.#id(key)
    const [sealedKey, sealedValue] = await Promise.all([this.#cipher.seal('client', `${id}/key`, new TextEncoder().encode(key)), this.#cipher.seal('client', id, value)])
    await this.#db.put('client', { id, key: sealedKey, value: sealedValue })
    this.#keys?.set(id, key)
  }

  /** getItem for many keys: the rows in one transaction, opened together after it (WebCrypto). */
  async getItems(keys: string[]): Promise<Array<Uint8Array | null>> {
    const ids = keys.map((key) => this.#id(key))
    const tx = this.#db.transaction('client')
    const rows = await Promise.all(ids.map((id) => tx.store.get(id)))
    await tx.done
    const present = rows.flatMap((row, i) => (row ? [{ i, recordKey: ids[i]!, value: row.value }] : []))
    const opened = await this.#cipher.openMany('client', present)
    const out: Array<Uint8Array | null> = keys.map(() => null)
    for (const [j, { i }] of present.entries()) {
      const value = opened[j]!
      if (!(value instanceof Error)) out[i] = value
      else {
        this.unreadableRows++ // dropped, as getItem does: re-learnt from the network
        await this.deleteItem(keys[i]!)
      }
    }
    return out
  }

  /** setItem for many entries in one transaction. */
  async setItems(entries: Array<[key: string, value: Uint8Array]>): Promise<void> {
    for (const [, value] of entries) if (!(value instanceof Uint8Array)) throw new TypeError('value must be a Uint8Array')
    const ids = entries.map(([key]) => this.#id(key))
    // Sealed together before the transaction (WebCrypto; awaiting inside it would commit it).
    const encoder = new TextEncoder()
    const sealed = await this.#cipher.sealMany('client', [
      ...entries.map(([key], i) => ({ recordKey: `${ids[i]!}/key`, plaintext: encoder.encode(key) })),
      ...entries.map(([, value], i) => ({ recordKey: ids[i]!, plaintext: value })),
    ])
    const rows = ids.map((id, i) => ({ id, key: sealed[i]!, value: sealed[entries.length + i]! }))
    const tx = this.#db.transaction('client', 'readwrite')
    await Promise.all([...rows.map((row) => tx.store.put(row)), tx.done])
    for (const [i, [key]] of entries.entries()) this.#keys?.set(rows[i]!.id, key)
  }

  async deleteItem(key: string): Promise<void> {
    const id = this.#id(key)
    await this.#db.delete('client', id)
    this.#keys?.delete(id)
  }

  async keys(prefix: string): Promise<string[]> {
    if (typeof prefix !== 'string') throw new TypeError('prefix must be a string')
    if (!this.#keys) {
      const keys = new Map<string, string>()
      const rows = await this.#db.getAll('client')
      const opened = await this.#cipher.openMany('client', rows.map((row) => ({ recordKey: `${row.id}/key`, value: row.key })))
      const decoder = new TextDecoder()
      for (const [i, key] of opened.entries()) {
        if (key instanceof Error) this.unreadableRows++ // skipped: the client re-learns what it cannot read from the network
        else keys.set(rows[i]!.id, decoder.decode(key))
      }
      this.#keys = keys
    }
    return [...this.#keys.values()].filter((k) => k.startsWith(prefix))
  }

  /** The blinded row id of `key` (for a caller that deletes rows in its own transaction, then calls forget). */
  rowId(key: string): string {
    return this.#id(key)
  }

  /** Forgets keys whose rows a caller deleted itself. */
  forget(keys: string[]): void {
    for (const key of keys) this.#keys?.delete(this.#id(key))
  }

  #id(key: string): string {
    if (typeof key !== 'string' || key.length === 0) throw new TypeError('key must be a non-empty string')
    return this.#cipher.blind('client', key)
  }
}
