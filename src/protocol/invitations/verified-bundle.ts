// Verification of SignedPublicKeyBundles as they appear in invitation headers
// and in SignedContent (spec §3.4, §3.5): the pre-key must be signed by the
// identity key, and the identity key's wallet signature gives the address.
//
// Both checks are elliptic-curve work (~1 ms each here) and their result is a
// pure function of the bundle's bytes. That result is memoised in one place,
// the keys layer's verification memo (keys/bundles.ts); this module asks it on
// every call. What it keeps itself is only the decoded view a verified bundle
// needs here — its two points, a private copy and the fingerprint — in a small
// LRU, so later messages of a conversation neither re-verify nor re-decode.
// Only public data is cached.
import { xmtp } from '../../gen/proto.js'
import { toHex } from '../../wire/bytes.ts'
import { decodeUnsignedKey } from '../keys/public-keys.ts'
import {
  clearBundleVerificationMemo,
  requireSignedBundle,
  verifySignedBundleWithFingerprint,
  type CompleteSignedBundle,
  type SignedPublicKeyBundle,
} from '../keys/bundles.ts'
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

const VIEW_LIMIT = 512
/** Decoded views of bundles that verified, by fingerprint (least recently used first). */
const views = new Map<string, VerifiedBundle>()

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
  const view = views.get(fingerprint)
  if (view) {
    // The verification result comes from the keys memo (a hit, unless it was cleared or evicted).
    verifySignedBundleWithFingerprint(complete, fingerprint, `${label} pre-key is not signed by its identity key`)
    // Refresh recency: Map iteration order is insertion order.
    views.delete(fingerprint)
    views.set(fingerprint, view)
    return view
  }
  // Points first: a key that is not a point is 'malformed' before any signature is looked at.
  const identityKey = new Uint8Array(decodeUnsignedKey(complete.identityKey.keyBytes).point)
  const preKey = new Uint8Array(decodeUnsignedKey(complete.preKey.keyBytes).point)
  const walletAddress = verifySignedBundleWithFingerprint(complete, fingerprint, `${label} pre-key is not signed by its identity key`)
  // Keep a private copy: decoded protobufs alias the caller's buffer.
  const own = requireSignedBundle(pb.SignedPublicKeyBundle.decode(new Uint8Array(encoded)), label)
  const verified: VerifiedBundle = Object.freeze({ bundle: own, walletAddress, identityKey, preKey, fingerprint })
  views.set(fingerprint, verified)
  if (views.size > VIEW_LIMIT) views.delete(views.keys().next().value!)
  return verified
}

/**
 * Empties this module's decoded views, the pre-key tables and the keys layer's
 * verification memo it relies on, so the next verification is computed afresh
 * (tests, benchmarks measuring cold paths). clearCryptoCaches (protocol/caches.ts)
 * also drops the ECDH peer points.
 */
export function clearVerifiedBundleCache(): void {
  views.clear()
  clearPreKeyTables()
  clearBundleVerificationMemo()
}
