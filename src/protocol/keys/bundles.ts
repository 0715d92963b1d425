// Public key bundles (identity key + pre-key) in both wire forms (spec §2.1,
// §3.3–§3.5). Verification returns the wallet address the bundle speaks for.
import { xmtp } from '../../gen/proto.js'
import { equalBytes, toHex } from '../../wire/bytes.ts'
import {
  legacyIdentityKeyAddress,
  legacyKeyFromSigned,
  signedIdentityKeyAddress,
  signedKeyFromLegacy,
  verifyLegacyPreKey,
  verifySignedPreKey,
  type LegacyPublicKey,
  type SignedPublicKey,
} from './public-keys.ts'
import { KeyBundleError } from './errors.ts'

const pb = xmtp.message_contents

// Verification is a pure function of the encoded bytes, and the same few bundles
// come back with every message of a conversation, so successful results are
// memoised (bounded, least-recently-used first out). Failures are never cached.
// This is the one memo of bundle verification results: the invitation layer
// (invitations/verified-bundle.ts) verifies through it too.
const MEMO_LIMIT = 512
const verifiedAddress = new Map<string, string>()
const verifiedPreKey = new Set<string>()

function remember<K>(store: Map<K, string> | Set<K>, key: K, value?: string): void {
  if (store.size >= MEMO_LIMIT) store.delete(store.keys().next().value as K)
  if (store instanceof Map) store.set(key, value!)
  else store.add(key)
}

function recall(store: Map<string, string>, key: string): string | undefined {
  const value = store.get(key)
  if (value !== undefined) {
    store.delete(key)
    store.set(key, value)
  }
  return value
}

function legacyMemoKey(bundle: CompleteLegacyBundle): string {
  return 'L' + toHex(pb.PublicKeyBundle.encode({ identityKey: bundle.identityKey, preKey: bundle.preKey }).finish())
}

/**
 * Lowercase hex of SignedPublicKeyBundle{identityKey, preKey}: a signed
 * bundle's identity for equality and for the verification memo.
 */
export function signedBundleFingerprint(bundle: CompleteSignedBundle): string {
  return toHex(pb.SignedPublicKeyBundle.encode({ identityKey: bundle.identityKey, preKey: bundle.preKey }).finish())
}

function signedMemoKey(bundle: CompleteSignedBundle): string {
  return 'S' + signedBundleFingerprint(bundle)
}

/** Forgets every memoised verification (cold-path benchmarks; when keys are locked). */
export function clearBundleVerificationMemo(): void {
  verifiedAddress.clear()
  verifiedPreKey.clear()
}

export type LegacyPublicKeyBundle = xmtp.message_contents.PublicKeyBundle.$Properties
export type SignedPublicKeyBundle = xmtp.message_contents.SignedPublicKeyBundle.$Properties

/** A bundle whose two keys are known to be present. */
export interface CompleteLegacyBundle {
  identityKey: LegacyPublicKey
  preKey: LegacyPublicKey
}
export interface CompleteSignedBundle {
  identityKey: SignedPublicKey
  preKey: SignedPublicKey
}

export function requireLegacyBundle(bundle: LegacyPublicKeyBundle | null | undefined, label = 'bundle'): CompleteLegacyBundle {
  if (!bundle?.identityKey || !bundle.preKey) throw new KeyBundleError('malformed', `${label} needs an identity key and a pre-key`)
  return { identityKey: bundle.identityKey, preKey: bundle.preKey }
}

export function requireSignedBundle(bundle: SignedPublicKeyBundle | null | undefined, label = 'bundle'): CompleteSignedBundle {
  if (!bundle?.identityKey || !bundle.preKey) throw new KeyBundleError('malformed', `${label} needs an identity key and a pre-key`)
  return { identityKey: bundle.identityKey, preKey: bundle.preKey }
}

/** True when the value looks like a SignedPublicKeyBundle (keys carry key_bytes) rather than a legacy one. */
export function isSignedBundle(bundle: LegacyPublicKeyBundle | SignedPublicKeyBundle): bundle is SignedPublicKeyBundle {
  const identity = bundle.identityKey as { keyBytes?: unknown } | null | undefined
  return identity != null && identity.keyBytes instanceof Uint8Array
}

/**
 * Verifies a legacy bundle: the pre-key is signed by the identity key and the
 * identity key's wallet signature recovers. Returns the EIP-55 wallet address.
 */
export function verifyLegacyBundle(bundle: LegacyPublicKeyBundle | null | undefined): string {
  const complete = requireLegacyBundle(bundle)
  const key = legacyMemoKey(complete)
  const known = recall(verifiedAddress, key)
  if (known !== undefined) return known
  if (!legacyPreKeyValid(complete, key)) throw new KeyBundleError('bad-pre-key-signature', 'pre-key is not signed by the identity key')
  const address = legacyIdentityKeyAddress(complete.identityKey)
  remember(verifiedAddress, key, address)
  return address
}

