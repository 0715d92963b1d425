// V2 invitations: the §15.1 deterministic-topic vector, sealing/opening both
// ways against xmtp-js 13 keystores, consent proofs (§15.5) and every way an
// invite can be bad.
import Long from 'long'
import { beforeAll, describe, expect, it } from 'vitest'
import { xmtp } from '../../gen/proto.js'
import { encrypt } from '../crypto/ciphertext.ts'
import { DecryptionError } from '../crypto/errors.ts'
import { concatBytes, fromHex, toHex } from '../../wire/bytes.ts'
import { generatePrivateKey } from '../crypto/secp256k1.ts'
import { PrivateKeySigner } from '../keys/signer.ts'
import type { PrivateKeyBundleV1 } from '../keys/private-bundle.ts'
import { contactTopic, inviteTopic } from '../topics.ts'
import {
  ALICE_ADDRESS,
  BOB_ADDRESS,
  VECTOR_KEY_MATERIAL,
  VECTOR_TOPIC,
  newIdentity,
  theirKeystore,
  theirSignedBundle,
  vectorAlice,
  vectorBob,
  xmtpjs,
} from './testing/fixtures.ts'
import {
  InvalidInvitationError,
  SharedSecretCache,
  createConsentProof,
  decodeConsentProof,
  decodeInvitation,
  deriveConversation,
  deriveConversationKeys,
  derivationIsRecipient,
  encodeConsentProof,
  encodeInvitation,
  invitationSecret,
  openInvitation,
  sealInvitation,
  verifyConsentProof,
  verifySignedBundle,
  type Invitation,
} from './index.ts'

const pb = xmtp.message_contents
const alice = vectorAlice()
const bob = vectorBob()
const CREATED_NS = 1_700_000_000_123n * 1_000_000n

function inviteFor(a: PrivateKeyBundleV1, b: PrivateKeyBundleV1, conversationId = 'test'): Invitation {
  const { topic, keyMaterial } = deriveConversation(a, b.getSignedPublicKeyBundle(), { conversationId })
  return { topic, keyMaterial, context: { conversationId, metadata: { app: 'parley' } } }
}

async function expectInvalid(promise: Promise<unknown>, reason: InvalidInvitationError['reason']) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(InvalidInvitationError)
  expect((error as InvalidInvitationError).reason).toBe(reason)
}

