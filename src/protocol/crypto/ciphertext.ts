// The `Ciphertext` envelope (spec §4.3): HKDF-SHA256(secret, random 32-byte
// salt, empty info) → AES-256-GCM key; 12-byte random nonce; payload =
// ciphertext‖16-byte tag; optional AAD (header bytes in V1/V2 messages).
//
// AES-GCM runs on WebCrypto (noble's thin async wrapper, which copies the key and
// clears its copies). Not noble's pure-JS aes.js: that module builds ~1.5 MB of lookup
// tables when it is loaded, which cost the extension's service worker ~50 ms on every
// wake, before it could answer anything. WebCrypto exists in every host Parley runs on
// (Chromium, Firefox, Node 20).
import { gcm } from '@noble/ciphers/webcrypto.js'
import { xmtp } from '../../gen/proto.js'
import { hkdfSha256 } from './hashes.ts'
import { randomBytes, zeroize } from './random.ts'
import { CiphertextFormatError, DecryptionError } from './errors.ts'

/** A validated Ciphertext: the proto class with its AES-GCM arm known to be present. */
export type Ciphertext = xmtp.message_contents.Ciphertext & {
  aes256GcmHkdfSha256: { hkdfSalt: Uint8Array; gcmNonce: Uint8Array; payload: Uint8Array }
}

export const HKDF_SALT_LENGTH = 32
export const GCM_NONCE_LENGTH = 12
export const GCM_TAG_LENGTH = 16

const EMPTY = new Uint8Array(0)

function assertBytes(value: unknown, label: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${label} must be a Uint8Array`)
}

/**
 * Encrypts `plaintext` under `secret` (the HKDF input keying material).
 */
export async function encrypt(plaintext: Uint8Array, secret: Uint8Array, aad?: Uint8Array): Promise<Ciphertext> {
  assertBytes(plaintext, 'plaintext')
  assertBytes(secret, 'secret')
  if (secret.length === 0) throw new RangeError('secret must not be empty')
  if (aad !== undefined) assertBytes(aad, 'aad')
  const hkdfSalt = randomBytes(HKDF_SALT_LENGTH)
  const gcmNonce = randomBytes(GCM_NONCE_LENGTH)
  const key = hkdfSha256(secret, hkdfSalt, EMPTY, 32)
  try {
    const payload = await gcm(key, gcmNonce, aad).encrypt(plaintext)
    return xmtp.message_contents.Ciphertext.create({ aes256GcmHkdfSha256: { hkdfSalt, gcmNonce, payload } }) as Ciphertext
  } finally {
    zeroize(key)
  }
}

/** The validated AES-GCM arm of a Ciphertext; throws CiphertextFormatError on any structural problem. */
export function ciphertextParts(ciphertext: xmtp.message_contents.Ciphertext.$Properties): { hkdfSalt: Uint8Array; gcmNonce: Uint8Array; payload: Uint8Array } {
  if (ciphertext === null || typeof ciphertext !== 'object') throw new TypeError('ciphertext must be a Ciphertext')
  const arm = ciphertext.aes256GcmHkdfSha256
  if (!arm) throw new CiphertextFormatError('unsupported ciphertext: aes256_gcm_hkdf_sha256 arm missing')
  const { hkdfSalt, gcmNonce, payload } = arm
  if (!(hkdfSalt instanceof Uint8Array) || hkdfSalt.length !== HKDF_SALT_LENGTH) throw new CiphertextFormatError('invalid ciphertext: hkdf salt must be 32 bytes')
  if (!(gcmNonce instanceof Uint8Array) || gcmNonce.length !== GCM_NONCE_LENGTH) throw new CiphertextFormatError('invalid ciphertext: gcm nonce must be 12 bytes')
  if (!(payload instanceof Uint8Array) || payload.length < GCM_TAG_LENGTH) throw new CiphertextFormatError('invalid ciphertext: payload shorter than the 16-byte tag')
  return { hkdfSalt, gcmNonce, payload }
}

/** Decrypts a Ciphertext; a wrong secret, tampered payload or different AAD throws DecryptionError. */
export async function decrypt(
  ciphertext: xmtp.message_contents.Ciphertext.$Properties,
  secret: Uint8Array,
  aad?: Uint8Array,
): Promise<Uint8Array> {
  assertBytes(secret, 'secret')
  if (secret.length === 0) throw new RangeError('secret must not be empty')
  if (aad !== undefined) assertBytes(aad, 'aad')
  const { hkdfSalt, gcmNonce, payload } = ciphertextParts(ciphertext)
  const key = hkdfSha256(secret, hkdfSalt, EMPTY, 32)
  try {
    return await gcm(key, gcmNonce, aad).decrypt(payload)
  } catch (cause) {
    throw new DecryptionError(undefined, { cause })
  } finally {
    zeroize(key)
  }
}

/** Protobuf-encodes a Ciphertext. */
export function encodeCiphertext(ciphertext: xmtp.message_contents.Ciphertext.$Properties): Uint8Array {
  return xmtp.message_contents.Ciphertext.encode(ciphertext).finish()
}

/** Decodes and validates a Ciphertext; malformed bytes throw CiphertextFormatError. */
export function decodeCiphertext(bytes: Uint8Array): Ciphertext {
  assertBytes(bytes, 'bytes')
  let decoded: xmtp.message_contents.Ciphertext
  try {
    decoded = xmtp.message_contents.Ciphertext.decode(bytes)
  } catch (cause) {
    throw new CiphertextFormatError('malformed Ciphertext protobuf', { cause })
  }
  ciphertextParts(decoded)
  return decoded as Ciphertext
}
