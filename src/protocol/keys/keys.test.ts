// Identity keys and bundles against external vectors: spec §15.1/§15.2 and
// bundles/secrets produced by xmtp-js 13 itself.
import { createRequire } from 'node:module'
import { beforeAll, describe, expect, it } from 'vitest'
import Long from 'long'
import { xmtp } from '../../gen/proto.js'
import { fromHex, toHex } from '../../wire/bytes.ts'
import { recoverWalletAddress } from '../crypto/ethereum.ts'
import { KeyBundleError } from './errors.ts'
import { consentProofText, createIdentityText, enableIdentityText } from './signature-texts.ts'
import { PrivateKeySigner, type Signer } from './signer.ts'
import { PrivateKeyBundleV1 } from './private-bundle.ts'
import {
  encodeLegacyBundle,
  encodeSignedBundle,
  legacyBundleFromSigned,
  legacyBundlesEqual,
  signedBundleFromLegacy,
  verifyLegacyBundle,
  verifyPublicKeyBundle,
  verifySignedBundle,
} from './bundles.ts'
import { legacyIdentityKeyAddress, legacyKeyFromSigned, legacyUnsignedKeyBytes, signedIdentityKeyAddress, signedKeyFromLegacy, verifyLegacyPreKey } from './public-keys.ts'
import { threeDh } from './three-dh.ts'

const xmtpjs = createRequire(import.meta.url)('@xmtp/xmtp-js')
const pb = xmtp.message_contents

export const ALICE_BUNDLE_HEX =
  '0a8a030ac20108c192a3f7923112220a2068d2eb2ef8c50c4916b42ce638c5610e44ff4eb3ecb098c9dacf032625c72f101a940108c192a3f7923112460a440a40fc9822283078c323c9319c45e60ab42c65f6e1744ed8c23c52728d456d33422824c98d307e8b1c86a26826578523ba15fe6f04a17fca176664ee8017ec8ba59310011a430a410498dc2315dd45d99f5e900a071e7b56142de344540f07fbc73a0f9a5d5df6b52eb85db06a3825988ab5e04746bc221fcdf5310a44d9523009546d4bfbfbb89cfb12c20108eb92a3f7923112220a20788be9da8e1a1a08b05f7cbf22d86980bc056b130c482fa5bd26ccb8d29b30451a940108eb92a3f7923112460a440a40a7afa25cb6f3fbb98f9e5cd92a1df1898452e0dfa1d7e5affe9eaf9b72dd14bc546d86c399768badf983f07fa7dd16eee8d793357ce6fccd676807d87bcc595510011a430a410422931e6295c3c93a5f6f5e729dc02e1754e916cb9be16d36dc163a300931f42a0cd5fde957d75c2068e1980c5f86843daf16aba8ae57e8160b8b9f0191def09e'
export const BOB_BUNDLE_HEX =
  '0a88030ac001088cd68df7923112220a209057f8d813314a2aae74e6c4c30f909c1c496b6037ce32a12c613558a8e961681a9201088cd68df7923112440a420a40501ae9b4f75d5bb5bae3ca4ecfda4ede9edc5a9b7fc2d56dc7325b837957c23235cc3005b46bb9ef485f106404dcf71247097ed509635590f4b7987b833d03661a430a4104e61a7ae511567f4a2b5551221024b6932d6cdb8ecf3876ec64cf29be4291dd5428fc0301963cdf6939978846e2c35fd38fcb70c64296a929f166ef6e4e91045712c20108b8d68df7923112220a2027707399474d417bf6aae4baa3d73b285bf728353bc3e156b0e32461ebb48f8c1a940108b8d68df7923112460a440a40fb96fa38c3f013830abb61cf6b39776e0475eb1379c66013569c3d2daecdd48c7fbee945dcdbdc5717d1f4ffd342c4d3f1b7215912829751a94e3ae11007e0a110011a430a4104952b7158cfe819d92743a4132e2e3ae867d72f6a08292aebf471d0a7a2907f3e9947719033e20edc9ca9665874bd88c64c6b62c01928065f6069c5c80c699924'