/**
 * Records a verification result the caller established itself, so the next
 * verifyLegacyBundle of the same bundle is a memo hit. Used by
 * PrivateKeyBundleV1.generate, which signs the pre-key and recovers the
 * wallet address of a brand-new identity anyway; not for peer bundles.
 */
export function rememberVerifiedLegacyBundle(bundle: CompleteLegacyBundle, walletAddress: string): void {
  remember(verifiedAddress, legacyMemoKey(bundle), walletAddress)
}

/** Same as verifyLegacyBundle for the signed form (identity signature must be wallet_ecdsa_compact). */
export function verifySignedBundle(bundle: SignedPublicKeyBundle | null | undefined): string {
  const complete = requireSignedBundle(bundle)
  return verifySignedBundleWithFingerprint(complete, signedBundleFingerprint(complete))
}

/**
 * verifySignedBundle for a caller that already holds the bundle's
 * signedBundleFingerprint (the invitation layer names bundles by it), so the
 * bundle is not encoded twice. `fingerprint` must be exactly that value: it is
 * the memo key. `preKeyMessage` words the 'bad-pre-key-signature' error.
 */
export function verifySignedBundleWithFingerprint(
  complete: CompleteSignedBundle,
  fingerprint: string,
  preKeyMessage = 'pre-key is not signed by the identity key',
): string {
  const key = 'S' + fingerprint
  const known = recall(verifiedAddress, key)
  if (known !== undefined) return known
  if (!signedPreKeyValid(complete, key)) throw new KeyBundleError('bad-pre-key-signature', preKeyMessage)
  const address = signedIdentityKeyAddress(complete.identityKey)
  remember(verifiedAddress, key, address)
  return address
}

/** True iff the pre-key is signed by the identity key (no wallet check); memoised. */
export function legacyPreKeyValid(bundle: CompleteLegacyBundle, memoKey = legacyMemoKey(bundle)): boolean {
  if (verifiedPreKey.has(memoKey) || verifiedAddress.has(memoKey)) return true
  if (!verifyLegacyPreKey(bundle.preKey, bundle.identityKey)) return false
  remember(verifiedPreKey, memoKey)
  return true
}

/** Signed-form twin of legacyPreKeyValid. */
export function signedPreKeyValid(bundle: CompleteSignedBundle, memoKey = signedMemoKey(bundle)): boolean {
  if (verifiedPreKey.has(memoKey) || verifiedAddress.has(memoKey)) return true
  if (!verifySignedPreKey(bundle.preKey, bundle.identityKey)) return false
  remember(verifiedPreKey, memoKey)
  return true
}

/** Verifies either form. */
export function verifyPublicKeyBundle(bundle: LegacyPublicKeyBundle | SignedPublicKeyBundle): string {
  return isSignedBundle(bundle) ? verifySignedBundle(bundle) : verifyLegacyBundle(bundle as LegacyPublicKeyBundle)
}

/** Legacy → signed, as xmtp-js derives its V2 bundle (§3.5). */
export function signedBundleFromLegacy(bundle: LegacyPublicKeyBundle): CompleteSignedBundle {
  const { identityKey, preKey } = requireLegacyBundle(bundle)
  return { identityKey: signedKeyFromLegacy(identityKey, 'identity'), preKey: signedKeyFromLegacy(preKey, 'preKey') }
}

/** Signed → legacy; only legacy-origin keys convert (KeyBundleError 'not-legacy' otherwise). */
export function legacyBundleFromSigned(bundle: SignedPublicKeyBundle): CompleteLegacyBundle {
  const { identityKey, preKey } = requireSignedBundle(bundle)
  return { identityKey: legacyKeyFromSigned(identityKey, 'identity'), preKey: legacyKeyFromSigned(preKey, 'preKey') }
}

export function encodeLegacyBundle(bundle: LegacyPublicKeyBundle): Uint8Array {
  return pb.PublicKeyBundle.encode(bundle).finish()
}

export function encodeSignedBundle(bundle: SignedPublicKeyBundle): Uint8Array {
  return pb.SignedPublicKeyBundle.encode(bundle).finish()
}

/** Equality of keys and signatures (compares encodings). */
export function legacyBundlesEqual(a: LegacyPublicKeyBundle, b: LegacyPublicKeyBundle): boolean {
  return equalBytes(encodeLegacyBundle(a), encodeLegacyBundle(b))
}

export function signedBundlesEqual(a: SignedPublicKeyBundle, b: SignedPublicKeyBundle): boolean {
  return equalBytes(encodeSignedBundle(a), encodeSignedBundle(b))
}

/** True iff the bundle's pre-key is signed by its identity key (no wallet check). */
export function verifyLegacyPreKeyOf(bundle: CompleteLegacyBundle): boolean {
  return legacyPreKeyValid(bundle)
}
