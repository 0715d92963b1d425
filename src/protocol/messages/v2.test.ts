// V2 messages: round trips, both directions against xmtp-js 13's
// ConversationV2 + keystore, sender HMACs, and every way a message can be bad
// (including the forged-sender case xmtp-js itself accepts).
import Long from 'long'
import { beforeAll, describe, expect, it } from 'vitest'
import { xmtp } from '../../gen/proto.js'
import { encrypt } from '../crypto/ciphertext.ts'
import { DecryptionError } from '../crypto/errors.ts'
import { sha256 } from '../crypto/hashes.ts'
import { signDigest } from '../crypto/secp256k1.ts'
import { concatBytes, toHex, utf8 } from '../../wire/bytes.ts'
import { signatureToProto } from '../keys/public-keys.ts'
import type { PrivateKeyBundleV1 } from '../keys/private-bundle.ts'
import { deriveConversation, sealInvitation } from '../invitations/index.ts'
import { inviteTopic } from '../topics.ts'
import { newIdentity, theirConversation, theirKeystore, vectorAlice, vectorBob } from '../invitations/testing/fixtures.ts'
import {
  ForgedSenderError,
  InvalidMessageError,
  computeSenderHmac,
  conversationHmacKeys,
  decodeMessageV2,
  encodeMessageV2,
  ephemeralTopic,
  hmacPeriod,
  messageId,
  senderHmacKey,
  verifySenderHmac,
  type ConversationSecret,
} from './v2.ts'

const pb = xmtp.message_contents
const alice = vectorAlice()
const bob = vectorBob()
const CREATED_NS = 1_700_000_000_123n * 1_000_000n
const NOW_MS = 1_700_000_000_500
const derived = deriveConversation(alice, bob.getSignedPublicKeyBundle(), { conversationId: 'test' })
const conversation: ConversationSecret = { topic: derived.topic, keyMaterial: derived.keyMaterial }
const members = [alice.walletAddress, bob.walletAddress]
const payload = new Uint8Array(pb.EncodedContent.encode({ type: { authorityId: 'xmtp.org', typeId: 'text', versionMajor: 1 }, content: utf8('gm') }).finish())

async function invalid(promise: Promise<unknown>): Promise<InvalidMessageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(InvalidMessageError)
  return error as InvalidMessageError
}

/** Re-encrypts a hand-built SignedContent so only the part under test is wrong. */
async function messageWith(signed: xmtp.message_contents.SignedContent.$Properties, headerBytes: Uint8Array, keyMaterial = conversation.keyMaterial) {
  const ciphertext = await encrypt(pb.SignedContent.encode(signed).finish(), keyMaterial, headerBytes)
  return pb.Message.encode({ v2: { headerBytes, ciphertext, senderHmac: new Uint8Array(32), shouldPush: true } }).finish()
}

function headerFor(topic: string, createdNs = CREATED_NS): Uint8Array {
  return pb.MessageHeaderV2.encode({ createdNs: Long.fromString(createdNs.toString(), true), topic }).finish()
}

function signedBy(keys: PrivateKeyBundleV1, headerBytes: Uint8Array, body = payload, signingKey = keys.currentPreKey.privateKey) {
  return {
    payload: body,
    sender: keys.getSignedPublicKeyBundle(),
    signature: signatureToProto(signDigest(sha256(concatBytes(headerBytes, body)), signingKey), 'ecdsaCompact'),
  }
}

