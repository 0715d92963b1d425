// The account's XMTP private key bundle, kept between worker starts so a restart (or the node
// being down) does not need the network or a new wallet signature to open the session. One
// record per node and address in storage.local, AES-256-GCM under a key derived from the vault
// key for exactly this purpose, so it opens only while the wallet is unlocked. The record is
// bound to its storage key by the GCM additional data: a record copied under another address or
// node does not open.
import type { StorageArea } from '../contracts.ts'

export interface IdentityKeySource {
  /** 32 bytes for one purpose, derived from the vault key; throws when locked. */
  deriveKey(purpose: string): Promise<Uint8Array>
}

interface StoredIdentity {
  v: 1
  iv: string
  ciphertext: string
}

const PREFIX = 'xmtp/identity/'

function base64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

function unbase64(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

function isStoredIdentity(value: unknown): value is StoredIdentity {
  const v = value as Partial<StoredIdentity> | null
  return typeof v === 'object' && v !== null && v.v === 1 && typeof v.iv === 'string' && typeof v.ciphertext === 'string'
}

export class IdentityStore {
  readonly #local: StorageArea
  readonly #keys: IdentityKeySource

  constructor(local: StorageArea, keys: IdentityKeySource) {
    this.#local = local
    this.#keys = keys
  }

  static storageKey(nodeUrl: string, address: string): string {
    return `${PREFIX}${nodeUrl}/${address.toLowerCase()}`
  }

  async #aesKey(storageKey: string): Promise<CryptoKey> {
    const raw = await this.#keys.deriveKey(storageKey)
    try {
      return await crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt'])
    } finally {
      raw.fill(0)
    }
  }

  /** Stores `PrivateKeyBundle` bytes (the caller zeroes its copy). */
  async save(nodeUrl: string, address: string, bundle: Uint8Array): Promise<void> {
    const storageKey = IdentityStore.storageKey(nodeUrl, address)
    const key = await this.#aesKey(storageKey)
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const additionalData = new TextEncoder().encode(storageKey)
    const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, bundle as Uint8Array<ArrayBuffer>))
    const record: StoredIdentity = { v: 1, iv: base64(iv), ciphertext: base64(ciphertext) }
    await this.#local.set({ [storageKey]: record })
  }

  /** The stored bundle bytes (a fresh copy the caller must zero), or null when none or unreadable. */
  async load(nodeUrl: string, address: string): Promise<Uint8Array | null> {
    const storageKey = IdentityStore.storageKey(nodeUrl, address)
    const record = (await this.#local.get(storageKey))[storageKey]
    if (record === undefined) return null
    if (!isStoredIdentity(record)) {
      await this.#local.remove(storageKey) // malformed: the identity is restored from the network again
      return null
    }
    const key = await this.#aesKey(storageKey)
    try {
      const additionalData = new TextEncoder().encode(storageKey)
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: unbase64(record.iv) as Uint8Array<ArrayBuffer>, additionalData },
        key,
        unbase64(record.ciphertext) as Uint8Array<ArrayBuffer>,
      )
      return new Uint8Array(plain)
    } catch {
      // Tampered, or written under another vault key (the vault was re-created): not usable.
      await this.#local.remove(storageKey)
      return null
    }
  }

  /** Forgets every stored identity of an address (account removed). */
  async forget(address: string): Promise<void> {
    const all = await this.#local.get(null)
    const suffix = `/${address.toLowerCase()}`
    const keys = Object.keys(all).filter((k) => k.startsWith(PREFIX) && k.endsWith(suffix))
    if (keys.length > 0) await this.#local.remove(keys)
  }
}
