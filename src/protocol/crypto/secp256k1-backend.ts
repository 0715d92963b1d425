// The interface every secp256k1 backend implements (see backend.ts for why there are two).
// Its own module, so a backend (noble-backend.ts, libsecp256k1*.ts) depends on the
// interface only, and backend.ts on the default backend: no import circle.

/**
 * Curve arithmetic behind secp256k1.ts. Inputs reaching a backend have already
 * been checked by secp256k1.ts (types, lengths, private keys in [1, n−1], the
 * 0x04 prefix of public keys for ECDH); a backend still rejects what only the
 * curve can tell (points off the curve, unrecoverable signatures).
 */
export interface Secp256k1Backend {
  /** A short label for benchmarks and diagnostics. */
  readonly name: string
  /** True for a 32-byte scalar in [1, n−1]. */
  isValidPrivateKey(privateKey: Uint8Array): boolean
  /** True for a 65-byte 0x04‖X‖Y point on the curve. */
  isValidPublicKey(publicKey: Uint8Array): boolean
  /** 65-byte uncompressed public key of a valid private key. */
  getPublicKey(privateKey: Uint8Array): Uint8Array
  /** RFC 6979 (no extra entropy), low-S: r‖s (64 bytes) and the recovery id. */
  signDigest(digest: Uint8Array, privateKey: Uint8Array): { bytes: Uint8Array; recovery: number }
  /** Low-S ECDSA verification of r‖s; never throws: any malformed input is false. */
  verifyDigest(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean
  /** The 65-byte signer key; throws (any error) when r‖s and recovery do not recover. */
  recoverPublicKey(digest: Uint8Array, signature: Uint8Array, recovery: 0 | 1): Uint8Array
  /** privateKey·publicKey as a 65-byte uncompressed point; throws (any error) when publicKey is not on the curve. */
  ecdh(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array
}
