// Typed errors of the keys layer. Messages describe what failed, never key material.
import { ReasonError } from '../utils/errors.ts'

export type KeyBundleErrorReason =
  | 'malformed' // missing fields, wrong lengths, undecodable protobuf
  | 'bad-pre-key-signature' // pre-key not signed by the identity key
  | 'bad-wallet-signature' // identity key's wallet signature missing or unrecoverable
  | 'not-legacy' // a signed key that did not originate from a legacy key cannot be converted back
  | 'no-matching-pre-key' // a header names a pre-key this bundle does not hold

/** A public or private key bundle is malformed, or one of its signatures does not hold. */
export class KeyBundleError extends ReasonError<KeyBundleErrorReason> {}

export type PrivateKeyStoreErrorReason =
  | 'malformed' // bytes are neither EncryptedPrivateKeyBundle nor its bare V1
  | 'wrong-signature' // the wallet's Enable Identity signature does not open the ciphertext
  | 'unsupported-version' // a PrivateKeyBundle V2 (xmtp-js 13 refuses these too)
  | 'wallet-mismatch' // signature recovers to an address other than the signer's

/** The private key store (privatestore topic payload) could not be built or opened. */
export class PrivateKeyStoreError extends ReasonError<PrivateKeyStoreErrorReason> {}