describe('encode and decode (§9)', () => {
  it('round-trips between the two members, and the ID is the hex SHA-256 of the bytes', async () => {
    const sent = await encodeMessageV2({ sender: alice, conversation, payload, shouldPush: true, createdNs: CREATED_NS, nowMs: NOW_MS })
    expect(sent.id).toBe(toHex(sha256(sent.bytes)))
    expect(sent.envelope()).toEqual({ contentTopic: conversation.topic, timestampNs: CREATED_NS, message: sent.bytes })
    expect(sent.envelope({ ephemeral: true }).contentTopic).toBe(conversation.topic.replace('/xmtp/0/m-', '/xmtp/0/mE-'))
    const received = await decodeMessageV2({ conversation, members, bytes: sent.bytes })
    expect(received).toMatchObject({ id: sent.id, topic: conversation.topic, createdNs: CREATED_NS, senderAddress: alice.walletAddress, shouldPush: true })
    expect(received.sentAt.getTime()).toBe(1_700_000_000_123)
    expect(received.payload).toEqual(payload)
    expect(received.senderHmac).toEqual(sent.senderHmac)
    const wire = pb.Message.decode(sent.bytes).v2!
    expect(wire.shouldPush).toBe(true)
    const noPush = await encodeMessageV2({ sender: bob, conversation, payload, shouldPush: false })
    expect(pb.Message.decode(noPush.bytes).v2!.shouldPush).toBe(false) // optional: false is still on the wire
    expect((await decodeMessageV2({ conversation, members, bytes: noPush.bytes })).senderAddress).toBe(bob.walletAddress)
  })

  it('a replayed envelope decodes to the same message ID (the conversation layer dedupes by it)', async () => {
    const sent = await encodeMessageV2({ sender: alice, conversation, payload, shouldPush: true })
    const first = await decodeMessageV2({ conversation, members, bytes: sent.bytes })
    const replay = await decodeMessageV2({ conversation, members, bytes: new Uint8Array(sent.bytes) })
    expect(replay.id).toBe(first.id)
    expect(messageId(sent.bytes)).toBe(first.id)
    const again = await encodeMessageV2({ sender: alice, conversation, payload, shouldPush: true, createdNs: sent.createdNs })
    expect(again.id).not.toBe(sent.id) // a re-send is a new message: fresh salt and nonce
  })

  it('sender_hmac is HMAC(HKDF(key material, "<period>-<address>"), header_bytes)', async () => {
    const sent = await encodeMessageV2({ sender: alice, conversation, payload, shouldPush: true, nowMs: NOW_MS })
    const period = hmacPeriod(NOW_MS)
    expect(period).toBe(Math.floor(NOW_MS / 2_592_000_000))
    expect(sent.senderHmac).toEqual(computeSenderHmac(conversation.keyMaterial, period, alice.walletAddress, sent.headerBytes))
    expect(verifySenderHmac(conversation, alice.walletAddress, sent.headerBytes, sent.senderHmac, [period])).toBe(true)
    expect(verifySenderHmac(conversation, bob.walletAddress, sent.headerBytes, sent.senderHmac, [period])).toBe(false)
    expect(verifySenderHmac(conversation, alice.walletAddress, sent.headerBytes, sent.senderHmac, [period + 1])).toBe(false)
  })
})

