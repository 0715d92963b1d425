// The table-backed content-signature verifier must accept exactly what the
// generic verifier (noble verify, low-S) accepts: a differential test over
// valid, mutated, high-S, out-of-range and random signatures, on both the
// first-use path and the table path.
import { describe, expect, it } from 'vitest'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { generatePrivateKey, getPublicKey, signDigest, verifyDigest } from '../crypto/secp256k1.ts'
import { randomBytes } from '../crypto/random.ts'
import { sha256 } from '../crypto/hashes.ts'
import { concatBytes, fromHex } from '../../wire/bytes.ts'
import { clearPreKeyTables, verifyPreKeySignature } from './pre-key-verifier.ts'
import { secp256k1Backends, useSecp256k1BackendIn } from '../crypto/testing/backends.ts'

const N = secp256k1.Point.Fn.ORDER
const be32 = (n: bigint) => fromHex(n.toString(16).padStart(64, '0'))

function variants(signature: Uint8Array): Uint8Array[] {
  const r = BigInt('0x' + Buffer.from(signature.subarray(0, 32)).toString('hex'))
  const s = BigInt('0x' + Buffer.from(signature.subarray(32)).toString('hex'))
  const flipped = new Uint8Array(signature)
  flipped[40]! ^= 1
  return [
    signature,
    concatBytes(be32(r), be32(N - s)), // high-S twin: valid ECDSA, rejected by low-S rules
    concatBytes(be32(0n), be32(s)),
    concatBytes(be32(r), be32(0n)),
    concatBytes(be32(N), be32(s)),
    concatBytes(be32(r), be32(N + 1n)),
    flipped,
    randomBytes(64),
  ]
}

// On the noble backend the second call per key takes the table path; on libsecp256k1 every call goes to its verify.
describe.each(secp256k1Backends.map((backend) => [backend.name, backend] as const))('verifyPreKeySignature on the %s backend', (_name, backend) => {
  useSecp256k1BackendIn(backend)
  it('agrees with verifyDigest on every case, first use and table path alike', () => {
    clearPreKeyTables()
    let accepted = 0
    for (let k = 0; k < 6; k++) {
      const privateKey = generatePrivateKey()
      const publicKey = getPublicKey(privateKey)
      const other = getPublicKey(generatePrivateKey())
      for (let m = 0; m < 5; m++) {
        const digest = sha256(randomBytes(40))
        const otherDigest = sha256(randomBytes(40))
        for (const signature of variants(signDigest(digest, privateKey).bytes)) {
          for (const [key, d] of [
            [publicKey, digest],
            [publicKey, otherDigest],
            [other, digest],
          ] as const) {
            const expected = verifyDigest(signature, d, key)
            const fingerprint = key === publicKey ? `k${k}` : `o${k}`
            // twice: the first call per key uses the generic path, later ones the table
            expect(verifyPreKeySignature(fingerprint, key, signature, d)).toBe(expected)
            expect(verifyPreKeySignature(fingerprint, key, signature, d)).toBe(expected)
            if (expected) accepted++
          }
        }
      }
    }
    expect(accepted).toBe(6 * 5) // exactly the genuine signatures
  })

  it('checks its inputs', () => {
    const key = getPublicKey(generatePrivateKey())
    expect(() => verifyPreKeySignature('', key, new Uint8Array(64), new Uint8Array(32))).toThrow(TypeError)
    expect(() => verifyPreKeySignature('x', key, new Uint8Array(63), new Uint8Array(32))).toThrow(RangeError)
    expect(() => verifyPreKeySignature('x', key, new Uint8Array(64), new Uint8Array(31))).toThrow(RangeError)
  })
})
