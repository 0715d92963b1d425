// Public surface of the keys layer: identities, bundles, signatures, private store.
export { KeyBundleError, PrivateKeyStoreError, type KeyBundleErrorReason, type PrivateKeyStoreErrorReason } from './errors.ts'
export { createIdentityText, enableIdentityText, consentProofText } from './signature-texts.ts'
export { type Signer, PrivateKeySigner } from './signer.ts'
export {
  type LegacyPublicKey,
  type SignedPublicKey,
  type SignatureProto,
  type SignatureArm,
  type UnsignedKeyContents,
  LEGACY_CREATED_NS_LIMIT,
  toUnsignedLong,
  legacyPublicKeyPoint,
  legacyUnsignedKeyBytes,
  signatureFromProto,
  signatureToProto,
  legacyIdentityKeyAddress,
  verifyLegacyPreKey,
  decodeUnsignedKey,
  signedIdentityKeyAddress,
  verifySignedPreKey,
  signedKeyFromLegacy,
  legacyKeyFromSigned,
  encodeLegacyPublicKey,
} from './public-keys.ts'
export {
  type LegacyPublicKeyBundle,
  type SignedPublicKeyBundle,
  type CompleteLegacyBundle,
  type CompleteSignedBundle,
  requireLegacyBundle,
  requireSignedBundle,
  isSignedBundle,
  verifyLegacyBundle,
  verifySignedBundle,
  verifyPublicKeyBundle,
  verifyLegacyPreKeyOf,
  legacyPreKeyValid,
  signedPreKeyValid,
  signedBundleFromLegacy,
  legacyBundleFromSigned,
  encodeLegacyBundle,
  encodeSignedBundle,
  legacyBundlesEqual,
  signedBundlesEqual,
} from './bundles.ts'
export { type ThreeDhInput, threeDh } from './three-dh.ts'
export { type PrivateKeyPair, PrivateKeyBundleV1 } from './private-bundle.ts'
export { type OpenedPrivateKeyStore, encryptPrivateKeyBundle, decryptPrivateKeyBundle } from './private-store.ts'
