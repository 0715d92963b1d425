import { describe, expect, it } from 'vitest'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { privateKeyToAccount } from 'viem/accounts'
import { fromHex, toHex, utf8 } from '../../wire/bytes.ts'
import { hkdfSha256, hmacSha256, keccak256, sha256 } from './hashes.ts'
import { ecdh, generatePrivateKey, getPublicKey, isValidPrivateKey, isValidPublicKey, recoverPublicKey, signDigest, verifyDigest } from './secp256k1.ts'
import { hashPersonalMessage, publicKeyToAddress } from './ethereum.ts'
import { SignatureError } from './errors.ts'
import { clearPeerPoints, peerPointStats, PEER_POINT_CACHE_LIMIT, PEER_POINT_PROMOTE_AFTER } from './peer-points.ts'
import { secp256k1Backend } from './backend.ts'
import { nobleBackend } from './noble-backend.ts'
import { secp256k1Backends, useSecp256k1BackendIn } from './testing/backends.ts'

const N = secp256k1.Point.CURVE().n

describe('hashes (external vectors)', () => {
  it('sha256("abc") and keccak256("") match the published digests', () => {
    expect(toHex(sha256(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(toHex(keccak256(new Uint8Array(0)))).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470')
  })
  it('HKDF-SHA256 matches RFC 5869 test case 1 and HMAC matches RFC 4231 case 2', () => {
    const okm = hkdfSha256(new Uint8Array(22).fill(0x0b), fromHex('000102030405060708090a0b0c'), fromHex('f0f1f2f3f4f5f6f7f8f9'), 42)
    expect(toHex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865')
    expect(toHex(hmacSha256(utf8('Jefe'), utf8('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    )
  })
  it('rejects non-byte input and silly lengths', () => {
    expect(() => sha256('abc' as never)).toThrow(TypeError)
    expect(() => hkdfSha256(new Uint8Array(1), new Uint8Array(0), new Uint8Array(0), 0)).toThrow(RangeError)
  })
})

describe.each(secp256k1Backends.map((backend) => [backend.name, backend] as const))('secp256k1 on the %s backend', (_name, backend) => {
  useSecp256k1BackendIn(backend)
  const privateKey = fromHex('4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318')

  it('dispatches to this backend', () => {
    expect(secp256k1Backend()).toBe(backend)
  })

  it('derives 65-byte uncompressed public keys and the matching Ethereum address (viem as external reference)', () => {
    const pub = getPublicKey(privateKey)
    expect(pub.length).toBe(65)
    expect(pub[0]).toBe(4)
    expect(publicKeyToAddress(pub)).toBe(privateKeyToAccount(`0x${toHex(privateKey)}`).address)
  })

  it('signs digests without prehashing: deterministic, low-S, recoverable, and equal to viem personal_sign', async () => {
    const digest = hashPersonalMessage('hello parley')
    const a = signDigest(digest, privateKey)
    const b = signDigest(digest, privateKey)
    expect(toHex(a.bytes)).toBe(toHex(b.bytes))
    const s = BigInt('0x' + toHex(a.bytes.subarray(32)))
    expect(s <= N / 2n).toBe(true)
    expect(toHex(recoverPublicKey(digest, a))).toBe(toHex(getPublicKey(privateKey)))
    const viemSig = await privateKeyToAccount(`0x${toHex(privateKey)}`).signMessage({ message: 'hello parley' })
    expect(viemSig.slice(2, 130)).toBe(toHex(a.bytes))
    expect(parseInt(viemSig.slice(130), 16)).toBe(27 + a.recovery)
  })

  it('verifies only the right digest and key, and rejects the high-S twin', () => {
    const digest = sha256(utf8('pre-key bytes'))
    const sig = signDigest(digest, privateKey)
    const pub = getPublicKey(privateKey)
    expect(verifyDigest(sig.bytes, digest, pub)).toBe(true)
    expect(verifyDigest(sig.bytes, sha256(utf8('other')), pub)).toBe(false)
    expect(verifyDigest(sig.bytes, digest, getPublicKey(generatePrivateKey()))).toBe(false)
    const s = BigInt('0x' + toHex(sig.bytes.subarray(32)))
    const highS = new Uint8Array(sig.bytes)
    highS.set(fromHex((N - s).toString(16).padStart(64, '0')), 32)
    expect(verifyDigest(highS, digest, pub)).toBe(false)
    expect(verifyDigest(new Uint8Array(64), digest, pub)).toBe(false)
  })

  it('ECDH yields the same 65-byte point on both sides', () => {
    const a = generatePrivateKey()
    const b = generatePrivateKey()
    const ab = ecdh(a, getPublicKey(b))
    expect(ab.length).toBe(65)
    expect(toHex(ab)).toBe(toHex(ecdh(b, getPublicKey(a))))
  })

  it('rejects bad inputs with labelled errors', () => {
    expect(() => getPublicKey(new Uint8Array(31))).toThrow('privateKey must be 32 bytes')
    expect(() => getPublicKey(new Uint8Array(32))).toThrow(RangeError)
    expect(() => signDigest(new Uint8Array(33), privateKey)).toThrow('digest must be 32 bytes')
    expect(() => ecdh(privateKey, getPublicKey(privateKey).subarray(0, 33))).toThrow('publicKey must be 65 bytes')
    const offCurve = getPublicKey(privateKey)
    offCurve[64] = offCurve[64]! ^ 1
    expect(() => ecdh(privateKey, offCurve)).toThrow(RangeError)
    expect(() => recoverPublicKey(new Uint8Array(32), { bytes: new Uint8Array(64), recovery: 0 })).toThrow(SignatureError)
    expect(() => recoverPublicKey(new Uint8Array(32), { bytes: new Uint8Array(64), recovery: 2 as never })).toThrow(RangeError)
  })

  it('accepts only the 0x04 encoding of a point (libsecp256k1 alone would also parse hybrid 0x06/0x07 keys)', () => {
    const pub = getPublicKey(privateKey)
    const hybrid = new Uint8Array(pub)
    hybrid[0] = 6 + (pub[64]! & 1)
    const digest = sha256(utf8('hybrid'))
    const sig = signDigest(digest, privateKey)
    expect(isValidPublicKey(pub)).toBe(true)
    expect(isValidPublicKey(hybrid)).toBe(false)
    expect(verifyDigest(sig.bytes, digest, pub)).toBe(true)
    expect(verifyDigest(sig.bytes, digest, hybrid)).toBe(false)
    expect(() => ecdh(generatePrivateKey(), hybrid)).toThrow('publicKey is not an uncompressed secp256k1 point')
  })

  it('tells valid private keys from 0, n and beyond', () => {
    const be32 = (n: bigint) => fromHex(n.toString(16).padStart(64, '0'))
    expect(isValidPrivateKey(privateKey)).toBe(true)
    expect(isValidPrivateKey(be32(1n))).toBe(true)
    expect(isValidPrivateKey(be32(N - 1n))).toBe(true)
    expect(isValidPrivateKey(be32(0n))).toBe(false)
    expect(isValidPrivateKey(be32(N))).toBe(false)
    expect(isValidPrivateKey(new Uint8Array(32).fill(0xff))).toBe(false)
    expect(() => signDigest(new Uint8Array(32), be32(N))).toThrow('privateKey is not a valid secp256k1 scalar')
  })
})

describe('ecdh with cached peer points (noble backend)', () => {
  useSecp256k1BackendIn(nobleBackend)
  it('matches noble getSharedSecret before and after a peer point is promoted to a table', () => {
    clearPeerPoints()
    const peer = generatePrivateKey()
    const peerPublic = getPublicKey(peer)
    for (let i = 0; i < PEER_POINT_PROMOTE_AFTER + 3; i++) {
      const mine = generatePrivateKey()
      expect(toHex(ecdh(mine, peerPublic))).toBe(toHex(secp256k1.getSharedSecret(mine, peerPublic, false)))
    }
    expect(peerPointStats()).toEqual({ points: 1, tables: 1 })
  })

  it('keys the cache by content: a caller mutating its buffer afterwards changes nothing', () => {
    clearPeerPoints()
    const mine = generatePrivateKey()
    const peerPublic = getPublicKey(generatePrivateKey())
    const buffer = new Uint8Array(peerPublic)
    const first = ecdh(mine, buffer)
    buffer.set(getPublicKey(generatePrivateKey()))
    expect(toHex(ecdh(mine, peerPublic))).toBe(toHex(first))
    expect(toHex(ecdh(mine, buffer))).toBe(toHex(secp256k1.getSharedSecret(mine, buffer, false)))
  })

  it('never caches a failure and stays bounded', () => {
    clearPeerPoints()
    const mine = generatePrivateKey()
    const offCurve = getPublicKey(generatePrivateKey())
    offCurve[64] = offCurve[64]! ^ 1
    for (let i = 0; i < 3; i++) expect(() => ecdh(mine, offCurve)).toThrow('publicKey is not an uncompressed secp256k1 point')
    const compressedPrefix = getPublicKey(generatePrivateKey())
    compressedPrefix[0] = 2
    expect(() => ecdh(mine, compressedPrefix)).toThrow(RangeError)
    expect(peerPointStats().points).toBe(0)
    for (let i = 0; i < PEER_POINT_CACHE_LIMIT + 5; i++) ecdh(mine, getPublicKey(generatePrivateKey()))
    expect(peerPointStats().points).toBe(PEER_POINT_CACHE_LIMIT)
  })
})
