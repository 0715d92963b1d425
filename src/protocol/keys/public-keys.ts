// Single public keys in both wire forms (spec §2.1, §3.3–§3.5):
//  - legacy `PublicKey{timestamp ms, signature?, secp256k1_uncompressed}`
//  - `SignedPublicKey{key_bytes (encoded UnsignedPublicKey, kept verbatim), signature}`
// Signed bytes are never re-encoded; the one exception is the legacy form,
// whose signature covers a canonical re-encoding of fields 1 and 3 only.
import Long from 'long'
import { xmtp } from '../../gen/proto.js'
import { sha256 } from '../crypto/hashes.ts'
import { recoverWalletAddress } from '../crypto/ethereum.ts'
import { isValidPublicKey, verifyDigest, type RecoverableSignature } from '../crypto/secp256k1.ts'
import { equalBytes } from '../../wire/bytes.ts'
import { createIdentityText } from './signature-texts.ts'
import { KeyBundleError } from './errors.ts'

const pb = xmtp.message_contents

export type LegacyPublicKey = xmtp.message_contents.PublicKey.$Properties
export type SignedPublicKey = xmtp.message_contents.SignedPublicKey.$Properties
export type SignatureProto = xmtp.message_contents.Signature.$Properties
export type SignatureArm = 'ecdsaCompact' | 'walletEcdsaCompact'

/** Keys converted from legacy ones carry milliseconds in created_ns; anything below 10^18 is such a key (§3.5). */
export const LEGACY_CREATED_NS_LIMIT = Long.fromString('1000000000000000000', true)

export function toUnsignedLong(value: Long | number | null | undefined): Long {
  if (value === null || value === undefined) return Long.UZERO
  if (typeof value === 'number') return Long.fromNumber(value, true)
  return Long.fromValue(value).toUnsigned()
}

function malformed(message: string): KeyBundleError {
  return new KeyBundleError('malformed', message)
}

/** The 65-byte point of a legacy key, validated to lie on the curve. */
export function legacyPublicKeyPoint(key: LegacyPublicKey | null | undefined, label = 'public key'): Uint8Array {
  const bytes = key?.secp256k1Uncompressed?.bytes
  if (!(bytes instanceof Uint8Array) || !isValidPublicKey(bytes)) throw malformed(`${label} must hold a 65-byte uncompressed secp256k1 point`)
  return bytes
}

/**
 * Canonical unsigned encoding of a legacy key: field 1 (timestamp, omitted when
 * zero as ts-proto/Go do) then field 3. This is what the Create Identity text
 * and the pre-key signature cover, and it equals an UnsignedPublicKey encoding.
 */
export function legacyUnsignedKeyBytes(key: LegacyPublicKey): Uint8Array {
  if (key === null || typeof key !== 'object') throw new TypeError('key must be a PublicKey')
  const point = legacyPublicKeyPoint(key)
  const timestamp = toUnsignedLong(key.timestamp)
  const unsigned: xmtp.message_contents.PublicKey.$Properties = { secp256k1Uncompressed: { bytes: point } }
  if (!timestamp.isZero()) unsigned.timestamp = timestamp
  return pb.PublicKey.encode(unsigned).finish()
}

/** Reads one arm of a Signature as {bytes, recovery}; throws KeyBundleError when absent or malformed. */
export function signatureFromProto(signature: SignatureProto | null | undefined, arms: readonly SignatureArm[], label: string): RecoverableSignature {
  for (const arm of arms) {
    const body = signature?.[arm]
    if (!body) continue
    const recovery = body.recovery ?? 0
    if (!(body.bytes instanceof Uint8Array) || body.bytes.length !== 64) throw malformed(`${label} must be 64 bytes`)
    if (recovery !== 0 && recovery !== 1) throw malformed(`${label} recovery must be 0 or 1`)
    return { bytes: body.bytes, recovery }
  }
  throw malformed(`${label} is missing (${arms.join(' or ')})`)
}

/** Builds a Signature proto in the given arm; recovery 0 is left unset so encodings stay canonical. */
export function signatureToProto(signature: RecoverableSignature, arm: SignatureArm): SignatureProto {
  const body: { bytes: Uint8Array; recovery?: number } = { bytes: signature.bytes }
  if (signature.recovery !== 0) body.recovery = signature.recovery
  return arm === 'ecdsaCompact' ? { ecdsaCompact: body } : { walletEcdsaCompact: body }
}

/** Wallet address that authorised a legacy identity key (either oneof arm accepted, §3.3). */
export function legacyIdentityKeyAddress(identityKey: LegacyPublicKey): string {
  if (identityKey === null || typeof identityKey !== 'object') throw new TypeError('identityKey must be a PublicKey')
  const text = createIdentityText(legacyUnsignedKeyBytes(identityKey))
  const signature = signatureFromProto(identityKey.signature, ['ecdsaCompact', 'walletEcdsaCompact'], 'identity key wallet signature')
  try {
    return recoverWalletAddress(text, signature)
  } catch (cause) {
    throw new KeyBundleError('bad-wallet-signature', 'identity key wallet signature does not recover', { cause })
  }
}

