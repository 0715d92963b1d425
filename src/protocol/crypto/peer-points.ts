// Decoded peer public keys for ECDH, kept in a small LRU.
//
// Why: a peer's identity key and pre-key come back with every V1 message header
// and every invitation, and each 3DH multiplies by the same two peer points
// (the pre-key twice). Decoding and validating a point is cheap; the win is the
// scalar multiplication. noble multiplies an unseen point with a one-shot
// fixed-window ladder, but a point that carries a precomputed wNAF table
// (Point#precompute) is multiplied with additions only, still constant-time in
// the secret scalar and still blinded. Measured on this machine (W = 4): the
// table costs about three plain ECDHs to build and ~118 KiB to keep, and each
// later multiplication takes about a quarter of a plain one. So a point gets a
// table only once it has been seen PROMOTE_AFTER times, and at most
// CACHE_LIMIT points are kept (≈ 4 MiB worst case). Only public data is kept:
// the points and their multiples, never a scalar or a shared secret.
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { toHex } from '../../wire/bytes.ts'

type Point = InstanceType<typeof secp256k1.Point>

export const PEER_POINT_CACHE_LIMIT = 32
/** A point is given a table on its third multiplication. */
export const PEER_POINT_PROMOTE_AFTER = 2
/** Window width of a peer table; see the measurements above. */
export const PEER_POINT_WINDOW = 4

interface Entry {
  point: Point
  uses: number
}

const entries = new Map<string, Entry>()

/**
 * The validated point for a 65-byte uncompressed key. Throws (noble's Error)
 * when the bytes are not a point on the curve; failures are never cached.
 */
export function peerPoint(publicKey: Uint8Array): Point {
  const key = toHex(publicKey)
  let entry = entries.get(key)
  if (entry) {
    entries.delete(key) // re-insert below: Map order is the recency order
  } else {
    const point = secp256k1.Point.fromBytes(publicKey) // checks the curve equation
    if (point.is0()) throw new RangeError('publicKey is the point at infinity')
    entry = { point, uses: 0 }
    if (entries.size >= PEER_POINT_CACHE_LIMIT) entries.delete(entries.keys().next().value as string)
  }
  entries.set(key, entry)
  entry.uses++
  if (entry.uses === PEER_POINT_PROMOTE_AFTER + 1) entry.point.precompute(PEER_POINT_WINDOW)
  return entry.point
}

/** Forgets every cached point (tests; or to release the memory). */
export function clearPeerPoints(): void {
  entries.clear()
}

/** Number of cached points and how many carry a table (tests, diagnostics). */
export function peerPointStats(): { points: number; tables: number } {
  let tables = 0
  for (const entry of entries.values()) if (entry.uses > PEER_POINT_PROMOTE_AFTER) tables++
  return { points: entries.size, tables }
}