describe('deterministic topic and key material (§8.2, §15.1)', () => {
  it('matches the xmtp-js vector from either side', () => {
    for (const [me, them] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const derived = deriveConversation(me, them.getSignedPublicKeyBundle(), { conversationId: 'test' })
      expect(derived.topic).toBe(VECTOR_TOPIC)
      expect(toHex(derived.keyMaterial)).toBe(VECTOR_KEY_MATERIAL)
      expect(derived.peerAddress).toBe(them === bob ? BOB_ADDRESS : ALICE_ADDRESS)
    }
  })

  it('uses the recipient role iff my checksummed address sorts first', () => {
    expect(derivationIsRecipient(ALICE_ADDRESS, BOB_ADDRESS)).toBe(false) // 'F' > '3'
    expect(derivationIsRecipient(BOB_ADDRESS, ALICE_ADDRESS)).toBe(true)
    // lowercase input is normalised first, otherwise the order would flip
    expect(derivationIsRecipient(BOB_ADDRESS.toLowerCase(), ALICE_ADDRESS.toLowerCase())).toBe(true)
  })

  it('depends on the conversation id and the secret', () => {
    const secret = invitationSecret(alice, alice.currentPreKey, verifySignedBundle(bob.getSignedPublicKeyBundle()), false)
    const base = deriveConversationKeys({ secret, myAddress: ALICE_ADDRESS, peerAddress: BOB_ADDRESS, conversationId: 'test' })
    expect(base.topic).toBe(VECTOR_TOPIC)
    const other = deriveConversationKeys({ secret, myAddress: ALICE_ADDRESS, peerAddress: BOB_ADDRESS, conversationId: 'other' })
    expect(other.topic).not.toBe(base.topic)
    expect(toHex(other.keyMaterial)).toBe(toHex(base.keyMaterial)) // key material ignores the conversation id (§8.2 step 3)
    const noId = deriveConversationKeys({ secret, myAddress: ALICE_ADDRESS, peerAddress: BOB_ADDRESS })
    expect(noId.topic).toMatch(/^\/xmtp\/0\/m-[0-9a-f]{64}\/proto$/)
    secret[0]! ^= 1
    expect(deriveConversationKeys({ secret, myAddress: ALICE_ADDRESS, peerAddress: BOB_ADDRESS, conversationId: 'test' }).topic).not.toBe(VECTOR_TOPIC)
  })

  it('equals what an xmtp-js keystore derives for fresh identities', async () => {
    const carol = await newIdentity()
    const dave = await newIdentity()
    const theirCarol = await theirKeystore(carol)
    const response = await theirCarol.createInvite({
      recipient: theirSignedBundle(dave),
      createdNs: Long.fromString(CREATED_NS.toString(), true),
      context: { conversationId: 'xmtp.org/abc', metadata: {} },
      consentProof: undefined,
    })
    const ours = deriveConversation(dave, carol.getSignedPublicKeyBundle(), { conversationId: 'xmtp.org/abc' })
    expect(response.conversation.topic).toBe(ours.topic)
  })

  it('rejects bad inputs with labelled errors', () => {
    expect(() => deriveConversationKeys({ secret: new Uint8Array(0), myAddress: ALICE_ADDRESS, peerAddress: BOB_ADDRESS })).toThrow(RangeError)
    expect(() => deriveConversationKeys({ secret: new Uint8Array(3), myAddress: 'nope', peerAddress: BOB_ADDRESS })).toThrow(TypeError)
    expect(() => deriveConversation(alice, { identityKey: null, preKey: null })).toThrow(/peer bundle/)
  })
})

