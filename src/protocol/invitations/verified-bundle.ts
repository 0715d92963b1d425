// Verification of SignedPublicKeyBundles as they appear in invitation headers
// and in SignedContent (spec §3.4, §3.5): the pre-key must be signed by the
// identity key, and the identity key's wallet signature gives the address.
//
// Both checks are elliptic-curve work (~1 ms each here) and their result is a
// pure function of the bundle's bytes, so results are memoised by encoding in
// a small LRU. Only public data is cached. A conversation has two members, so
// after the first message every later one skips both checks.
import { xmtp } from '../../gen/proto.js'
import { toHex } from '../utils/bytes.ts'
import { decodeUnsignedKey, signedIdentityKeyAddress, verifySignedPreKey } from '../keys/public-keys.ts'
import { requireSignedBundle, type CompleteSignedBundle, type SignedPublicKeyBundle } from '../keys/bundles.ts'
import { KeyBundleError } from '../keys/errors.ts'
import { clearPreKeyTables } from './pre-key-verifier.ts'

const pb = xmtp.message_contents

export interface VerifiedBundle {
  readonly bundle: CompleteSignedBundle
  /** EIP-55 address that signed the identity key. */
  readonly walletAddress: string
  /** 65-byte identity and pre-key points. */
  readonly identityKey: Uint8Array
  readonly preKey: Uint8Array
  /** Lowercase hex of the bundle's protobuf encoding: its identity for equality and caching. */
  readonly fingerprint: string
}

const CACHE_LIMIT = 512
const cache = new Map<string, VerifiedBundle>()

/** Encoding fingerprint of a bundle (keys and signatures); equal fingerprints mean equal bundles. */
export function bundleFingerprint(bundle: SignedPublicKeyBundle): string {
  return toHex(pb.SignedPublicKeyBundle.encode(bundle).finish())
}

/**
 * Verifies a SignedPublicKeyBundle and returns its wallet address and points.
 * Throws KeyBundleError ('malformed', 'bad-pre-key-signature', 'bad-wallet-signature').
 */
export function verifySignedBundle(bundle: SignedPublicKeyBundle, label = 'bundle'): VerifiedBundle {
  if (bundle === null || typeof bundle !== 'object') throw new TypeError(`${label} must be a SignedPublicKeyBundle`)
  const complete = requireSignedBundle(bundle, label)
  const encoded = pb.SignedPublicKeyBundle.encode(complete).finish()
  const fingerprint = toHex(encoded)
  const hit = cache.get(fingerprint)
  if (hit) {
    // Refresh recency: Map iteration order is insertion order.
    cache.delete(fingerprint)
    cache.set(fingerprint, hit)
    return hit
  }
  const identityKey = new Uint8Array(decodeUnsignedKey(complete.identityKey.keyBytes).point)
  const preKey = new Uint8Array(decodeUnsignedKey(complete.preKey.keyBytes).point)
  if (!verifySignedPreKey(complete.preKey, complete.identityKey)) {
    throw new KeyBundleError('bad-pre-key-signature', `${label} pre-key is not signed by its identity key`)
  }
  const walletAddress = signedIdentityKeyAddress(complete.identityKey)
  // Keep a private copy: decoded protobufs alias the caller's buffer.
  const own = requireSignedBundle(pb.SignedPublicKeyBundle.decode(new Uint8Array(encoded)), label)
  const verified: VerifiedBundle = Object.freeze({ bundle: own, walletAddress, identityKey, preKey, fingerprint })
  cache.set(fingerprint, verified)
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!)
  return verified
}

/** Empties the verification memo and the pre-key tables (tests, benchmarks measuring cold paths). */
export function clearVerifiedBundleCache(): void {
  cache.clear()
  clearPreKeyTables()
}
