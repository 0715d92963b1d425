// The two secp256k1 backends must be interchangeable byte for byte: the
// private key store's secret is a wallet signature, the node checks auth
// tokens, and peers check every signature and DH value we produce. Random
// keys and digests plus the edges (digests 0, n−1, n, 2^256−1; scalars 1 and
// n−1) go through both, directly and through secp256k1.ts, and bad input must
// fail with the same error type and message on either.
import { afterEach, describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { concatBytes, fromHex, toHex } from '../../wire/bytes.ts'
import { randomBytes } from './random.ts'
import { secp256k1Backend, setSecp256k1Backend, type Secp256k1Backend } from './backend.ts'
import { nobleBackend } from './noble-backend.ts'
import { libsecp256k1Backend, useLibsecp256k1 } from './libsecp256k1.ts'
import { instantiateLibsecp256k1 } from './libsecp256k1-wasm.ts'
import { ecdh, generatePrivateKey, getPublicKey, isValidPrivateKey, isValidPublicKey, recoverPublicKey, signDigest, verifyDigest } from './secp256k1.ts'

const N = secp256k1.Point.Fn.ORDER
const be32 = (n: bigint) => fromHex(n.toString(16).padStart(64, '0'))
const int = (bytes: Uint8Array) => BigInt('0x' + toHex(bytes))
const hex = (bytes: Uint8Array) => toHex(bytes)

const edgeDigests = [be32(0n), be32(1n), be32(N - 1n), be32(N), be32(N + 1n), new Uint8Array(32).fill(0xff)]
const edgeKeys = [be32(1n), be32(2n), be32(N - 1n), be32(N / 2n)]

/** Runs fn with `backend` installed and gives back what it returned or threw. */
function outcome(backend: Secp256k1Backend, fn: () => unknown): string {
  const previous = setSecp256k1Backend(backend)
  try {
    const value = fn()
    if (value instanceof Uint8Array) return `bytes ${hex(value)}`
    if (value && typeof value === 'object' && 'bytes' in value) {
      const signature = value as { bytes: Uint8Array; recovery: number }
      return `signature ${hex(signature.bytes)}/${signature.recovery}`
    }
    return `value ${String(value)}`
  } catch (error) {
    const e = error as Error
    return `throws ${e.constructor.name}: ${e.message}`
  } finally {
    setSecp256k1Backend(previous)
  }
}

// The same compiled libsecp256k1 twice: through tiny-secp256k1's JavaScript (Node hosts) and
// through the binding the extension's worker instantiates asynchronously.
const moduleBytes = readFileSync(join(createRequire(import.meta.url).resolve('tiny-secp256k1'), '..', '..', 'secp256k1.wasm'))
const asyncBinding = await instantiateLibsecp256k1(moduleBytes)

function signatureVariants(bytes: Uint8Array): Uint8Array[] {
  const r = int(bytes.subarray(0, 32))
  const s = int(bytes.subarray(32))
  const flipped = new Uint8Array(bytes)
  flipped[10]! ^= 0x40
  return [
    bytes,
    concatBytes(be32(r), be32(N - s)), // high-S twin
    concatBytes(be32(0n), be32(s)),
    concatBytes(be32(r), be32(0n)),
    concatBytes(be32(N), be32(s)),
    concatBytes(be32(r), be32(N)),
    concatBytes(be32(N + 5n), be32(s)),
    new Uint8Array(64).fill(0xff),
    flipped,
    randomBytes(64),
  ]
}

describe('secp256k1 backends agree', () => {
  afterEach(() => {
    setSecp256k1Backend(nobleBackend)
  })

  it('the default is noble; useLibsecp256k1 installs libsecp256k1 and returns the previous backend', () => {
    expect(secp256k1Backend()).toBe(nobleBackend)
    expect(useLibsecp256k1()).toBe(nobleBackend)
    expect(secp256k1Backend()).toBe(libsecp256k1Backend)
    expect(setSecp256k1Backend(nobleBackend)).toBe(libsecp256k1Backend)
    expect(() => setSecp256k1Backend({ name: 'half' } as never)).toThrow('backend.isValidPrivateKey must be a function')
    expect(() => setSecp256k1Backend(null as never)).toThrow(TypeError)
    expect(secp256k1Backend()).toBe(nobleBackend)
  })
})

describe.each([
  ['tiny-secp256k1', libsecp256k1Backend],
  ['the async binding', asyncBinding],
])('noble and libsecp256k1 through %s agree', (_, other) => {
  afterEach(() => {
    setSecp256k1Backend(nobleBackend)
  })

  function sameOnBoth(fn: () => unknown): string {
    const noble = outcome(nobleBackend, fn)
    expect(outcome(other, fn)).toBe(noble)
    return noble
  }

  it('public keys, signatures (bytes and recovery), recovered keys, ECDH points and verdicts are identical for random and edge inputs', () => {
    const keys = [...edgeKeys, ...Array.from({ length: 60 }, () => generatePrivateKey())]
    let recoveries = [0, 0]
    let checked = 0
    for (const [index, privateKey] of keys.entries()) {
      const publicKey = nobleBackend.getPublicKey(privateKey)
      expect(hex(other.getPublicKey(privateKey))).toBe(hex(publicKey))
      expect(other.isValidPublicKey(publicKey)).toBe(true)
      expect(nobleBackend.isValidPublicKey(publicKey)).toBe(true)

      const peer = keys[(index + 1) % keys.length]!
      const peerPublic = nobleBackend.getPublicKey(peer)
      const shared = other.ecdh(privateKey, peerPublic)
      expect(shared.length).toBe(65)
      expect(hex(shared)).toBe(hex(nobleBackend.ecdh(privateKey, peerPublic)))
      expect(hex(shared)).toBe(hex(secp256k1.getSharedSecret(privateKey, peerPublic, false)))

      const digests = index < edgeDigests.length ? [edgeDigests[index]!, randomBytes(32)] : [randomBytes(32)]
      for (const digest of digests) {
        const ours = nobleBackend.signDigest(digest, privateKey)
        const theirs = other.signDigest(digest, privateKey)
        expect(`${hex(theirs.bytes)}/${theirs.recovery}`).toBe(`${hex(ours.bytes)}/${ours.recovery}`)
        expect(int(ours.bytes.subarray(32)) <= N / 2n).toBe(true)
        recoveries[ours.recovery]!++
        const recovery = ours.recovery as 0 | 1
        expect(hex(other.recoverPublicKey(digest, ours.bytes, recovery))).toBe(hex(publicKey))
        expect(hex(nobleBackend.recoverPublicKey(digest, ours.bytes, recovery))).toBe(hex(publicKey))

        for (const variant of signatureVariants(ours.bytes)) {
          for (const [key, d] of [
            [publicKey, digest],
            [peerPublic, digest],
            [publicKey, randomBytes(32)],
          ] as const) {
            expect(other.verifyDigest(variant, d, key)).toBe(nobleBackend.verifyDigest(variant, d, key))
            checked++
          }
          // recovery of malformed or high-S signatures: same key, or an error on both
          for (const r of [0, 1] as const) sameOnBoth(() => recoverPublicKey(digest, { bytes: variant, recovery: r }))
        }
      }
    }
    expect(checked).toBeGreaterThan(1800)
    expect(recoveries[0]).toBeGreaterThan(5) // both recovery ids were exercised
    expect(recoveries[1]).toBeGreaterThan(5)
  })

  it('the high-S twin is rejected by verify on both, and still recovers to the same key on both', () => {
    const privateKey = generatePrivateKey()
    const digest = randomBytes(32)
    const { bytes, recovery } = signDigest(digest, privateKey)
    const highS = concatBytes(bytes.subarray(0, 32), be32(N - int(bytes.subarray(32))))
    for (const backend of [nobleBackend, other]) {
      expect(backend.verifyDigest(bytes, digest, getPublicKey(privateKey))).toBe(true)
      expect(backend.verifyDigest(highS, digest, getPublicKey(privateKey))).toBe(false)
    }
    const flippedRecovery = (1 - recovery) as 0 | 1
    expect(sameOnBoth(() => recoverPublicKey(digest, { bytes: highS, recovery: flippedRecovery }))).toBe(`bytes ${hex(getPublicKey(privateKey))}`)
  })

  it('through secp256k1.ts, bad input gives the same error type and message on both backends', () => {
    const good = generatePrivateKey()
    const goodPublic = getPublicKey(good)
    const digest = randomBytes(32)
    const offCurve = new Uint8Array(goodPublic)
    offCurve[64]! ^= 1
    const hybrid = new Uint8Array(goodPublic)
    hybrid[0] = 6 + (goodPublic[64]! & 1)
    const compressedPrefix = new Uint8Array(goodPublic)
    compressedPrefix[0] = 2
    const zeroX = new Uint8Array(65)
    zeroX[0] = 4
    const badKeys: unknown[] = [be32(0n), be32(N), new Uint8Array(32).fill(0xff), new Uint8Array(31), new Uint8Array(33), 'key', null, [1, 2, 3]]
    const badPoints: unknown[] = [offCurve, hybrid, compressedPrefix, zeroX, new Uint8Array(65), goodPublic.subarray(0, 64), goodPublic.subarray(0, 33), 'point', undefined]
    const outcomes = new Set<string>()
    const expectError = (fn: () => unknown) => {
      const result = sameOnBoth(fn)
      expect(result).toMatch(/^throws (TypeError|RangeError|SignatureError): /)
      outcomes.add(result)
    }
    for (const key of badKeys) {
      expectError(() => getPublicKey(key as Uint8Array))
      expectError(() => signDigest(digest, key as Uint8Array))
      expectError(() => ecdh(key as Uint8Array, goodPublic))
      sameOnBoth(() => isValidPrivateKey(key as Uint8Array))
    }
    for (const point of badPoints) {
      expectError(() => ecdh(good, point as Uint8Array))
      sameOnBoth(() => isValidPublicKey(point as Uint8Array))
      if (point instanceof Uint8Array && point.length === 65) {
        expect(sameOnBoth(() => verifyDigest(signDigest(digest, good).bytes, digest, point))).toBe('value false')
      } else {
        expectError(() => verifyDigest(new Uint8Array(64), digest, point as Uint8Array))
      }
    }
    for (const badDigest of [new Uint8Array(31), new Uint8Array(33), 'digest']) {
      expectError(() => signDigest(badDigest as Uint8Array, good))
      expectError(() => verifyDigest(new Uint8Array(64), badDigest as Uint8Array, goodPublic))
      expectError(() => recoverPublicKey(badDigest as Uint8Array, { bytes: new Uint8Array(64), recovery: 0 }))
    }
    expectError(() => recoverPublicKey(digest, { bytes: new Uint8Array(64), recovery: 0 }))
    expectError(() => recoverPublicKey(digest, { bytes: new Uint8Array(64).fill(0xff), recovery: 1 }))
    expectError(() => recoverPublicKey(digest, { bytes: new Uint8Array(64), recovery: 2 as never }))
    expectError(() => recoverPublicKey(digest, { bytes: new Uint8Array(63), recovery: 0 }))
    expectError(() => recoverPublicKey(digest, null as never))
    expectError(() => verifyDigest(new Uint8Array(65), digest, goodPublic))
    expect(outcomes).toContain('throws SignatureError: signature does not recover to a public key')
    expect(outcomes).toContain('throws RangeError: publicKey is not an uncompressed secp256k1 point')
    expect(outcomes).toContain('throws RangeError: privateKey is not a valid secp256k1 scalar')
    // error messages never carry key material
    for (const result of outcomes) expect(result).not.toContain(hex(good).slice(0, 16))
  })
})

describe('tiny-secp256k1 stays opt-in', () => {
  // Node hosts opt in at their entry point (src/node, the benches). The extension never
  // imports it: its worker binds the module itself (libsecp256k1-wasm.ts), and the library,
  // the popup, the content scripts and the page-world provider stay pure JavaScript.
  const HOST_ENTRIES = new Set<string>()
  it('outside src/node, no module but crypto/libsecp256k1.ts imports it (or that module)', () => {
    const src = fileURLToPath(new URL('../..', import.meta.url))
    const offenders: string[] = []
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) {
          if (entry.name !== 'test-support' && entry.name !== 'testing' && entry.name !== 'node' && entry.name !== 'gen') walk(path)
          continue
        }
        if (!/\.tsx?$/.test(entry.name) || /\.test\.ts$/.test(entry.name)) continue
        const file = relative(src, path)
        if (file === join('protocol', 'crypto', 'libsecp256k1.ts') || HOST_ENTRIES.has(file)) continue
        const text = readFileSync(path, 'utf8')
        if (/(from|import)\s*\(?\s*['"](tiny-secp256k1|[^'"]*\/libsecp256k1\.ts)['"]/.test(text)) offenders.push(file)
      }
    }
    walk(src)
    expect(offenders).toEqual([])
  })
})