describe('sealing and opening (§8.3, §8.4)', () => {
  it('round-trips for the recipient and the sender, with the same payload on both invite topics', async () => {
    const invitation = inviteFor(alice, bob)
    const sealed = await sealInvitation({ sender: alice, recipient: bob.getSignedPublicKeyBundle(), invitation, createdNs: CREATED_NS })
    expect(sealed.envelopes.map((e) => e.contentTopic)).toEqual([inviteTopic(BOB_ADDRESS), inviteTopic(ALICE_ADDRESS)])
    expect(sealed.envelopes.every((e) => e.timestampNs === CREATED_NS && e.message === sealed.payload)).toBe(true)
    expect(sealed.recipientAddress).toBe(BOB_ADDRESS)

    const atBob = await openInvitation(bob, sealed.envelopes[0])
    expect(atBob.role).toBe('recipient')
    expect(atBob.peerAddress).toBe(ALICE_ADDRESS)
    expect(atBob.topic).toBe(VECTOR_TOPIC)
    expect(toHex(atBob.keyMaterial)).toBe(VECTOR_KEY_MATERIAL)
    expect(atBob.context).toEqual({ conversationId: 'test', metadata: { app: 'parley' } })
    expect(atBob.createdNs).toBe(CREATED_NS)
    expect(atBob.createdAt.getTime()).toBe(1_700_000_000_123)

    const atAlice = await openInvitation(alice, sealed.envelopes[1])
    expect(atAlice.role).toBe('sender')
    expect(atAlice.peerAddress).toBe(BOB_ADDRESS)
    expect(toHex(atAlice.keyMaterial)).toBe(VECTOR_KEY_MATERIAL)
  })

  it('xmtp-js keystores accept our sealed invitation on both sides', async () => {
    const invitation = inviteFor(alice, bob)
    const sealed = await sealInvitation({ sender: alice, recipient: bob.getSignedPublicKeyBundle(), invitation, createdNs: CREATED_NS })
    for (const [keys, peer] of [
      [bob, ALICE_ADDRESS],
      [alice, BOB_ADDRESS],
    ] as const) {
      const keystore = await theirKeystore(keys)
      const { responses } = await keystore.saveInvites({
        requests: [{ payload: sealed.payload, timestampNs: Long.fromString(CREATED_NS.toString(), true), contentTopic: inviteTopic(keys.walletAddress) }],
      })
      expect(responses[0].error).toBeUndefined()
      expect(responses[0].result.conversation.topic).toBe(VECTOR_TOPIC)
      expect(responses[0].result.conversation.peerAddress).toBe(peer)
      expect(responses[0].result.conversation.context.conversationId).toBe('test')
      const stored = keystore.lookupTopic(VECTOR_TOPIC)
      expect(toHex(stored.invitation.aes256GcmHkdfSha256.keyMaterial)).toBe(VECTOR_KEY_MATERIAL)
    }
  })

  it('opens invitations sealed by an xmtp-js keystore, as recipient and as sender', async () => {
    const carol = await newIdentity()
    const dave = await newIdentity()
    const theirCarol = await theirKeystore(carol)
    const response = await theirCarol.createInvite({
      recipient: theirSignedBundle(dave),
      createdNs: Long.fromString(CREATED_NS.toString(), true),
      context: { conversationId: 'xmtp.org/abc', metadata: { k: 'v' } },
      consentProof: undefined,
    })
    const envelope = { timestampNs: CREATED_NS, message: response.payload as Uint8Array }
    const atDave = await openInvitation(dave, envelope)
    expect(atDave).toMatchObject({ role: 'recipient', peerAddress: carol.walletAddress, topic: response.conversation.topic })
    expect(atDave.context).toEqual({ conversationId: 'xmtp.org/abc', metadata: { k: 'v' } })
    const atCarol = await openInvitation(carol, envelope)
    expect(atCarol).toMatchObject({ role: 'sender', peerAddress: dave.walletAddress, topic: response.conversation.topic })
    expect(toHex(atCarol.keyMaterial)).toBe(toHex(atDave.keyMaterial))
    // and the xmtp-js SealedInvitation class parses our output identically
    const ours = await sealInvitation({ sender: dave, recipient: carol.getSignedPublicKeyBundle(), invitation: inviteFor(dave, carol, 'xmtp.org/abc'), createdNs: CREATED_NS })
    const parsed = xmtpjs.SealedInvitation.fromBytes(ours.payload)
    const opened = await parsed.v1.getInvitation(xmtpjs.PrivateKeyBundleV2.fromLegacyBundle((await theirKeystore(carol)).v1Keys))
    expect(opened.topic).toBe(response.conversation.topic) // crossed invitations converge on one topic
    expect(toHex(opened.aes256GcmHkdfSha256.keyMaterial)).toBe(toHex(atDave.keyMaterial))
  })

  it('tells deterministic invitations (xmtp-js 13 and ours, any context) from random and squatting ones', async () => {
    const carol = await newIdentity()
    const dave = await newIdentity()
    const mallory = await newIdentity()
    const theirCarol = await theirKeystore(carol)
    // xmtp-js 13 keystore.createInvite: no context, a context, and a context with an empty id (it treats '' as none).
    for (const context of [undefined, { conversationId: 'xmtp.org/abc', metadata: { k: 'v' } }, { conversationId: '', metadata: {} }]) {
      const response = await theirCarol.createInvite({ recipient: theirSignedBundle(dave), createdNs: Long.fromString(CREATED_NS.toString(), true), context, consentProof: undefined })
      const envelope = { timestampNs: CREATED_NS, message: response.payload as Uint8Array }
      expect((await openInvitation(dave, envelope)).deterministic).toBe(true)
      expect((await openInvitation(carol, envelope)).deterministic).toBe(true) // our own invite, read back
    }
    // Ours, crossed: Dave invites Carol for the same pair.
    const crossed = await sealInvitation({ sender: dave, recipient: carol.getSignedPublicKeyBundle(), invitation: inviteFor(dave, carol, 'x'), createdNs: CREATED_NS })
    expect((await openInvitation(carol, { timestampNs: CREATED_NS, message: crossed.payload })).deterministic).toBe(true)
    // A random (pre-10 xmtp-js) invitation opens but is not deterministic.
    const random = xmtpjs.InvitationV1.createRandom()
    const sealedRandom = await sealInvitation({
      sender: carol,
      recipient: dave.getSignedPublicKeyBundle(),
      invitation: { topic: '/xmtp/0/m-' + 'ab'.repeat(32) + '/proto', keyMaterial: random.aes256GcmHkdfSha256.keyMaterial },
      createdNs: CREATED_NS,
    })
    expect((await openInvitation(dave, { timestampNs: CREATED_NS, message: sealedRandom.payload })).deterministic).toBe(false)
    // Mallory names the Carol–Dave topic, with her own key material or even with theirs.
    const owned = inviteFor(carol, dave, 'x')
    for (const keyMaterial of [new Uint8Array(32).fill(7), owned.keyMaterial]) {
      const squat = await sealInvitation({ sender: mallory, recipient: dave.getSignedPublicKeyBundle(), invitation: { ...owned, keyMaterial }, createdNs: CREATED_NS - 1_000_000n })
      const opened = await openInvitation(dave, { timestampNs: CREATED_NS - 1_000_000n, message: squat.payload })
      expect(opened.peerAddress).toBe(mallory.walletAddress)
      expect(opened.deterministic).toBe(false)
    }
  })

  it('recognises our own bundle by meaning, not encoding (identity signature in the other oneof arm)', async () => {
    const sender = alice.getSignedPublicKeyBundle()
    // a legacy-style encoder (the Flutter SDK quirk, §3.3) puts the wallet signature in ecdsa_compact
    sender.identityKey.signature = { ecdsaCompact: sender.identityKey.signature!.walletEcdsaCompact! }
    const headerBytes = pb.SealedInvitationHeaderV1.encode({ sender, recipient: bob.getSignedPublicKeyBundle(), createdNs: Long.fromString(CREATED_NS.toString(), true) }).finish()
    expect(toHex(headerBytes)).not.toContain(toHex(pb.SignedPublicKey.encode(alice.getSignedPublicKeyBundle().identityKey).finish()))
    const secret = invitationSecret(alice, alice.currentPreKey, verifySignedBundle(bob.getSignedPublicKeyBundle()), false)
    const ciphertext = await encrypt(encodeInvitation(inviteFor(alice, bob)), secret, headerBytes)
    const opened = await openInvitation(alice, { timestampNs: CREATED_NS, message: pb.SealedInvitation.encode({ v1: { headerBytes, ciphertext } }).finish() })
    expect(opened.role).toBe('sender')
    expect(opened.peerAddress).toBe(BOB_ADDRESS)
  })

  it('a shared-secret cache gives identical results for both roles and computes each pairing once', async () => {
    const cache = new SharedSecretCache()
    const fromAlice = await sealInvitation({ sender: alice, recipient: bob.getSignedPublicKeyBundle(), invitation: inviteFor(alice, bob), createdNs: CREATED_NS, secrets: cache })
    const fromBob = await sealInvitation({ sender: bob, recipient: alice.getSignedPublicKeyBundle(), invitation: inviteFor(bob, alice, 'x'), createdNs: CREATED_NS + 1n })
    expect(cache.size).toBe(1)
    const a = await openInvitation(bob, fromAlice.envelopes[0], { secrets: cache }) // bob as recipient
    const b = await openInvitation(alice, fromBob.envelopes[0], { secrets: cache }) // alice as recipient
    const c = await openInvitation(alice, fromAlice.envelopes[1], { secrets: cache }) // alice as sender
    expect(cache.size).toBe(2) // alice↔bob and bob↔alice pairings
    expect([a.peerAddress, b.peerAddress, c.peerAddress]).toEqual([ALICE_ADDRESS, BOB_ADDRESS, BOB_ADDRESS])
    expect(b.topic).not.toBe(a.topic)
    const recipientSecret = invitationSecret(bob, bob.currentPreKey, verifySignedBundle(alice.getSignedPublicKeyBundle()), true)
    expect(toHex(invitationSecret(bob, bob.currentPreKey, verifySignedBundle(alice.getSignedPublicKeyBundle()), true, cache))).toBe(toHex(recipientSecret))
    cache.clear()
    expect(cache.size).toBe(0)
  })
})

