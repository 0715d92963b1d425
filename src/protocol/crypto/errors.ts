// Typed errors of the crypto layer. Messages never contain key material.
import { ReasonError } from '../utils/errors.ts'

export type CryptoErrorReason =
  | 'decryption-failed' // a Ciphertext did not authenticate (wrong secret, tampered bytes or AAD)
  | 'malformed-ciphertext' // a Ciphertext protobuf is structurally invalid
  | 'invalid-signature' // a signature is malformed or does not verify / recover

/** Base of the crypto layer's errors; each class carries one reason. */
export abstract class CryptoError extends ReasonError<CryptoErrorReason> {}

/** A Ciphertext failed to authenticate or decrypt (wrong secret, tampered bytes or AAD). */
export class DecryptionError extends CryptoError {
  override readonly name = 'DecryptionError'
  constructor(message = 'decryption failed: ciphertext or associated data does not authenticate', options?: { cause?: unknown }) {
    super('decryption-failed', message, options)
  }
}

/** A Ciphertext protobuf is structurally invalid (unknown arm, bad salt/nonce/payload size). */
export class CiphertextFormatError extends CryptoError {
  override readonly name = 'CiphertextFormatError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('malformed-ciphertext', message, options)
  }
}

/** A signature is malformed or does not verify / recover. */
export class SignatureError extends CryptoError {
  override readonly name = 'SignatureError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid-signature', message, options)
  }
}
