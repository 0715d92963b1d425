// Encryption at rest for one account's cache. The cache key (32 bytes from the vault,
// WalletService.deriveKey) never encrypts anything itself: HKDF-SHA256 derives one
// AES-256-GCM key per store and one HMAC key for the blind index (hashed topics and
// addresses), so a key used for messages can never open an outbox record, and so on.
//
// A sealed value is  version(1) ‖ nonce(12) ‖ ciphertext ‖ tag(16)  with the store name
// and the record's key bound as associated data: a ciphertext moved to another record
// or another store fails to open instead of showing the wrong data.
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { toHex } from '../../wire/bytes.ts'
import { BackgroundError } from '../errors.ts'

const VERSION = 1
const NONCE_BYTES = 12
const TAG_BYTES = 16
const SALT = new TextEncoder().encode('parley/cache/v1')
const encoder = new TextEncoder()
/** Blinded ids kept in memory per open cache (topics and addresses of a large account). */
const BLIND_MEMO_LIMIT = 20_000

/** The stores whose values are sealed; each has its own key. */
export type SealedStore = 'conversations' | 'messages' | 'outbox' | 'client' | 'consent' | 'cursors'

const STORES: readonly SealedStore[] = ['conversations', 'messages', 'outbox', 'client', 'consent', 'cursors']

/** A record that cannot be opened: wrong key, tampered or truncated bytes, or a foreign format. */
export class CacheRecordError extends BackgroundError<'unreadable'> {
  override readonly name = 'CacheRecordError'
  readonly store: string
  constructor(store: string, message: string, options?: { cause?: unknown }) {
    super('unreadable', message, options)
    this.store = store
  }
}

export class RecordCipher {
  readonly #keys = new Map<SealedStore, Uint8Array>()
  readonly #indexKey: Uint8Array
  /** The same per-store keys as non-extractable WebCrypto keys, imported on first use. */
  readonly #webKeys = new Map<SealedStore, Promise<CryptoKey>>()
  /** Recently blinded identifiers (input → id), oldest first; dropped on close. */
  readonly #blinded = new Map<string, string>()
  #closed = false

  /** Copies nothing it does not need: `cacheKey` is only read here; the caller may zero it afterwards. */
  constructor(cacheKey: Uint8Array) {
    if (!(cacheKey instanceof Uint8Array) || cacheKey.length !== 32) throw new TypeError('cacheKey must be 32 bytes')
    for (const store of STORES) this.#keys.set(store, hkdf(sha256, cacheKey, SALT, encoder.encode(`record/${store}`), 32))
    this.#indexKey = hkdf(sha256, cacheKey, SALT, encoder.encode('blind-index'), 32)
  }