describe('bad invitations are typed errors', () => {
  let sealed: Awaited<ReturnType<typeof sealInvitation>>
  beforeAll(async () => {
    sealed = await sealInvitation({ sender: alice, recipient: bob.getSignedPublicKeyBundle(), invitation: inviteFor(alice, bob), createdNs: CREATED_NS })
  })

  it('envelope timestamp different from header.created_ns', async () => {
    await expectInvalid(openInvitation(bob, { timestampNs: CREATED_NS + 1n, message: sealed.payload }), 'timestamp-mismatch')
  })

  it('an invite for someone else', async () => {
    const carol = await newIdentity()
    await expectInvalid(openInvitation(carol, sealed.envelopes[0]), 'not-addressed-to-us')
  })

  it('tampered ciphertext', async () => {
    const parsed = pb.SealedInvitation.decode(new Uint8Array(sealed.payload))
    parsed.v1!.ciphertext!.aes256GcmHkdfSha256!.payload![5]! ^= 0x40
    const message = pb.SealedInvitation.encode(parsed).finish()
    await expect(openInvitation(bob, { timestampNs: CREATED_NS, message })).rejects.toBeInstanceOf(DecryptionError)
  })

  it('tampered header (AAD): a re-dated header no longer authenticates', async () => {
    const parsed = pb.SealedInvitation.decode(new Uint8Array(sealed.payload))
    const header = pb.SealedInvitationHeaderV1.decode(parsed.v1!.headerBytes!)
    header.createdNs = Long.fromString((CREATED_NS + 5n).toString(), true)
    parsed.v1!.headerBytes = pb.SealedInvitationHeaderV1.encode(header).finish()
    const message = pb.SealedInvitation.encode(parsed).finish()
    await expect(openInvitation(bob, { timestampNs: CREATED_NS + 5n, message })).rejects.toBeInstanceOf(DecryptionError)
  })

  it('a header impersonating the sender: right bundles, but sealed by someone else', async () => {
    // Mallory builds a header naming Alice as sender but can only use her own keys for the 3DH.
    const mallory = await newIdentity()
    const forged = await sealInvitation({ sender: mallory, recipient: bob.getSignedPublicKeyBundle(), invitation: inviteFor(mallory, bob), createdNs: CREATED_NS })
    const parsed = pb.SealedInvitation.decode(new Uint8Array(forged.payload))
    const header = pb.SealedInvitationHeaderV1.decode(parsed.v1!.headerBytes!)
    header.sender = pb.SignedPublicKeyBundle.decode(pb.SignedPublicKeyBundle.encode(alice.getSignedPublicKeyBundle()).finish())
    parsed.v1!.headerBytes = pb.SealedInvitationHeaderV1.encode(header).finish()
    // re-encrypt with the new header as AAD so only the secret is wrong
    const { decrypt } = await import('../crypto/ciphertext.ts')
    const malloryView = invitationSecret(mallory, mallory.currentPreKey, verifySignedBundle(bob.getSignedPublicKeyBundle()), false)
    const plain = await decrypt(pb.SealedInvitation.decode(new Uint8Array(forged.payload)).v1!.ciphertext!, malloryView, pb.SealedInvitation.decode(new Uint8Array(forged.payload)).v1!.headerBytes!)
    parsed.v1!.ciphertext = await encrypt(plain, malloryView, parsed.v1!.headerBytes!)
    await expect(openInvitation(bob, { timestampNs: CREATED_NS, message: pb.SealedInvitation.encode(parsed).finish() })).rejects.toBeInstanceOf(DecryptionError)
  })

  it('a sender bundle whose pre-key signature is broken', async () => {
    const parsed = pb.SealedInvitation.decode(new Uint8Array(sealed.payload))
    const header = pb.SealedInvitationHeaderV1.decode(parsed.v1!.headerBytes!)
    header.sender!.preKey!.signature!.ecdsaCompact!.bytes![10]! ^= 1
    parsed.v1!.headerBytes = pb.SealedInvitationHeaderV1.encode(header).finish()
    await expectInvalid(openInvitation(bob, { timestampNs: CREATED_NS, message: pb.SealedInvitation.encode(parsed).finish() }), 'invalid-bundle')
  })

  it('malformed payloads', async () => {
    await expectInvalid(openInvitation(bob, { timestampNs: CREATED_NS, message: Uint8Array.of(0xff, 0xff, 0xff) }), 'malformed')
    await expectInvalid(openInvitation(bob, { timestampNs: CREATED_NS, message: new Uint8Array(0) }), 'malformed') // no v1 arm
    const noHeader = pb.SealedInvitation.encode({ v1: { ciphertext: pb.SealedInvitation.decode(new Uint8Array(sealed.payload)).v1!.ciphertext } }).finish()
    await expectInvalid(openInvitation(bob, { timestampNs: CREATED_NS, message: noHeader }), 'malformed')
  })

  it('decrypted content without a usable topic or key material', async () => {
    const secret = invitationSecret(alice, alice.currentPreKey, verifySignedBundle(bob.getSignedPublicKeyBundle()), false)
    const headerBytes = pb.SealedInvitation.decode(new Uint8Array(sealed.payload)).v1!.headerBytes!
    for (const [content, what] of [
      [{ topic: VECTOR_TOPIC, aes256GcmHkdfSha256: { keyMaterial: new Uint8Array(16) } }, 'short key'],
      [{ topic: '', aes256GcmHkdfSha256: { keyMaterial: new Uint8Array(32) } }, 'empty topic'],
      [{ topic: VECTOR_TOPIC }, 'no encryption arm'],
      [{ topic: contactTopic(BOB_ADDRESS), aes256GcmHkdfSha256: { keyMaterial: new Uint8Array(32) } }, 'not a V2 conversation topic'],
      [{ topic: '/xmtp/0/m-a b/proto', aes256GcmHkdfSha256: { keyMaterial: new Uint8Array(32) } }, 'unprintable topic'],
    ] as const) {
      const ciphertext = await encrypt(pb.InvitationV1.encode(content).finish(), secret, headerBytes)
      const message = pb.SealedInvitation.encode({ v1: { headerBytes, ciphertext } }).finish()
      await expectInvalid(openInvitation(bob, { timestampNs: CREATED_NS, message }), 'invalid-content').catch((e) => {
        throw new Error(`${what}: ${e}`)
      })
    }
  })

  it('one bad invite does not break a listing', async () => {
    const envelopes = [
      sealed.envelopes[0],
      { timestampNs: 1n, message: sealed.payload },
      { timestampNs: CREATED_NS, message: concatBytes(sealed.payload, Uint8Array.of(1)) },
      sealed.envelopes[0],
    ]
    const results = await Promise.allSettled(envelopes.map((e) => openInvitation(bob, e)))
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled'])
  })

  it('checks its inputs at the boundary', async () => {
    await expect(openInvitation(bob, { timestampNs: 1 as unknown as bigint, message: sealed.payload })).rejects.toThrow(TypeError)
    await expect(openInvitation({} as PrivateKeyBundleV1, sealed.envelopes[0])).rejects.toThrow(TypeError)
    const invitation = inviteFor(alice, bob)
    await expect(sealInvitation({ sender: alice, recipient: bob.getSignedPublicKeyBundle(), invitation: { ...invitation, keyMaterial: new Uint8Array(31) } })).rejects.toThrow(RangeError)
    await expect(sealInvitation({ sender: alice, recipient: bob.getSignedPublicKeyBundle(), invitation: { ...invitation, topic: '' } })).rejects.toThrow(TypeError)
    await expect(sealInvitation({ sender: alice, recipient: bob.getSignedPublicKeyBundle(), invitation, createdNs: -1n })).rejects.toThrow(RangeError)
  })
})