/** True iff a legacy pre-key carries a valid identity-key signature over SHA-256 of its canonical unsigned bytes. */
export function verifyLegacyPreKey(preKey: LegacyPublicKey, identityKey: LegacyPublicKey): boolean {
  if (preKey === null || typeof preKey !== 'object') throw new TypeError('preKey must be a PublicKey')
  const signature = signatureFromProto(preKey.signature, ['ecdsaCompact'], 'pre-key signature')
  return verifyDigest(signature.bytes, sha256(legacyUnsignedKeyBytes(preKey)), legacyPublicKeyPoint(identityKey, 'identity key'))
}

/** Decoded contents of SignedPublicKey.key_bytes. */
export interface UnsignedKeyContents {
  createdNs: Long
  point: Uint8Array
}

export function decodeUnsignedKey(keyBytes: Uint8Array | null | undefined): UnsignedKeyContents {
  if (!(keyBytes instanceof Uint8Array) || keyBytes.length === 0) throw malformed('signed key has no key_bytes')
  let decoded: xmtp.message_contents.UnsignedPublicKey
  try {
    decoded = pb.UnsignedPublicKey.decode(keyBytes)
  } catch (cause) {
    throw new KeyBundleError('malformed', 'key_bytes is not an UnsignedPublicKey', { cause })
  }
  const point = decoded.secp256k1Uncompressed?.bytes
  if (!(point instanceof Uint8Array) || !isValidPublicKey(point)) throw malformed('signed key must hold a 65-byte uncompressed secp256k1 point')
  return { createdNs: toUnsignedLong(decoded.createdNs), point }
}

/** Wallet address that signed a SignedPublicKey identity key; requires the wallet_ecdsa_compact arm (§3.5). */
export function signedIdentityKeyAddress(identityKey: SignedPublicKey): string {
  if (identityKey === null || typeof identityKey !== 'object') throw new TypeError('identityKey must be a SignedPublicKey')
  decodeUnsignedKey(identityKey.keyBytes)
  const signature = signatureFromProto(identityKey.signature, ['walletEcdsaCompact'], 'identity key wallet signature')
  try {
    return recoverWalletAddress(createIdentityText(identityKey.keyBytes!), signature)
  } catch (cause) {
    throw new KeyBundleError('bad-wallet-signature', 'identity key wallet signature does not recover', { cause })
  }
}

/** True iff a signed pre-key carries a valid identity-key signature over SHA-256(key_bytes). */
export function verifySignedPreKey(preKey: SignedPublicKey, identityKey: SignedPublicKey): boolean {
  if (preKey === null || typeof preKey !== 'object') throw new TypeError('preKey must be a SignedPublicKey')
  if (identityKey === null || typeof identityKey !== 'object') throw new TypeError('identityKey must be a SignedPublicKey')
  decodeUnsignedKey(preKey.keyBytes)
  const signature = signatureFromProto(preKey.signature, ['ecdsaCompact'], 'pre-key signature')
  return verifyDigest(signature.bytes, sha256(preKey.keyBytes!), decodeUnsignedKey(identityKey.keyBytes).point)
}

/**
 * Legacy → signed (§3.5): key_bytes = canonical unsigned legacy bytes (created_ns
 * therefore holds ms); the identity key's signature moves to wallet_ecdsa_compact.
 */
export function signedKeyFromLegacy(key: LegacyPublicKey, role: 'identity' | 'preKey'): SignedPublicKey {
  const keyBytes = legacyUnsignedKeyBytes(key)
  const arms: SignatureArm[] = role === 'identity' ? ['ecdsaCompact', 'walletEcdsaCompact'] : ['ecdsaCompact']
  const signature = signatureFromProto(key.signature, arms, `${role} signature`)
  return { keyBytes, signature: signatureToProto(signature, role === 'identity' ? 'walletEcdsaCompact' : 'ecdsaCompact') }
}

/** Signed → legacy, only for legacy-origin keys (created_ns < 10^18); the identity signature returns to ecdsa_compact. */
export function legacyKeyFromSigned(key: SignedPublicKey, role: 'identity' | 'preKey'): LegacyPublicKey {
  const { createdNs, point } = decodeUnsignedKey(key.keyBytes)
  if (createdNs.greaterThanOrEqual(LEGACY_CREATED_NS_LIMIT)) throw new KeyBundleError('not-legacy', 'key was not created as a legacy key and cannot be converted')
  const arms: SignatureArm[] = role === 'identity' ? ['walletEcdsaCompact', 'ecdsaCompact'] : ['ecdsaCompact']
  const signature = signatureFromProto(key.signature, arms, `${role} signature`)
  const legacy: LegacyPublicKey = { signature: signatureToProto(signature, 'ecdsaCompact'), secp256k1Uncompressed: { bytes: point } }
  if (!createdNs.isZero()) legacy.timestamp = createdNs
  // The legacy signature covers the canonical re-encoding, so it must reproduce key_bytes exactly.
  if (!equalBytes(legacyUnsignedKeyBytes(legacy), key.keyBytes!)) throw new KeyBundleError('not-legacy', 'key_bytes are not in canonical legacy layout')
  return legacy
}

/** Encodes a legacy public key (with its signature) for equality checks and transport. */
export function encodeLegacyPublicKey(key: LegacyPublicKey): Uint8Array {
  return pb.PublicKey.encode(key).finish()
}