describe('signature texts (§3.2, §15.2, §15.5)', () => {
  it('reproduces the upstream texts exactly', () => {
    const unsigned = fromHex('08aaa9dad3ed2f1a430a4104e208133ea0973a9968fe5362e5ac0a8bbbe2aa16d796add31f3d027a1b894389873d7f282163bceb1fc3ca60d589d1e667956c40fed4cdaa7edc1392d2100b8a')
    expect(createIdentityText(unsigned)).toBe(
      'XMTP : Create Identity\n08aaa9dad3ed2f1a430a4104e208133ea0973a9968fe5362e5ac0a8bbbe2aa16d796add31f3d027a1b894389873d7f282163bceb1fc3ca60d589d1e667956c40fed4cdaa7edc1392d2100b8a\n\nFor more info: https://xmtp.org/signatures/',
    )
    expect(enableIdentityText(fromHex('f51bd1da9ec2239723ae2cf6a9f8d0ac37546b27e634002c653d23bacfcc67ad'))).toBe(
      'XMTP : Enable Identity\nf51bd1da9ec2239723ae2cf6a9f8d0ac37546b27e634002c653d23bacfcc67ad\n\nFor more info: https://xmtp.org/signatures/',
    )
    expect(consentProofText('0x1234567890abcdef', 1581663600000)).toBe(
      'XMTP : Grant inbox consent to sender\n\nCurrent Time: Fri, 14 Feb 2020 07:00:00 GMT\nFrom Address: 0x1234567890abcdef\n\nFor more info: https://xmtp.org/signatures/',
    )
    expect(() => enableIdentityText(new Uint8Array(31))).toThrow(RangeError)
  })
})

describe('§15.1 vector bundles', () => {
  const alice = PrivateKeyBundleV1.decode(fromHex(ALICE_BUNDLE_HEX))
  const bob = PrivateKeyBundleV1.decode(fromHex(BOB_BUNDLE_HEX))

  it('decode, re-encode byte-identically, and recover the documented wallet addresses', () => {
    expect(toHex(alice.encode())).toBe(ALICE_BUNDLE_HEX)
    expect(toHex(bob.encode())).toBe(BOB_BUNDLE_HEX)
    expect(alice.walletAddress).toBe('0xF56d1F3b1290204441Cb3843C2Cac1C2f5AEd690')
    expect(bob.walletAddress).toBe('0x3De402A325323Bb97f00cE3ad5bFAc96A11F9A34')
    expect(alice.identityKey.publicKey.signature!.ecdsaCompact!.recovery).toBe(1)
    expect(bob.identityKey.publicKey.signature!.ecdsaCompact!.recovery ?? 0).toBe(0)
    expect(Long.fromValue(alice.identityKey.publicKey.timestamp!).toString()).toBe('1688709155137')
  })

  it('public bundles verify in legacy and derived signed form, and convert back losslessly', () => {
    for (const b of [alice, bob]) {
      const legacy = b.getPublicKeyBundle()
      expect(verifyLegacyBundle(legacy)).toBe(b.walletAddress)
      const signed = b.getSignedPublicKeyBundle()
      expect(signed.identityKey.signature!.walletEcdsaCompact).toBeTruthy()
      expect(signed.preKey.signature!.ecdsaCompact).toBeTruthy()
      expect(verifySignedBundle(signed)).toBe(b.walletAddress)
      expect(verifyPublicKeyBundle(signed)).toBe(b.walletAddress)
      expect(legacyBundlesEqual(legacyBundleFromSigned(signed), legacy)).toBe(true)
      // xmtp-js derives the same signed bundle bytes.
      const theirs = xmtpjs.SignedPublicKeyBundle.fromLegacyBundle(xmtpjs.PublicKeyBundle.fromBytes(encodeLegacyBundle(legacy)))
      expect(toHex(theirs.toBytes())).toBe(toHex(encodeSignedBundle(signed)))
    }
  })

  it('3DH gives both sides the same 195-byte secret, equal to xmtp-js', async () => {
    const sender = alice.sharedSecret(bob.getPublicKeyBundle(), alice.currentPreKey.publicKey.secp256k1Uncompressed!.bytes!, false)
    const recipient = bob.sharedSecret(alice.getSignedPublicKeyBundle(), bob.currentPreKey.publicKey.secp256k1Uncompressed!.bytes!, true)
    expect(sender.length).toBe(195)
    expect(toHex(sender)).toBe(toHex(recipient))
    const theirAlice = new xmtpjs.PrivateKeyBundleV1(pb.PrivateKeyBundle.decode(fromHex(ALICE_BUNDLE_HEX)).v1)
    const theirs: Uint8Array = await theirAlice.sharedSecret(xmtpjs.PublicKeyBundle.fromBytes(encodeLegacyBundle(bob.getPublicKeyBundle())), theirAlice.getCurrentPreKey().publicKey, false)
    expect(toHex(theirs)).toBe(toHex(sender))
    // The role swap matters: the sender order differs from the recipient order.
    const wrongRole = alice.sharedSecret(bob.getPublicKeyBundle(), alice.currentPreKey.publicKey.secp256k1Uncompressed!.bytes!, true)
    expect(toHex(wrongRole)).not.toBe(toHex(sender))
  })
})

