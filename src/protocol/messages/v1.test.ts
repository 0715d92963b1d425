import { createRequire } from 'node:module'
import { beforeAll, describe, expect, it } from 'vitest'
import { xmtp } from '../../gen/proto.js'
import { fromHex, toHex, utf8 } from '../../wire/bytes.ts'
import { sha256 } from '../crypto/hashes.ts'
import { PrivateKeyBundleV1 } from '../keys/private-bundle.ts'
import { PrivateKeySigner } from '../keys/signer.ts'
import { encodeLegacyBundle } from '../keys/bundles.ts'
import { dmTopic, introTopic } from '../topics.ts'
import { assertMessageV1Topic, decodeMessageV1, decryptMessageV1, encodeMessageV1, messageV1Topics, MessageV1Error } from './v1.ts'

const xmtpjs = createRequire(import.meta.url)('@xmtp/xmtp-js')
const pb = xmtp.message_contents

const content = new Uint8Array(pb.EncodedContent.encode({ type: { authorityId: 'xmtp.org', typeId: 'text', versionMajor: 1 }, parameters: { encoding: 'UTF-8' }, content: utf8('gm 🌞') }).finish())

async function expectReason(promise: Promise<unknown> | (() => unknown), reason: string) {
  let caught: unknown
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(MessageV1Error)
  expect((caught as MessageV1Error).reason).toBe(reason)
}

