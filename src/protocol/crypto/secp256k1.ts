// secp256k1 as XMTP uses it (spec §3.4, §4.1, §17): externally computed
// 32-byte digests (never prehashed by the library), low-S RFC 6979 signatures,
// recovery ids 0/1, and 65-byte uncompressed public keys and DH points.
import { randomBytes, zeroize } from './random.ts'
import { SignatureError } from './errors.ts'
import { secp256k1Backend } from './backend.ts'

// The curve arithmetic is done by the installed backend (backend.ts: noble by
// default, libsecp256k1 where a Node host opts in). This module owns the XMTP
// rules and the error contract, so every backend fails the same way.

/** A compact ECDSA signature: r‖s (64 bytes, big-endian) and a recovery id. */
export interface RecoverableSignature {
  bytes: Uint8Array
  recovery: 0 | 1
}

export const PRIVATE_KEY_LENGTH = 32
export const PUBLIC_KEY_LENGTH = 65
export const DIGEST_LENGTH = 32

function assertLength(value: unknown, length: number, label: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${label} must be a Uint8Array`)
  if (value.length !== length) throw new RangeError(`${label} must be ${length} bytes`)
}

export function isValidPrivateKey(privateKey: Uint8Array): boolean {
  return privateKey instanceof Uint8Array && privateKey.length === PRIVATE_KEY_LENGTH && secp256k1Backend().isValidPrivateKey(privateKey)
}

/** Checks a 65-byte uncompressed key lies on the curve. */
export function isValidPublicKey(publicKey: Uint8Array): boolean {
  return (
    publicKey instanceof Uint8Array &&
    publicKey.length === PUBLIC_KEY_LENGTH &&
    publicKey[0] === 4 &&
    secp256k1Backend().isValidPublicKey(publicKey)
  )
}

function assertPrivateKey(privateKey: unknown, label: string): asserts privateKey is Uint8Array {
  assertLength(privateKey, PRIVATE_KEY_LENGTH, label)
  if (!secp256k1Backend().isValidPrivateKey(privateKey)) throw new RangeError(`${label} is not a valid secp256k1 scalar`)
}

/** A fresh random private key (32-byte scalar in [1, n-1]). */
export function generatePrivateKey(): Uint8Array {
  for (;;) {
    const candidate = randomBytes(PRIVATE_KEY_LENGTH)
    if (secp256k1Backend().isValidPrivateKey(candidate)) return candidate
    zeroize(candidate)
  }
}

/** 65-byte uncompressed public key 0x04‖X‖Y. */
export function getPublicKey(privateKey: Uint8Array): Uint8Array {
  assertPrivateKey(privateKey, 'privateKey')
  return secp256k1Backend().getPublicKey(privateKey)
}

/** Deterministic (RFC 6979), low-S signature of a 32-byte digest. */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): RecoverableSignature {
  assertLength(digest, DIGEST_LENGTH, 'digest')
  assertPrivateKey(privateKey, 'privateKey')
  const { bytes, recovery } = secp256k1Backend().signDigest(digest, privateKey)
  // 2 and 3 (r ≥ n after reduction) have probability ~2^-128 and no place in the proto.
  if (recovery !== 0 && recovery !== 1) throw new SignatureError('signing produced an unusable recovery id')
  return { bytes, recovery }
}

/** Verifies r‖s over a digest with a 65-byte key; high-S signatures are rejected (as xmtp-js and the node do). */
export function verifyDigest(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean {
  assertLength(signature, 64, 'signature')
  assertLength(digest, DIGEST_LENGTH, 'digest')
  assertLength(publicKey, PUBLIC_KEY_LENGTH, 'publicKey')
  return secp256k1Backend().verifyDigest(signature, digest, publicKey)
}

/** Recovers the signer's 65-byte public key; throws SignatureError when the signature does not recover. */
export function recoverPublicKey(digest: Uint8Array, signature: RecoverableSignature): Uint8Array {
  assertLength(digest, DIGEST_LENGTH, 'digest')
  if (signature === null || typeof signature !== 'object') throw new TypeError('signature must be {bytes, recovery}')
  assertLength(signature.bytes, 64, 'signature.bytes')
  if (signature.recovery !== 0 && signature.recovery !== 1) throw new RangeError('signature.recovery must be 0 or 1')
  try {
    return secp256k1Backend().recoverPublicKey(digest, signature.bytes, signature.recovery)
  } catch (cause) {
    throw new SignatureError('signature does not recover to a public key', { cause })
  }
}

/**
 * ECDH: the full 65-byte uncompressed shared point (§4.1), not its X coordinate.
 * Same result as noble's getSharedSecret(privateKey, publicKey, false) on every
 * backend (the noble one caches peer points so repeat peers multiply faster:
 * peer-points.ts).
 */
export function ecdh(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  assertPrivateKey(privateKey, 'privateKey')
  assertLength(publicKey, PUBLIC_KEY_LENGTH, 'publicKey')
  const notAPoint = () => new RangeError('publicKey is not an uncompressed secp256k1 point')
  if (publicKey[0] !== 4) throw notAPoint()
  try {
    return secp256k1Backend().ecdh(privateKey, publicKey)
  } catch {
    throw notAPoint()
  }
}
