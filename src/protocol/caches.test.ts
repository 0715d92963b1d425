// clearCryptoCaches must make the next verification and the next ECDH start
// cold. The expensive primitives are wrapped (still the real functions) so the
// test can count how often each cache lets work through.
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { sha256 } from '@noble/hashes/sha2.js'
import { clearCryptoCaches } from './caches.ts'
import { ecdh, generatePrivateKey, getPublicKey, signDigest, verifyDigest } from './crypto/secp256k1.ts'
import { peerPointStats, PEER_POINT_PROMOTE_AFTER } from './crypto/peer-points.ts'
import { signedIdentityKeyAddress, verifySignedPreKey } from './keys/public-keys.ts'
import { clearBundleVerificationMemo, rememberVerifiedLegacyBundle, verifyLegacyBundle, verifySignedBundle as verifySignedBundleAddress } from './keys/bundles.ts'
import { PrivateKeyBundleV1 } from './keys/private-bundle.ts'
import { PrivateKeySigner } from './keys/signer.ts'
import { verifySignedBundle } from './invitations/verified-bundle.ts'
import { verifyPreKeySignature } from './invitations/pre-key-verifier.ts'
import { setSecp256k1Backend } from './crypto/backend.ts'
import { nobleBackend } from './crypto/noble-backend.ts'
import { libsecp256k1Backend } from './crypto/libsecp256k1.ts'

vi.mock('./keys/public-keys.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('./keys/public-keys.ts')>()
  return { ...original, signedIdentityKeyAddress: vi.fn(original.signedIdentityKeyAddress), verifySignedPreKey: vi.fn(original.verifySignedPreKey) }
})
vi.mock('./crypto/secp256k1.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('./crypto/secp256k1.ts')>()
  return { ...original, verifyDigest: vi.fn(original.verifyDigest) }
})

const walletRecoveries = () => vi.mocked(signedIdentityKeyAddress).mock.calls.length
const preKeyChecks = () => vi.mocked(verifySignedPreKey).mock.calls.length

async function newIdentity(): Promise<PrivateKeyBundleV1> {
  return PrivateKeyBundleV1.generate(new PrivateKeySigner(generatePrivateKey()))
}

describe('clearCryptoCaches', () => {
  beforeEach(() => {
    clearCryptoCaches()
    vi.clearAllMocks()
  })

  it('the keys and invitation layers share one memo of signed-bundle verification, and clearing it forces a recomputation', async () => {
    const identity = await newIdentity()
    const signed = identity.getSignedPublicKeyBundle()
    vi.clearAllMocks()

    expect(verifySignedBundleAddress(signed)).toBe(identity.walletAddress)
    expect([walletRecoveries(), preKeyChecks()]).toEqual([1, 1])
    const view = verifySignedBundle(signed)
    expect(view.walletAddress).toBe(identity.walletAddress)
    expect(verifySignedBundle(signed)).toBe(view)
    expect([walletRecoveries(), preKeyChecks()]).toEqual([1, 1]) // served by the keys memo both times

    clearCryptoCaches()
    const again = verifySignedBundle(signed)
    expect([walletRecoveries(), preKeyChecks()]).toEqual([2, 2])
    expect(again).not.toBe(view)
    expect(again).toEqual(view)
    expect(Object.isFrozen(again)).toBe(true)
    expect(verifySignedBundleAddress(signed)).toBe(identity.walletAddress)
    expect([walletRecoveries(), preKeyChecks()]).toEqual([2, 2])
  })

  it('a view kept by the invitation layer still asks the keys memo, so clearing that memo alone is enough to re-verify', async () => {
    const identity = await newIdentity()
    const signed = identity.getSignedPublicKeyBundle()
    const view = verifySignedBundle(signed)
    vi.clearAllMocks()
    clearBundleVerificationMemo()
    expect(verifySignedBundle(signed)).toBe(view)
    expect([walletRecoveries(), preKeyChecks()]).toEqual([1, 1])
  })

  it('a (deliberately wrong) memoised result is served until the caches are cleared', async () => {
    const identity = await newIdentity()
    const legacy = identity.getPublicKeyBundle()
    const other = await newIdentity()
    rememberVerifiedLegacyBundle({ identityKey: legacy.identityKey, preKey: legacy.preKey }, other.walletAddress)
    expect(verifyLegacyBundle(legacy)).toBe(other.walletAddress)
    clearCryptoCaches()
    expect(verifyLegacyBundle(legacy)).toBe(identity.walletAddress)
  })

  it('drops the pre-key signature tables (noble backend)', () => {
    const previous = setSecp256k1Backend(nobleBackend)
    onTestFinished(() => void setSecp256k1Backend(previous))
    const key = generatePrivateKey()
    const publicKey = getPublicKey(key)
    const digest = sha256(Uint8Array.of(1, 2, 3))
    const signature = signDigest(digest, key).bytes
    const plainVerifications = () => vi.mocked(verifyDigest).mock.calls.length
    expect(verifyPreKeySignature('fp', publicKey, signature, digest)).toBe(true)
    expect(verifyPreKeySignature('fp', publicKey, signature, digest)).toBe(true) // second use: table
    expect(plainVerifications()).toBe(1)
    clearCryptoCaches()
    expect(verifyPreKeySignature('fp', publicKey, signature, digest)).toBe(true) // seen once again: plain
    expect(plainVerifications()).toBe(2)
  })

  it('with the libsecp256k1 backend, pre-key signatures all go to its verify and no table or peer point is kept', () => {
    const previous = setSecp256k1Backend(libsecp256k1Backend)
    onTestFinished(() => void setSecp256k1Backend(previous))
    const key = generatePrivateKey()
    const publicKey = getPublicKey(key)
    const digest = sha256(Uint8Array.of(4, 5, 6))
    const signature = signDigest(digest, key).bytes
    for (let i = 0; i < 4; i++) expect(verifyPreKeySignature('fp', publicKey, signature, digest)).toBe(true)
    expect(verifyPreKeySignature('fp', publicKey, signature, sha256(Uint8Array.of(7)))).toBe(false)
    expect(vi.mocked(verifyDigest).mock.calls.length).toBe(5)
    const peerPublic = getPublicKey(generatePrivateKey())
    for (let i = 0; i <= PEER_POINT_PROMOTE_AFTER + 1; i++) ecdh(generatePrivateKey(), peerPublic)
    expect(peerPointStats()).toEqual({ points: 0, tables: 0 })
  })

  it('drops the ECDH peer points and their tables (noble backend)', () => {
    const previous = setSecp256k1Backend(nobleBackend)
    onTestFinished(() => void setSecp256k1Backend(previous))
    const peerPublic = getPublicKey(generatePrivateKey())
    for (let i = 0; i <= PEER_POINT_PROMOTE_AFTER; i++) ecdh(generatePrivateKey(), peerPublic)
    expect(peerPointStats()).toEqual({ points: 1, tables: 1 })
    clearCryptoCaches()
    expect(peerPointStats()).toEqual({ points: 0, tables: 0 })
  })
})
