// The vault's cryptography, as small functions over bytes.
//
// - Password → key-encryption key (KEK): PBKDF2-HMAC-SHA256 in WebCrypto (native, so 900,000
//   rounds take well under a second), 16-byte random salt, 32-byte output. The parameters are
//   stored beside the ciphertext so a later release can raise the rounds (see KDF_DEFAULTS).
// - Sealing: AES-256-GCM with a fresh 12-byte IV per write and the record's name as associated
//   data, so a ciphertext copied under another record's name fails to open.
// - Purpose keys: HKDF-SHA256 from the vault's master key, one key per purpose string.
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8 } from '../../wire/bytes.ts'

export const KEY_LENGTH = 32
export const IV_LENGTH = 12
export const SALT_LENGTH = 16

/** The floor; new vaults use it and older, weaker vaults are upgraded on unlock. */
export const MIN_PBKDF2_ITERATIONS = 900_000

export interface KdfParams {
  name: 'PBKDF2-SHA256'
  iterations: number
  salt: Uint8Array
}

export interface Sealed {
  iv: Uint8Array
  ciphertext: Uint8Array
}

export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length)
  crypto.getRandomValues(out)
  return out
}

/** Passwords are compared as Unicode NFKC, so the same characters typed differently match. */
function passwordBytes(password: string): Uint8Array {
  if (typeof password !== 'string' || password.length === 0) throw new TypeError('password must be a non-empty string')
  return utf8(password.normalize('NFKC'))
}

export function newKdfParams(iterations: number): KdfParams {
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError('iterations must be a positive whole number')
  return { name: 'PBKDF2-SHA256', iterations, salt: randomBytes(SALT_LENGTH) }
}

/** The 32-byte KEK for a password under the given parameters. */
export async function deriveKek(password: string, params: KdfParams): Promise<Uint8Array> {
  if (params.salt.length < SALT_LENGTH) throw new RangeError(`salt must be at least ${SALT_LENGTH} bytes`)
  const raw = passwordBytes(password)
  try {
    const base = await crypto.subtle.importKey('raw', raw as BufferSource, 'PBKDF2', false, ['deriveBits'])
    const bits = await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: params.salt as BufferSource, iterations: params.iterations },
      base,
      KEY_LENGTH * 8,
    )
    return new Uint8Array(bits)
  } finally {
    raw.fill(0)
  }
}

function aesKey(key: Uint8Array, usage: KeyUsage): Promise<CryptoKey> {
  if (!(key instanceof Uint8Array) || key.length !== KEY_LENGTH) throw new TypeError(`key must be ${KEY_LENGTH} bytes`)
  return crypto.subtle.importKey('raw', key as BufferSource, 'AES-GCM', false, [usage])
}

export async function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: string): Promise<Sealed> {
  const iv = randomBytes(IV_LENGTH)
  const k = await aesKey(key, 'encrypt')
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: iv as BufferSource, additionalData: utf8(associatedData) as BufferSource },
    k,
    plaintext as BufferSource,
  )
  return { iv, ciphertext: new Uint8Array(ct) }
}

/** Opens a sealed value, or returns null when the key is wrong or the bytes were changed. */
export async function open(key: Uint8Array, sealed: Sealed, associatedData: string): Promise<Uint8Array | null> {
  if (sealed.iv.length !== IV_LENGTH) return null
  const k = await aesKey(key, 'decrypt')
  try {
    const pt = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.iv as BufferSource, additionalData: utf8(associatedData) as BufferSource },
      k,
      sealed.ciphertext as BufferSource,
    )
    return new Uint8Array(pt)
  } catch {
    return null
  }
}

/** A 32-byte key for one purpose, from the master key (HKDF-SHA256, fixed salt, purpose as info). */
export function purposeKey(masterKey: Uint8Array, purpose: string): Uint8Array {
  if (typeof purpose !== 'string' || purpose.length === 0) throw new TypeError('purpose must be a non-empty string')
  return hkdf(sha256, masterKey, utf8('parley/vault/v1'), utf8(purpose), KEY_LENGTH)
}