describe('interop with xmtp-js 13 (ConversationV2 + InMemoryKeystore)', () => {
  let carol: PrivateKeyBundleV1
  let dave: PrivateKeyBundleV1
  let theirDave: any // eslint-disable-line @typescript-eslint/no-explicit-any
  let theirCarol: any // eslint-disable-line @typescript-eslint/no-explicit-any
  let secret: ConversationSecret

  beforeAll(async () => {
    carol = await newIdentity()
    dave = await newIdentity()
    const derivedCd = deriveConversation(carol, dave.getSignedPublicKeyBundle(), { conversationId: 'xmtp.org/interop' })
    secret = { topic: derivedCd.topic, keyMaterial: derivedCd.keyMaterial }
    const sealed = await sealInvitation({ sender: carol, recipient: dave.getSignedPublicKeyBundle(), invitation: { ...secret, context: { conversationId: 'xmtp.org/interop', metadata: {} } } })
    theirDave = await theirKeystore(dave)
    theirCarol = await theirKeystore(carol)
    for (const [keystore, owner] of [
      [theirDave, dave],
      [theirCarol, carol],
    ] as const) {
      const { responses } = await keystore.saveInvites({
        requests: [{ payload: sealed.payload, timestampNs: Long.fromString(sealed.createdNs.toString(), true), contentTopic: inviteTopic(owner.walletAddress) }],
      })
      expect(responses[0].error).toBeUndefined()
    }
  })

  it('xmtp-js decodes our message with the right sender and content bytes', async () => {
    const sent = await encodeMessageV2({ sender: carol, conversation: secret, payload, shouldPush: true })
    const conv = theirConversation(dave, theirDave, secret.topic, carol.walletAddress)
    const decoded = await conv.decodeMessage({ contentTopic: secret.topic, message: sent.bytes, timestampNs: sent.createdNs.toString() })
    expect(decoded.senderAddress).toBe(carol.walletAddress)
    expect(decoded.id).toBe(sent.id)
    expect(new Uint8Array(decoded.contentBytes)).toEqual(payload)
    expect(decoded.sent.getTime()).toBe(Number(sent.createdNs / 1_000_000n))
  })

  it('we decode a message created by xmtp-js, with the same ID and sender HMAC', async () => {
    const conv = theirConversation(carol, theirCarol, secret.topic, dave.walletAddress)
    const theirs = await conv.createMessage(payload, true, new Date(1_700_000_000_123))
    const bytes: Uint8Array = theirs.toBytes()
    const ours = await decodeMessageV2({ conversation: secret, members: [carol.walletAddress, dave.walletAddress], bytes })
    expect(ours.senderAddress).toBe(carol.walletAddress)
    expect(ours.id).toBe(theirs.id)
    expect(ours.createdNs).toBe(CREATED_NS)
    expect(ours.payload).toEqual(payload)
    expect(ours.senderHmac).toEqual(computeSenderHmac(secret.keyMaterial, hmacPeriod(), carol.walletAddress, ours.headerBytes))
    expect(verifySenderHmac(secret, carol.walletAddress, ours.headerBytes, ours.senderHmac!)).toBe(true)
  })

  it('HMAC keys for periods current-1..current+1 equal getV2ConversationHmacKeys', async () => {
    const theirs = await theirCarol.getV2ConversationHmacKeys({ topics: [secret.topic] })
    const ours = conversationHmacKeys([secret], carol.walletAddress)
    const values = theirs.hmacKeys[secret.topic].values
    expect(ours[secret.topic]!.map((v) => v.thirtyDayPeriodsSinceEpoch)).toEqual(values.map((v: { thirtyDayPeriodsSinceEpoch: number }) => v.thirtyDayPeriodsSinceEpoch))
    expect(ours[secret.topic]!.map((v) => toHex(v.hmacKey))).toEqual(values.map((v: { hmacKey: Uint8Array }) => toHex(v.hmacKey)))
    expect(toHex(senderHmacKey(secret.keyMaterial, values[1].thirtyDayPeriodsSinceEpoch, carol.walletAddress.toLowerCase()))).toBe(toHex(values[1].hmacKey))
  })

  it('forged sender: a valid signer who is not a member is rejected here, though xmtp-js accepts it', async () => {
    const mallory = await newIdentity()
    const forged = await encodeMessageV2({ sender: mallory, conversation: secret, payload, shouldPush: true })
    const error = await decodeMessageV2({ conversation: secret, members: [carol.walletAddress, dave.walletAddress], bytes: forged.bytes }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ForgedSenderError)
    expect((error as ForgedSenderError).senderAddress).toBe(mallory.walletAddress)
    const conv = theirConversation(dave, theirDave, secret.topic, carol.walletAddress)
    const theirView = await conv.decodeMessage({ contentTopic: secret.topic, message: forged.bytes, timestampNs: forged.createdNs.toString() })
    expect(theirView.senderAddress).toBe(mallory.walletAddress)
  })
})

