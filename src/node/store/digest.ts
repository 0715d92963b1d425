import { createHash } from 'node:crypto'

/** Envelope id as node-go computes it: SHA-256(UTF-8 content topic ‖ message); no timestamp. */
export function envelopeDigest(topic: string, message: Uint8Array): Uint8Array {
  const hash = createHash('sha256')
  hash.update(topic, 'utf8')
  hash.update(message)
  return new Uint8Array(hash.digest())
}
