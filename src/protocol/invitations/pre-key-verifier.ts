// Fast ECDSA verification of V2 content signatures against a sender's pre-key
// (spec §3.4, §9 receiving step 4).
//
// Every message from one member is signed by the same pre-key, and a
// conversation has two members. Verification computes u1·G + u2·P; noble's
// generic verify decodes P afresh and multiplies it without tables. Here the
// pre-key's point is kept with a width-4 wNAF table (~520 points, built once on
// the second signature checked for that key) so u2·P costs ~65 additions
// instead of a 128-step doubling chain; u1·G uses noble's built-in base table.
// Only public keys and public scalars are involved, so the variable-time
// multiplication is appropriate. The acceptance rules are noble's (and those
// of xmtp-js / libsecp256k1): r, s in [1, n−1], low-S only, R ≠ ∞,
// R.x mod n = r. A differential test checks it against verifyDigest.
//
// The tables only serve the noble backend. With another backend installed
// (libsecp256k1: crypto/backend.ts) every signature goes to its verify, which
// is faster than noble even with a table, and no table is built.
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { verifyDigest } from '../crypto/secp256k1.ts'
import { secp256k1Backend } from '../crypto/backend.ts'
import { nobleBackend } from '../crypto/noble-backend.ts'
import { toHex } from '../../wire/bytes.ts'

type Point = InstanceType<typeof secp256k1.Point>
const { Point: PointClass, Signature } = secp256k1
const Fn = PointClass.Fn
const WINDOW = 4
const TABLE_LIMIT = 64

interface Entry {
  uses: number
  point?: Point
}
const entries = new Map<string, Entry>()

function bigintFromBytes(bytes: Uint8Array): bigint {
  return BigInt('0x' + (toHex(bytes) || '0'))
}

function verifyWithTable(point: Point, signature: Uint8Array, digest: Uint8Array): boolean {
  let r: bigint
  let s: bigint
  try {
    const parsed = Signature.fromBytes(signature, 'compact') // rejects r or s outside [1, n−1]
    if (parsed.hasHighS()) return false
    r = parsed.r
    s = parsed.s
  } catch {
    return false
  }
  // bits2int for a 256-bit digest and 256-bit order is the plain integer, then mod n.
  const h = Fn.create(bigintFromBytes(digest))
  const sInverse = Fn.inv(s)
  const R = PointClass.BASE.multiplyUnsafe(Fn.mul(h, sInverse)).add(point.multiplyUnsafe(Fn.mul(r, sInverse)))
  if (R.is0()) return false
  return Fn.create(R.toAffine().x) === r
}

/**
 * Verifies a 64-byte r‖s signature over a 32-byte digest by the 65-byte public
 * key `preKey`, identified by `fingerprint` for table reuse.
 */
export function verifyPreKeySignature(fingerprint: string, preKey: Uint8Array, signature: Uint8Array, digest: Uint8Array): boolean {
  if (typeof fingerprint !== 'string' || fingerprint.length === 0) throw new TypeError('fingerprint must be a non-empty string')
  if (!(signature instanceof Uint8Array) || signature.length !== 64) throw new RangeError('signature must be 64 bytes')
  if (!(digest instanceof Uint8Array) || digest.length !== 32) throw new RangeError('digest must be 32 bytes')
  if (secp256k1Backend() !== nobleBackend) return verifyDigest(signature, digest, preKey)
  const key = `${fingerprint}:${toHex(preKey)}`
  let entry = entries.get(key)
  if (entry) {
    entries.delete(key)
  } else {
    entry = { uses: 0 }
  }
  entries.set(key, entry)
  if (entries.size > TABLE_LIMIT) entries.delete(entries.keys().next().value!)
  entry.uses += 1
  // A key seen once may never be seen again: building its table would cost more than it saves.
  if (entry.uses === 1) return verifyDigest(signature, digest, preKey)
  entry.point ??= PointClass.fromBytes(preKey).precompute(WINDOW)
  return verifyWithTable(entry.point, signature, digest)
}

/** Drops every kept table. */
export function clearPreKeyTables(): void {
  entries.clear()
}
