// Hash, HMAC and HKDF wrappers (spec §3.4, §4.3, §4.4). Thin on purpose: the
// point is one place that checks inputs and fixes the algorithm choices.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { hmac } from '@noble/hashes/hmac.js'
import { hkdf } from '@noble/hashes/hkdf.js'

const EMPTY = new Uint8Array(0)

function assertBytes(value: unknown, label: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${label} must be a Uint8Array`)
}

/** SHA-256 (pre-key signatures, SignedContent signatures, message IDs). */
export function sha256(data: Uint8Array): Uint8Array {
  assertBytes(data, 'data')
  return nobleSha256(data)
}

/** Ethereum's keccak-256 (not SHA3-256): addresses, EIP-191, AuthData signatures. */
export function keccak256(data: Uint8Array): Uint8Array {
  assertBytes(data, 'data')
  return keccak_256(data)
}

export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  assertBytes(key, 'key')
  assertBytes(message, 'message')
  return hmac(nobleSha256, key, message)
}

/**
 * HKDF-SHA256 (RFC 5869). XMTP uses the secret as IKM, a per-ciphertext random
 * salt and an empty info for every Ciphertext (§4.3); other uses are in §4.4.
 */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array = EMPTY, length = 32): Uint8Array {
  assertBytes(ikm, 'ikm')
  assertBytes(salt, 'salt')
  assertBytes(info, 'info')
  if (!Number.isInteger(length) || length < 1 || length > 255 * 32) throw new RangeError('length must be an integer in 1..8160')
  return hkdf(nobleSha256, ikm, salt, info, length)
}
