// Randomness and key-material hygiene.
import { randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js'

/** Cryptographically secure random bytes (WebCrypto getRandomValues underneath). */
export function randomBytes(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 65536) throw new RangeError('length must be an integer in 0..65536')
  return nobleRandomBytes(length)
}

/**
 * Overwrites buffers that held key material with zeros. JavaScript cannot
 * guarantee no copy survives elsewhere (GC, strings), but buffers we own and
 * drop should not linger with secrets in them.
 */
export function zeroize(...buffers: Array<Uint8Array | null | undefined>): void {
  for (const buffer of buffers) if (buffer) buffer.fill(0)
}