  /** A stable, keyed hash of an identifier (topic, address) for use as a plain IndexedDB key. */
  blind(kind: string, value: string): string {
    this.#check()
    const input = `${kind}\u0000${value}`
    let id = this.#blinded.get(input)
    if (id === undefined) {
      id = toHex(hmac(sha256, this.#indexKey, encoder.encode(input))).slice(0, 40)
      // A sync pass blinds each topic several times (conversation, cursor, client record);
      // the ids are stored in the clear anyway, so keeping recent ones costs nothing secret.
      if (this.#blinded.size >= BLIND_MEMO_LIMIT) this.#blinded.delete(this.#blinded.keys().next().value!)
      this.#blinded.set(input, id)
    }
    return id
  }

  /** Seals one value (WebCrypto's AES-GCM under the store's key, a fresh random nonce). */
  async seal(store: SealedStore, recordKey: string, plaintext: Uint8Array): Promise<Uint8Array> {
    const [sealed] = await this.sealMany(store, [{ recordKey, plaintext }])
    return sealed!
  }

  /** Throws CacheRecordError (never the key, never the bytes) when the value cannot be opened. */
  async open(store: SealedStore, recordKey: string, value: unknown): Promise<Uint8Array> {
    const [result] = await this.openMany(store, [{ recordKey, value }])
    if (result instanceof CacheRecordError) throw result
    return result!
  }

  sealJson(store: SealedStore, recordKey: string, value: unknown): Promise<Uint8Array> {
    return this.seal(store, recordKey, encoder.encode(JSON.stringify(value)))
  }

  /** The parsed record; throws CacheRecordError when it cannot be opened or is not JSON. */
  async openJson<T>(store: SealedStore, recordKey: string, value: unknown): Promise<T> {
    const [result] = await this.openJsonMany<T>(store, [{ recordKey, value }])
    if (result instanceof CacheRecordError) throw result
    return result as T
  }

  /**
   * Seals many records of one store, all encryptions in flight together (WebCrypto). Every
   * cache write goes through here: WebCrypto's native AES-GCM keeps no tables in the worker
   * (noble's pure-JS AES builds ~1.5 MB of them when loaded, ~50 ms of every worker wake)
   * and the key is imported once per store. Being asynchronous, sealing happens before an
   * IndexedDB transaction opens (awaiting it inside one would let the transaction commit).
   * One sealed value per item, in order.
   */
  async sealMany(store: SealedStore, items: Array<{ recordKey: string; plaintext: Uint8Array }>): Promise<Uint8Array[]> {
    this.#check()
    for (const { plaintext } of items) if (!(plaintext instanceof Uint8Array)) throw new TypeError('plaintext must be a Uint8Array')
    const cryptoKey = await this.#webKey(store)
    return Promise.all(
      items.map(async ({ recordKey, plaintext }) => {
        const nonce = randomBytes(NONCE_BYTES)
        const sealed = await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv: nonce as Uint8Array<ArrayBuffer>, additionalData: aad(store, recordKey), tagLength: TAG_BYTES * 8 },
          cryptoKey,
          plaintext as Uint8Array<ArrayBuffer>,
        )
        this.#check() // closed meanwhile: nothing sealed with a dropped key is handed out
        const out = new Uint8Array(1 + NONCE_BYTES + sealed.byteLength)
        out[0] = VERSION
        out.set(nonce, 1)
        out.set(new Uint8Array(sealed), 1 + NONCE_BYTES)
        return out
      }),
    )
  }

  /** sealJson for many records of one store (see sealMany). */
  sealJsonMany(store: SealedStore, items: Array<{ recordKey: string; value: unknown }>): Promise<Uint8Array[]> {
    return this.sealMany(store, items.map(({ recordKey, value }) => ({ recordKey, plaintext: encoder.encode(JSON.stringify(value)) })))
  }

  /**
   * Opens many records of one store, all decryptions in flight together so the worker's
   * thread is free meanwhile. One result per value, in order: the plaintext or the
   * CacheRecordError it met (never thrown, so one bad record does not hide the rest).
   */
  async openMany(store: SealedStore, items: Array<{ recordKey: string; value: unknown }>): Promise<Array<Uint8Array | CacheRecordError>> {
    this.#check()
    const cryptoKey = await this.#webKey(store)
    return Promise.all(
      items.map(async ({ recordKey, value }): Promise<Uint8Array | CacheRecordError> => {
        if (!(value instanceof Uint8Array) || value.length < 1 + NONCE_BYTES + TAG_BYTES) {
          return new CacheRecordError(store, `a cached ${store} record is malformed (not a sealed value)`)
        }
        if (value[0] !== VERSION) return new CacheRecordError(store, `a cached ${store} record has an unknown format version ${value[0]}`)
        try {
          const plain = await crypto.subtle.decrypt(
            { name: 'AES-GCM', iv: value.slice(1, 1 + NONCE_BYTES) as Uint8Array<ArrayBuffer>, additionalData: aad(store, recordKey), tagLength: TAG_BYTES * 8 },
            cryptoKey,
            value.slice(1 + NONCE_BYTES) as Uint8Array<ArrayBuffer>,
          )
          if (this.#closed) return new CacheRecordError(store, `the account cache closed while a ${store} record was being read`)
          return new Uint8Array(plain)
        } catch (cause) {
          return new CacheRecordError(store, `a cached ${store} record could not be decrypted (corrupt, or sealed with another key)`, { cause })
        }
      }),
    )
  }

  /** openJson for many records of one store (see openMany): the parsed record or its CacheRecordError, in order. */
  async openJsonMany<T>(store: SealedStore, items: Array<{ recordKey: string; value: unknown }>): Promise<Array<T | CacheRecordError>> {
    const decoder = new TextDecoder()
    return (await this.openMany(store, items)).map((bytes) => {
      if (bytes instanceof CacheRecordError) return bytes
      try {
        return JSON.parse(decoder.decode(bytes)) as T
      } catch (cause) {
        return new CacheRecordError(store, `a cached ${store} record decrypted but is not valid JSON`, { cause })
      }
    })
  }

  /** Zeroes every derived key (and drops the WebCrypto copies); the cipher refuses work afterwards. */
  close(): void {
    this.#webKeys.clear()
    this.#blinded.clear()
    for (const key of this.#keys.values()) key.fill(0)
    this.#indexKey.fill(0)
    this.#closed = true
  }

  /** The store's key as a non-extractable WebCrypto key, imported once. */
  #webKey(store: SealedStore): Promise<CryptoKey> {
    let key = this.#webKeys.get(store)
    if (!key) {
      key = crypto.subtle.importKey('raw', this.#key(store) as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt'])
      this.#webKeys.set(store, key)
    }
    return key
  }

  #key(store: SealedStore): Uint8Array {
    const key = this.#keys.get(store)
    if (!key) throw new TypeError(`unknown store ${store}`)
    return key
  }

  #check(): void {
    if (this.#closed) throw new Error('the account cache is closed')
  }
}

function aad(store: string, recordKey: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`parley/cache/v1\u0000${store}\u0000${recordKey}`)
}