describe('InvitationV1 content and consent proofs (§8.1, §8.5, §15.5)', () => {
  it('encodes the §15.5 consent proof payload', () => {
    const bytes = encodeConsentProof({ signature: '0x1234567890abcdef', timestampMs: 1581663600000, payloadVersion: 1 })
    expect(toHex(bytes)).toBe('0a12' + toHex(new TextEncoder().encode('0x1234567890abcdef')) + '1080fbfc93842e' + '1801')
    expect(decodeConsentProof(bytes)).toEqual({ signature: '0x1234567890abcdef', timestampMs: 1581663600000, payloadVersion: 1 })
  })

  it('a proof signed by the invitee verifies only for that invitee, inviter and time window', async () => {
    const inviteeSigner = new PrivateKeySigner(generatePrivateKey())
    const invitee = await inviteeSigner.getAddress()
    const now = 1_700_000_000_000
    const proof = await createConsentProof(inviteeSigner, ALICE_ADDRESS, now - 1000)
    expect(proof.signature).toMatch(/^0x[0-9a-f]{130}$/)
    expect(verifyConsentProof(proof, { inviterAddress: ALICE_ADDRESS, recipientAddress: invitee }, now)).toBe(true)
    expect(verifyConsentProof(proof, { inviterAddress: BOB_ADDRESS, recipientAddress: invitee }, now)).toBe(false)
    expect(verifyConsentProof(proof, { inviterAddress: ALICE_ADDRESS, recipientAddress: BOB_ADDRESS }, now)).toBe(false)
    expect(verifyConsentProof(proof, { inviterAddress: ALICE_ADDRESS, recipientAddress: invitee }, now - 2000)).toBe(false) // from the future
    expect(verifyConsentProof(proof, { inviterAddress: ALICE_ADDRESS, recipientAddress: invitee }, now + 31 * 86_400_000)).toBe(false) // too old
    expect(verifyConsentProof({ ...proof, payloadVersion: 0 }, { inviterAddress: ALICE_ADDRESS, recipientAddress: invitee }, now)).toBe(false)
    expect(verifyConsentProof({ ...proof, signature: '0x00' }, { inviterAddress: ALICE_ADDRESS, recipientAddress: invitee }, now)).toBe(false)
  })

  it('the signature text and payload match the xmtp-js consent-proof helpers', async () => {
    const inviteeSigner = new PrivateKeySigner(generatePrivateKey())
    const proof = await createConsentProof(inviteeSigner, ALICE_ADDRESS, 1581663600000)
    const viem = await import('viem')
    const text = 'XMTP : Grant inbox consent to sender\n\nCurrent Time: Fri, 14 Feb 2020 07:00:00 GMT\nFrom Address: ' + ALICE_ADDRESS + '\n\nFor more info: https://xmtp.org/signatures/'
    expect(await viem.verifyMessage({ address: (await inviteeSigner.getAddress()) as `0x${string}`, message: text, signature: proof.signature as `0x${string}` })).toBe(true)
  })

  it('invitations carry context and consent proof through sealing', async () => {
    const proof = await createConsentProof(new PrivateKeySigner(generatePrivateKey()), ALICE_ADDRESS, 1581663600000)
    const invitation = { ...inviteFor(alice, bob), consentProof: proof }
    const decoded = decodeInvitation(encodeInvitation(invitation))
    expect(decoded).toEqual(invitation)
    const bare = decodeInvitation(encodeInvitation({ topic: VECTOR_TOPIC, keyMaterial: fromHex(VECTOR_KEY_MATERIAL) }))
    expect(bare.context).toBeUndefined()
    expect(bare.consentProof).toBeUndefined()
    // xmtp-js reads the same bytes
    const theirs = xmtpjs.InvitationV1.fromBytes(encodeInvitation(invitation))
    expect(theirs.consentProof.signature).toBe(proof.signature)
    expect(theirs.context.metadata).toEqual({ app: 'parley' })
    expect(() => encodeInvitation({ ...invitation, context: { conversationId: 1 as unknown as string, metadata: {} } })).toThrow(TypeError)
  })
})