describe('identity creation', () => {
  const wallet = new PrivateKeySigner(fromHex('8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f'))
  let ours: PrivateKeyBundleV1
  beforeAll(async () => {
    ours = await PrivateKeyBundleV1.generate(wallet, { nowMs: 1_700_000_000_000 })
  })

  it('PrivateKeySigner signs like an EIP-191 wallet (v = 27/28, deterministic)', async () => {
    const a = await wallet.signMessage('hi')
    expect(a).toMatch(/^0x[0-9a-f]{128}(1b|1c)$/)
    expect(await wallet.signMessage('hi')).toBe(a)
    expect(recoverWalletAddress('hi', a)).toBe(await wallet.getAddress())
    expect(() => new PrivateKeySigner(new Uint8Array(31))).toThrow(RangeError)
  })

  it('creates a bundle exactly shaped like xmtp-js 13 and xmtp-js accepts it', async () => {
    expect(ours.walletAddress).toBe(wallet.address)
    expect(ours.preKeys.length).toBe(1)
    expect(ours.identityKey.publicKey.signature!.ecdsaCompact).toBeTruthy()
    expect(verifyLegacyBundle(ours.getPublicKeyBundle())).toBe(wallet.address)
    const bytes = ours.encode()
    const theirs = new xmtpjs.PrivateKeyBundleV1(pb.PrivateKeyBundle.decode(bytes).v1)
    expect(toHex(theirs.encode())).toBe(toHex(bytes))
    expect(await Promise.resolve(theirs.getPublicKeyBundle().walletSignatureAddress())).toBe(wallet.address)
    expect(await theirs.identityKey.publicKey.verifyKey(theirs.getCurrentPreKey().publicKey)).toBe(true)
  })

  it('decodes and verifies a bundle created by xmtp-js 13 from the same wallet', async () => {
    const theirs = await xmtpjs.PrivateKeyBundleV1.generate(wallet)
    const decoded = PrivateKeyBundleV1.decode(theirs.encode())
    expect(decoded.walletAddress).toBe(wallet.address)
    expect(toHex(decoded.encode())).toBe(toHex(theirs.encode()))
    expect(verifySignedBundle(decoded.getSignedPublicKeyBundle())).toBe(wallet.address)
  })

  it("a new identity's seeded wallet address and bundle memo agree with independent checks", async () => {
    const fresh = await PrivateKeyBundleV1.generate(wallet)
    expect(fresh.walletAddress).toBe(legacyIdentityKeyAddress(fresh.identityKey.publicKey))
    expect(verifyLegacyPreKey(fresh.currentPreKey.publicKey, fresh.identityKey.publicKey)).toBe(true)
    expect(PrivateKeyBundleV1.decode(fresh.encode()).walletAddress).toBe(wallet.address)
  })

  it('refuses a wallet whose signature does not recover to its address', async () => {
    const liar: Signer = { getAddress: async () => '0x0000000000000000000000000000000000000001', signMessage: (m) => wallet.signMessage(m) }
    await expect(PrivateKeyBundleV1.generate(liar)).rejects.toMatchObject({ name: 'KeyBundleError', reason: 'bad-wallet-signature' })
    await expect(PrivateKeyBundleV1.generate({} as Signer)).rejects.toThrow(TypeError)
  })

  it('destroy() zeroes the private keys', async () => {
    const b = await PrivateKeyBundleV1.generate(wallet)
    const key = b.identityKey.privateKey
    b.destroy()
    expect(key.every((x) => x === 0)).toBe(true)
  })
})

