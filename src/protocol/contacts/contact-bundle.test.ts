import { createRequire } from 'node:module'
import { beforeAll, describe, expect, it } from 'vitest'
import { xmtp } from '../../gen/proto.js'
import { fromHex, toHex } from '../../wire/bytes.ts'
import { PrivateKeyBundleV1 } from '../keys/private-bundle.ts'
import { PrivateKeySigner } from '../keys/signer.ts'
import { encodeLegacyBundle, encodeSignedBundle, legacyBundlesEqual } from '../keys/bundles.ts'
import {
  ContactBundleError,
  contactLegacyBundle,
  contactPayloads,
  decodeContactBundle,
  needsPublish,
  selectContact,
  verifyContact,
} from './contact-bundle.ts'

const xmtpjs = createRequire(import.meta.url)('@xmtp/xmtp-js')
const pb = xmtp.message_contents

describe('contact bundles (§6)', () => {
  const aliceWallet = new PrivateKeySigner(new Uint8Array(32).fill(0x51))
  const bobWallet = new PrivateKeySigner(new Uint8Array(32).fill(0x52))
  let alice: PrivateKeyBundleV1
  let aliceRotated: PrivateKeyBundleV1
  let bob: PrivateKeyBundleV1

  beforeAll(async () => {
    alice = await PrivateKeyBundleV1.generate(aliceWallet)
    aliceRotated = await PrivateKeyBundleV1.generate(aliceWallet)
    bob = await PrivateKeyBundleV1.generate(bobWallet)
  })

  it('builds the v1 then v2 payloads; xmtp-js decodes both to the bundles it would derive itself', () => {
    const [v1, v2] = contactPayloads(alice)
    const theirV1 = xmtpjs.decodeContactBundle(v1)
    const theirV2 = xmtpjs.decodeContactBundle(v2)
    expect(toHex(theirV1.toBytes())).toBe(toHex(encodeLegacyBundle(alice.getPublicKeyBundle())))
    const derived = xmtpjs.SignedPublicKeyBundle.fromLegacyBundle(xmtpjs.PublicKeyBundle.fromBytes(encodeLegacyBundle(alice.getPublicKeyBundle())))
    expect(toHex(theirV2.toBytes())).toBe(toHex(derived.toBytes()))
    expect(decodeContactBundle(v1).version).toBe('v1')
    expect(verifyContact(decodeContactBundle(v2)).walletAddress).toBe(aliceWallet.address)
  })

  it('reads contacts published by xmtp-js and bare PublicKeyBundles from the oldest clients', async () => {
    const theirs = await xmtpjs.PrivateKeyBundleV1.generate(bobWallet)
    const legacy = pb.PublicKeyBundle.decode(theirs.getPublicKeyBundle().toBytes())
    const bare = encodeLegacyBundle(legacy)
    const decoded = decodeContactBundle(bare)
    expect(decoded.version).toBe('v1')
    expect(verifyContact(decoded).walletAddress).toBe(bobWallet.address)
    const wrappedV2 = pb.ContactBundle.encode({ v2: { keyBundle: pb.SignedPublicKeyBundle.decode(xmtpjs.SignedPublicKeyBundle.fromLegacyBundle(theirs.getPublicKeyBundle()).toBytes()) } }).finish()
    expect(selectContact([wrappedV2], bobWallet.address.toLowerCase())?.walletAddress).toBe(bobWallet.address)
  })

  it('selects the newest valid contact for the requested address, skipping junk, forgeries and other wallets', () => {
    const [, aliceV2] = contactPayloads(alice)
    const [, rotatedV2] = contactPayloads(aliceRotated)
    const [bobV1] = contactPayloads(bob)
    // Bob publishing to Alice's topic with a bundle that claims nothing about Alice.
    const forged = pb.ContactBundle.encode({
      v1: { keyBundle: { identityKey: bob.getPublicKeyBundle().identityKey, preKey: alice.getPublicKeyBundle().preKey } },
    }).finish()
    const chosen = selectContact([Uint8Array.of(0xff, 0x01), forged, bobV1, rotatedV2, aliceV2], aliceWallet.address)
    expect(chosen?.version).toBe('v2')
    expect(toHex(encodeSignedBundle(chosen!.bundle as never))).toBe(toHex(encodeSignedBundle(aliceRotated.getSignedPublicKeyBundle())))
    expect(selectContact([bobV1, forged], aliceWallet.address)).toBeUndefined()
    expect(selectContact([], aliceWallet.address)).toBeUndefined()
  })

  it('a V2 contact converts back to the legacy bundle needed for V1 messages', () => {
    const [, v2] = contactPayloads(alice)
    expect(legacyBundlesEqual(contactLegacyBundle(decodeContactBundle(v2)), alice.getPublicKeyBundle())).toBe(true)
  })

  it('needsPublish: only an equal V2 bundle as the newest valid contact means nothing to do', () => {
    const [v1, v2] = contactPayloads(alice)
    const [, rotatedV2] = contactPayloads(aliceRotated)
    const [bobV1, bobV2] = contactPayloads(bob)
    expect(needsPublish(alice, [])).toBe(true)
    expect(needsPublish(alice, [v2, v1])).toBe(false)
    expect(needsPublish(alice, [bobV2, bobV1, v2, v1])).toBe(false)
    expect(needsPublish(alice, [v1])).toBe(true)
    expect(needsPublish(alice, [rotatedV2, v2])).toBe(true)
    expect(needsPublish(aliceRotated, [rotatedV2, v2])).toBe(false)
  })

  it('undecodable or empty payloads are ContactBundleError', () => {
    expect(() => decodeContactBundle(new Uint8Array(0))).toThrow(ContactBundleError)
    expect(() => decodeContactBundle(Uint8Array.of(0x0a, 0x7f, 0x01))).toThrow(ContactBundleError)
    expect(() => decodeContactBundle(pb.ContactBundle.encode({ v2: { keyBundle: {} } }).finish())).toThrow(ContactBundleError)
    expect(() => decodeContactBundle('x' as never)).toThrow(TypeError)
    expect(fromHex('00').length).toBe(1)
  })
})