describe('bad messages are typed errors', () => {
  it('tampered ciphertext', async () => {
    const sent = await encodeMessageV2({ sender: alice, conversation, payload, shouldPush: true })
    const message = pb.Message.decode(new Uint8Array(sent.bytes))
    message.v2!.ciphertext!.aes256GcmHkdfSha256!.payload![3]! ^= 1
    await expect(decodeMessageV2({ conversation, members, bytes: pb.Message.encode(message).finish() })).rejects.toBeInstanceOf(DecryptionError)
  })

  it('tampered header (same topic, other timestamp) fails authentication', async () => {
    const sent = await encodeMessageV2({ sender: alice, conversation, payload, shouldPush: true, createdNs: CREATED_NS })
    const message = pb.Message.decode(new Uint8Array(sent.bytes))
    message.v2!.headerBytes = headerFor(conversation.topic, CREATED_NS - 3_600_000_000_000n)
    await expect(decodeMessageV2({ conversation, members, bytes: pb.Message.encode(message).finish() })).rejects.toBeInstanceOf(DecryptionError)
  })

  it('wrong topic: a message from another conversation (or a replay onto this topic)', async () => {
    const other = deriveConversation(alice, bob.getSignedPublicKeyBundle(), { conversationId: 'other' })
    const sent = await encodeMessageV2({ sender: alice, conversation: { topic: other.topic, keyMaterial: other.keyMaterial }, payload, shouldPush: true })
    expect((await invalid(decodeMessageV2({ conversation, members, bytes: sent.bytes }))).reason).toBe('wrong-topic')
  })

  it('wrong key material', async () => {
    const sent = await encodeMessageV2({ sender: alice, conversation, payload, shouldPush: true })
    await expect(decodeMessageV2({ conversation: { ...conversation, keyMaterial: new Uint8Array(32) }, members, bytes: sent.bytes })).rejects.toBeInstanceOf(DecryptionError)
  })

  it('content signed by the identity key instead of the pre-key, or over other bytes', async () => {
    const headerBytes = headerFor(conversation.topic)
    const byIdentity = await messageWith(signedBy(alice, headerBytes, payload, alice.identityKey.privateKey), headerBytes)
    expect((await invalid(decodeMessageV2({ conversation, members, bytes: byIdentity }))).reason).toBe('invalid-signature')
    const swapped: xmtp.message_contents.SignedContent.$Properties = signedBy(alice, headerBytes)
    swapped.payload = utf8('something else')
    expect((await invalid(decodeMessageV2({ conversation, members, bytes: await messageWith(swapped, headerBytes) }))).reason).toBe('invalid-signature')
    const unsigned = { ...signedBy(alice, headerBytes), signature: { walletEcdsaCompact: { bytes: new Uint8Array(64) } } }
    expect((await invalid(decodeMessageV2({ conversation, members, bytes: await messageWith(unsigned, headerBytes) }))).reason).toBe('invalid-signature')
  })

  it("a sender bundle claiming a member's identity with the forger's pre-key", async () => {
    const mallory = await newIdentity()
    const headerBytes = headerFor(conversation.topic)
    const signed = signedBy(mallory, headerBytes)
    signed.sender = { identityKey: alice.getSignedPublicKeyBundle().identityKey, preKey: mallory.getSignedPublicKeyBundle().preKey }
    expect((await invalid(decodeMessageV2({ conversation, members, bytes: await messageWith(signed, headerBytes) }))).reason).toBe('invalid-sender-bundle')
  })

  it('malformed bytes, V1 messages, missing parts', async () => {
    expect((await invalid(decodeMessageV2({ conversation, members, bytes: Uint8Array.of(0xff, 0x01) }))).reason).toBe('malformed')
    const v1 = pb.Message.encode({ v1: { headerBytes: Uint8Array.of(1) } }).finish()
    expect((await invalid(decodeMessageV2({ conversation, members, bytes: v1 }))).reason).toBe('malformed')
    const headerBytes = headerFor(conversation.topic)
    const noSignature = await messageWith({ payload, sender: alice.getSignedPublicKeyBundle() }, headerBytes)
    expect((await invalid(decodeMessageV2({ conversation, members, bytes: noSignature }))).reason).toBe('malformed')
    const notSigned = pb.Message.encode({ v2: { headerBytes, ciphertext: await encrypt(Uint8Array.of(0xff, 0xff), conversation.keyMaterial, headerBytes) } }).finish()
    expect((await invalid(decodeMessageV2({ conversation, members, bytes: notSigned }))).reason).toBe('malformed')
  })

  it('checks its inputs at the boundary', async () => {
    const sent = await encodeMessageV2({ sender: alice, conversation, payload, shouldPush: true })
    await expect(decodeMessageV2({ conversation, members: [], bytes: sent.bytes })).rejects.toThrow(TypeError)
    await expect(decodeMessageV2({ conversation, members: ['alice'], bytes: sent.bytes })).rejects.toThrow(/members/)
    await expect(decodeMessageV2({ conversation: { ...conversation, keyMaterial: new Uint8Array(16) }, members, bytes: sent.bytes })).rejects.toThrow(RangeError)
    await expect(encodeMessageV2({ sender: alice, conversation, payload: 'gm' as unknown as Uint8Array, shouldPush: true })).rejects.toThrow(TypeError)
    await expect(encodeMessageV2({ sender: alice, conversation, payload, shouldPush: 1 as unknown as boolean })).rejects.toThrow(TypeError)
    await expect(encodeMessageV2({ sender: alice, conversation, payload, shouldPush: true, createdNs: 0n })).rejects.toThrow(RangeError)
    expect(() => ephemeralTopic('/xmtp/0/invite-x/proto')).toThrow(TypeError)
    expect(() => conversationHmacKeys([conversation], 'me')).toThrow(TypeError)
  })
})