describe('negative paths', () => {
  const alice = () => PrivateKeyBundleV1.decode(fromHex(ALICE_BUNDLE_HEX))
  const bob = () => PrivateKeyBundleV1.decode(fromHex(BOB_BUNDLE_HEX))

  it('a forged wallet signature recovers another address (so bundles claim the wrong wallet)', () => {
    const legacy = alice().getPublicKeyBundle()
    const sig = legacy.identityKey.signature!.ecdsaCompact!
    const flipped = new Uint8Array(sig.bytes!)
    flipped[5] = flipped[5]! ^ 0xff
    const forged = { ...legacy, identityKey: pb.PublicKey.create({ ...legacy.identityKey, signature: { ecdsaCompact: { bytes: flipped, recovery: sig.recovery } } }) }
    let address: string | undefined
    try {
      address = verifyLegacyBundle(forged)
    } catch (error) {
      expect(error).toBeInstanceOf(KeyBundleError)
    }
    expect(address).not.toBe(alice().walletAddress)
  })

  it('a pre-key not signed by the identity key is rejected in both forms and in 3DH', () => {
    const a = alice().getPublicKeyBundle()
    const b = bob().getPublicKeyBundle()
    const mixed = { identityKey: a.identityKey, preKey: b.preKey }
    expect(() => verifyLegacyBundle(mixed)).toThrow(expect.objectContaining({ reason: 'bad-pre-key-signature' }))
    const signedMixed = { identityKey: signedKeyFromLegacy(a.identityKey, 'identity'), preKey: signedKeyFromLegacy(b.preKey, 'preKey') }
    expect(() => verifySignedBundle(signedMixed)).toThrow(expect.objectContaining({ reason: 'bad-pre-key-signature' }))
    const me = bob()
    expect(() => me.sharedSecret(mixed, me.currentPreKey.publicKey.secp256k1Uncompressed!.bytes!, false)).toThrow(KeyBundleError)
    expect(() => me.sharedSecret(a, a.preKey.secp256k1Uncompressed!.bytes!, false)).toThrow(expect.objectContaining({ reason: 'no-matching-pre-key' }))
  })

  it('memoised verification never turns a failure into a success', () => {
    const a = alice().getPublicKeyBundle()
    const b = bob().getPublicKeyBundle()
    expect(verifyLegacyBundle(a)).toBe(alice().walletAddress)
    expect(verifyLegacyBundle(a)).toBe(alice().walletAddress) // served from the memo
    const forgedPreKey = pb.PublicKey.create({ ...a.preKey, signature: b.preKey.signature })
    for (let i = 0; i < 2; i++) {
      expect(() => verifyLegacyBundle({ identityKey: a.identityKey, preKey: forgedPreKey })).toThrow(expect.objectContaining({ reason: 'bad-pre-key-signature' }))
    }
    const signed = alice().getSignedPublicKeyBundle()
    expect(verifySignedBundle(signed)).toBe(alice().walletAddress)
    const otherSig = bob().getSignedPublicKeyBundle().preKey.signature
    expect(() => verifySignedBundle({ identityKey: signed.identityKey, preKey: { keyBytes: signed.preKey.keyBytes, signature: otherSig } })).toThrow(KeyBundleError)
  })

  it('signed identity keys must use the wallet arm; non-legacy keys do not convert back', () => {
    const signed = alice().getSignedPublicKeyBundle()
    const wrongArm = { ...signed, identityKey: { ...signed.identityKey, signature: { ecdsaCompact: signed.identityKey.signature!.walletEcdsaCompact } } }
    expect(() => verifySignedBundle(wrongArm)).toThrow(KeyBundleError)
    const nsKeyBytes = pb.UnsignedPublicKey.encode({ createdNs: Long.fromString('1700000000000000000', true), secp256k1Uncompressed: { bytes: alice().currentPreKey.publicKey.secp256k1Uncompressed!.bytes! } }).finish()
    expect(() => legacyKeyFromSigned({ keyBytes: nsKeyBytes, signature: signed.preKey.signature }, 'preKey')).toThrow(expect.objectContaining({ reason: 'not-legacy' }))
  })

  it('malformed protobufs and inconsistent private bundles throw KeyBundleError', () => {
    expect(() => PrivateKeyBundleV1.decode(Uint8Array.of(0x0a, 0x20, 1, 2))).toThrow(KeyBundleError)
    expect(() => PrivateKeyBundleV1.decode(pb.PrivateKeyBundle.encode({ v2: { identityKey: {} } }).finish())).toThrow(/V2 is not supported/)
    const proto = pb.PrivateKeyBundle.decode(fromHex(ALICE_BUNDLE_HEX)).v1!
    const swapped = { identityKey: { ...proto.identityKey, secp256k1: proto.preKeys![0]!.secp256k1 }, preKeys: proto.preKeys }
    expect(() => PrivateKeyBundleV1.fromProto(swapped)).toThrow(/does not match its private key/)
    const noPreKeys = { identityKey: proto.identityKey, preKeys: [] }
    expect(() => PrivateKeyBundleV1.fromProto(noPreKeys)).toThrow(KeyBundleError)
    expect(() => verifyLegacyBundle({ identityKey: proto.identityKey!.publicKey })).toThrow(expect.objectContaining({ reason: 'malformed' }))
    expect(() => verifyLegacyPreKey(null as never, proto.identityKey!.publicKey!)).toThrow('preKey must be a PublicKey')
    expect(() => legacyIdentityKeyAddress(undefined as never)).toThrow(TypeError)
    expect(() => signedIdentityKeyAddress(null as never)).toThrow(TypeError)
    const shortKey = pb.PublicKey.create({ timestamp: Long.fromNumber(1, true), secp256k1Uncompressed: { bytes: new Uint8Array(33) } })
    expect(() => legacyUnsignedKeyBytes(shortKey)).toThrow(KeyBundleError)
  })

  it('threeDh checks its inputs', () => {
    expect(() => threeDh({ identityPrivateKey: new Uint8Array(32), preKeyPrivateKey: new Uint8Array(32), peerIdentityKey: new Uint8Array(65), peerPreKey: new Uint8Array(65), isRecipient: false })).toThrow(RangeError)
    expect(() => threeDh({ isRecipient: 'yes' } as never)).toThrow(TypeError)
  })

  it('legacy→signed conversion keeps ms timestamps (created_ns < 10^18) and unsigned bytes verbatim', () => {
    const legacy = alice().getPublicKeyBundle()
    const signed = signedBundleFromLegacy(legacy)
    expect(toHex(signed.identityKey.keyBytes!)).toBe(toHex(legacyUnsignedKeyBytes(legacy.identityKey)))
  })
})
