// Typed errors of the crypto layer. Messages never contain key material.

/** A Ciphertext failed to authenticate or decrypt (wrong secret, tampered bytes or AAD). */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError'
  constructor(message = 'decryption failed: ciphertext or associated data does not authenticate', options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** A Ciphertext protobuf is structurally invalid (unknown arm, bad salt/nonce/payload size). */
export class CiphertextFormatError extends Error {
  override readonly name = 'CiphertextFormatError'
}

/** A signature is malformed or does not verify / recover. */
export class SignatureError extends Error {
  override readonly name = 'SignatureError'
}
