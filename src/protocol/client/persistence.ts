// What the client remembers between runs (conversation records, listing watermarks),
// behind a small per-record key-value interface so the extension can pass an
// IndexedDB-backed (and encrypted) store. Each record is written on its own: no
// whole-blob rewrites. Values are bytes; the client chooses their encoding.

export interface Persistence {
  getItem(key: string): Promise<Uint8Array | null>
  setItem(key: string, value: Uint8Array): Promise<void>
  deleteItem(key: string): Promise<void>
  /** Every stored key that starts with `prefix`, in no particular order. */
  keys(prefix: string): Promise<string[]>
  /** Optional: getItem for many keys at once (e.g. one transaction); one value per key, in order. */
  getItems?(keys: string[]): Promise<Array<Uint8Array | null>>
  /** Optional: setItem for many entries at once (e.g. one transaction). */
  setItems?(entries: Array<[key: string, value: Uint8Array]>): Promise<void>
}

function checkKey(key: unknown, label = 'key'): string {
  if (typeof key !== 'string' || key.length === 0) throw new TypeError(`${label} must be a non-empty string`)
  return key
}

/** The default store: a Map; values are copied in and out so callers cannot alias them. */
export class InMemoryPersistence implements Persistence {
  readonly #items = new Map<string, Uint8Array>()

  async getItem(key: string): Promise<Uint8Array | null> {
    const value = this.#items.get(checkKey(key))
    return value ? new Uint8Array(value) : null
  }

  async setItem(key: string, value: Uint8Array): Promise<void> {
    checkKey(key)
    if (!(value instanceof Uint8Array)) throw new TypeError('value must be a Uint8Array')
    this.#items.set(key, new Uint8Array(value))
  }

  async deleteItem(key: string): Promise<void> {
    this.#items.delete(checkKey(key))
  }

  async keys(prefix: string): Promise<string[]> {
    if (typeof prefix !== 'string') throw new TypeError('prefix must be a string')
    return [...this.#items.keys()].filter((k) => k.startsWith(prefix))
  }
}

/** A view of another store under `<namespace>/`, e.g. one per wallet address. */
export class NamespacedPersistence implements Persistence {
  readonly #inner: Persistence
  readonly #prefix: string

  constructor(inner: Persistence, namespace: string) {
    checkPersistence(inner, 'inner')
    this.#inner = inner
    this.#prefix = `${checkKey(namespace, 'namespace')}/`
  }

  getItem(key: string): Promise<Uint8Array | null> {
    return this.#inner.getItem(this.#prefix + checkKey(key))
  }

  setItem(key: string, value: Uint8Array): Promise<void> {
    return this.#inner.setItem(this.#prefix + checkKey(key), value)
  }

  /** Forwards to the inner store's batch read when it has one (one transaction there), else item by item. */
  async getItems(keys: string[]): Promise<Array<Uint8Array | null>> {
    if (!Array.isArray(keys)) throw new TypeError('keys must be an array')
    const full = keys.map((key) => this.#prefix + checkKey(key))
    if (this.#inner.getItems) return this.#inner.getItems(full)
    return Promise.all(full.map((key) => this.#inner.getItem(key)))
  }

  /** Forwards to the inner store's batch write when it has one, else item by item. */
  async setItems(entries: Array<[key: string, value: Uint8Array]>): Promise<void> {
    if (!Array.isArray(entries)) throw new TypeError('entries must be an array')
    const full = entries.map(([key, value]): [string, Uint8Array] => [this.#prefix + checkKey(key), value])
    if (this.#inner.setItems) return this.#inner.setItems(full)
    for (const [key, value] of full) await this.#inner.setItem(key, value)
  }

  deleteItem(key: string): Promise<void> {
    return this.#inner.deleteItem(this.#prefix + checkKey(key))
  }

  async keys(prefix: string): Promise<string[]> {
    if (typeof prefix !== 'string') throw new TypeError('prefix must be a string')
    const keys = await this.#inner.keys(this.#prefix + prefix)
    return keys.map((k) => k.slice(this.#prefix.length))
  }
}

/** Checks that a caller-supplied object has every Persistence method. */
export function checkPersistence(value: unknown, label = 'persistence'): Persistence {
  const p = value as Partial<Persistence> | null
  if (
    typeof p !== 'object' ||
    p === null ||
    typeof p.getItem !== 'function' ||
    typeof p.setItem !== 'function' ||
    typeof p.deleteItem !== 'function' ||
    typeof p.keys !== 'function'
  ) {
    throw new TypeError(`${label} must have getItem, setItem, deleteItem and keys methods`)
  }
  return p as Persistence
}
