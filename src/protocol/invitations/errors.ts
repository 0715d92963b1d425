// Typed errors of the V2 invitation layer. One bad invite must never break a
// listing, so every failure of openInvitation is one of these (or the crypto
// layer's DecryptionError / CiphertextFormatError) and callers can skip it.
// Messages name what failed, never key material.
import { ReasonError } from '../utils/errors.ts'

export type InvalidInvitationReason =
  | 'malformed' // undecodable SealedInvitation / header / InvitationV1, or no v1 arm
  | 'timestamp-mismatch' // envelope timestamp_ns differs from header.created_ns (§8.4)
  | 'not-addressed-to-us' // neither header bundle is ours, or the named pre-key is not one we hold
  | 'invalid-bundle' // a header bundle fails its pre-key or wallet signature check
  | 'invalid-content' // empty topic, key material not 32 bytes, no encryption arm

/** A sealed invitation or its decrypted content is unusable. */
export class InvalidInvitationError extends ReasonError<InvalidInvitationReason> {}

export { DecryptionError, CiphertextFormatError } from '../crypto/errors.ts'