describe('V1 messages (§7)', () => {
  const aliceWallet = new PrivateKeySigner(new Uint8Array(32).fill(0x61))
  const bobWallet = new PrivateKeySigner(new Uint8Array(32).fill(0x62))
  const eveWallet = new PrivateKeySigner(new Uint8Array(32).fill(0x63))
  let alice: PrivateKeyBundleV1
  let bob: PrivateKeyBundleV1
  let eve: PrivateKeyBundleV1

  beforeAll(async () => {
    alice = await PrivateKeyBundleV1.generate(aliceWallet)
    bob = await PrivateKeyBundleV1.generate(bobWallet)
    eve = await PrivateKeyBundleV1.generate(eveWallet)
  })

  it('round-trips: the recipient and the sender both decrypt; header, addresses, id and timestamps are right', async () => {
    const sent = await encodeMessageV1({ sender: alice, recipient: bob.getPublicKeyBundle(), content, timestampMs: 1_700_000_000_123 })
    expect(sent.id).toBe(toHex(sha256(sent.bytes)))
    expect(sent.envelopeTimestampNs).toBe(1_700_000_000_123_000_000n)
    const decoded = decodeMessageV1(sent.bytes)
    expect(decoded.senderAddress).toBe(aliceWallet.address)
    expect(decoded.recipientAddress).toBe(bobWallet.address)
    expect(decoded.timestampMs).toBe(1_700_000_000_123)
    expect(decoded.id).toBe(sent.id)
    expect(toHex(decoded.headerBytes)).toBe(toHex(sent.headerBytes))
    expect(toHex(await decryptMessageV1(decoded, bob))).toBe(toHex(content))
    expect(toHex(await decryptMessageV1(decoded, alice))).toBe(toHex(content))
    assertMessageV1Topic(decoded, dmTopic(bobWallet.address, aliceWallet.address))
  })

  it('decrypts a message encrypted by xmtp-js 13, and xmtp-js decrypts ours (both directions, both roles)', async () => {
    const theirAliceBundle = new xmtpjs.PrivateKeyBundleV1(pb.PrivateKeyBundle.decode(alice.encode()).v1)
    const theirBobBundle = new xmtpjs.PrivateKeyBundleV1(pb.PrivateKeyBundle.decode(bob.encode()).v1)
    const aliceKeystore = await xmtpjs.InMemoryKeystore.create(theirAliceBundle, xmtpjs.InMemoryPersistence.create())
    const bobKeystore = await xmtpjs.InMemoryKeystore.create(theirBobBundle, xmtpjs.InMemoryPersistence.create())
    const alicePublic = xmtpjs.PublicKeyBundle.fromBytes(encodeLegacyBundle(alice.getPublicKeyBundle()))
    const bobPublic = xmtpjs.PublicKeyBundle.fromBytes(encodeLegacyBundle(bob.getPublicKeyBundle()))

    const theirs = await xmtpjs.MessageV1.encode(aliceKeystore, content, alicePublic, bobPublic, new Date(1_700_000_000_000))
    const theirBytes: Uint8Array = theirs.toBytes()
    const decoded = decodeMessageV1(theirBytes)
    expect(decoded.id).toBe(theirs.id)
    expect(decoded.senderAddress).toBe(aliceWallet.address)
    expect(toHex(await decryptMessageV1(decoded, bob))).toBe(toHex(content))
    expect(toHex(await decryptMessageV1(decoded, alice))).toBe(toHex(content))

    const ours = await encodeMessageV1({ sender: bob, recipient: alice.getPublicKeyBundle(), content })
    const parsed = await xmtpjs.MessageV1.fromBytes(ours.bytes)
    expect(parsed.id).toBe(ours.id)
    expect(parsed.senderAddress).toBe(bobWallet.address)
    expect(toHex(new Uint8Array(await parsed.decrypt(aliceKeystore, alicePublic)))).toBe(toHex(content))
    expect(toHex(new Uint8Array(await parsed.decrypt(bobKeystore, bobPublic)))).toBe(toHex(content))
  })

  it('a tampered header (AAD) or ciphertext fails to decrypt', async () => {
    const sent = await encodeMessageV1({ sender: alice, recipient: bob.getPublicKeyBundle(), content })
    const decoded = decodeMessageV1(sent.bytes)
    // Same keys, different timestamp: header bytes change, so the AAD no longer matches.
    const header = pb.MessageHeaderV1.decode(decoded.headerBytes)
    header.timestamp = header.timestamp.add(1)
    const swapped = pb.Message.encode({ v1: { headerBytes: pb.MessageHeaderV1.encode(header).finish(), ciphertext: decoded.ciphertext } }).finish()
    await expectReason(decryptMessageV1(decodeMessageV1(swapped), bob), 'decryption-failed')
    const payload = new Uint8Array(decoded.ciphertext.aes256GcmHkdfSha256!.payload!)
    payload[0] = payload[0]! ^ 1
    const flipped = { ...decoded, ciphertext: { aes256GcmHkdfSha256: { ...decoded.ciphertext.aes256GcmHkdfSha256, payload } } }
    await expectReason(decryptMessageV1(flipped, bob), 'decryption-failed')
  })

  it('a third party cannot decrypt, and a message naming Eve as recipient does not open for Eve if keys were swapped', async () => {
    const sent = await encodeMessageV1({ sender: alice, recipient: bob.getPublicKeyBundle(), content })
    await expectReason(decryptMessageV1(decodeMessageV1(sent.bytes), eve), 'not-a-participant')
    // Rewrite the header to claim Eve is the recipient: Eve can attribute it but the 3DH differs.
    const decoded = decodeMessageV1(sent.bytes)
    const header = pb.MessageHeaderV1.decode(decoded.headerBytes)
    header.recipient = pb.PublicKeyBundle.create(eve.getPublicKeyBundle()) as typeof header.recipient
    const forged = pb.Message.encode({ v1: { headerBytes: pb.MessageHeaderV1.encode(header).finish(), ciphertext: decoded.ciphertext } }).finish()
    await expectReason(decryptMessageV1(decodeMessageV1(forged), eve), 'decryption-failed')
  })

  it('rejects headers whose bundles do not verify (forged wallet signature, foreign pre-key) and bad recipients', async () => {
    const sent = await encodeMessageV1({ sender: alice, recipient: bob.getPublicKeyBundle(), content })
    const decoded = decodeMessageV1(sent.bytes)
    const header = pb.MessageHeaderV1.decode(decoded.headerBytes)
    header.sender = pb.PublicKeyBundle.create({ identityKey: header.sender!.identityKey, preKey: eve.getPublicKeyBundle().preKey }) as typeof header.sender
    const bad = pb.Message.encode({ v1: { headerBytes: pb.MessageHeaderV1.encode(header).finish(), ciphertext: decoded.ciphertext } }).finish()
    await expectReason(() => decodeMessageV1(bad), 'invalid-bundle')
    const mixed = { identityKey: bob.getPublicKeyBundle().identityKey, preKey: eve.getPublicKeyBundle().preKey }
    await expectReason(encodeMessageV1({ sender: alice, recipient: mixed, content }), 'invalid-bundle')
    await expectReason(encodeMessageV1({ sender: alice, recipient: {}, content }), 'invalid-bundle')
  })

  it('malformed messages are MessageV1Error(malformed); V2 messages are not V1', async () => {
    await expectReason(() => decodeMessageV1(Uint8Array.of(0x0a, 0x05, 0x01)), 'malformed')
    await expectReason(() => decodeMessageV1(new Uint8Array(0)), 'malformed')
    await expectReason(() => decodeMessageV1(pb.Message.encode({ v2: { headerBytes: Uint8Array.of(1) } }).finish()), 'malformed')
    const noCiphertext = pb.Message.encode({ v1: { headerBytes: Uint8Array.of(0x18, 0x01) } }).finish()
    await expectReason(() => decodeMessageV1(noCiphertext), 'malformed')
    await expect(encodeMessageV1({ sender: alice, recipient: bob.getPublicKeyBundle(), content: 'x' as never })).rejects.toThrow(TypeError)
    expect(fromHex('00').length).toBe(1)
  })

  it('checks the conversation topic and lists publish topics like xmtp-js', async () => {
    const sent = await encodeMessageV1({ sender: alice, recipient: bob.getPublicKeyBundle(), content })
    const decoded = decodeMessageV1(sent.bytes)
    await expectReason(() => assertMessageV1Topic(decoded, dmTopic(aliceWallet.address, eveWallet.address)), 'topic-mismatch')
    expect(messageV1Topics({ senderAddress: aliceWallet.address, recipientAddress: bobWallet.address, firstSend: true })).toEqual([
      introTopic(bobWallet.address),
      introTopic(aliceWallet.address),
      dmTopic(aliceWallet.address, bobWallet.address),
    ])
    expect(messageV1Topics({ senderAddress: aliceWallet.address, recipientAddress: bobWallet.address, firstSend: false, ephemeral: true })).toEqual([
      dmTopic(aliceWallet.address, bobWallet.address).replace('/dm-', '/dmE-'),
    ])
  })
})
