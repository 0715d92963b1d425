import { beforeAll, describe, expect, it } from 'vitest'
import { encodeContactBundleV2 } from '../../protocol/contacts/index.ts'
import { PrivateKeyBundleV1 } from '../../protocol/keys/index.ts'
import { contactTopic, privateStoreTopic } from '../../protocol/topics.ts'
import { verifyAuthToken } from '../../protocol/auth/index.ts'
import { createIdentity, randomWallet, type TestIdentity, type TestWallet } from '../testing/identities.ts'
import { batchWallet, PROOF_CLOCK_SKEW_NS, refuseCarriedEnvelope, refusePeerEnvelope, type PeerValidation } from './validate.ts'

// A verifier that trusts "Bearer token-for-<wallet>": the token cryptography has its own tests.
const check: PeerValidation = {
  verifyToken: (token) => {
    if (!token.startsWith('token-for-')) throw new Error('validating token: bad')
    return token.slice('token-for-'.length)
  },
  nowNs: () => 0n,
}
const noAuth: PeerValidation = { verifyToken: undefined, nowNs: () => 0n }
const env = (contentTopic: string, message: Uint8Array = new Uint8Array(4)) => ({ contentTopic, timestampNs: 1n, message })

describe('peer envelope validation', () => {
  let alice: TestWallet
  let aliceContact: Uint8Array
  beforeAll(async () => {
    alice = randomWallet()
    aliceContact = encodeContactBundleV2(await PrivateKeyBundleV1.generate(alice))
  })

  it('applies the client limits: topic length and message size', () => {
    expect(refusePeerEnvelope(env('/xmtp/0/m-x/proto'), undefined, check)).toBeUndefined()
    expect(refusePeerEnvelope(env(''), undefined, check)).toMatch(/empty/)
    expect(refusePeerEnvelope(env('t'.repeat(301)), undefined, check)).toMatch(/topic length/)
    expect(refusePeerEnvelope(env('/xmtp/0/m-x/proto', new Uint8Array(1_048_215)), undefined, noAuth)).toMatch(/message/)
  })

  it('needs the owner\'s token on owner-only topics, or a contact bundle signed by the owner', () => {
    const contact = contactTopic(alice.address)
    const store = privateStoreTopic(alice.address)
    expect(refusePeerEnvelope(env(contact), alice.address, check)).toBeUndefined()
    expect(refusePeerEnvelope(env(store), alice.address, check)).toBeUndefined()
    expect(refusePeerEnvelope(env(store), undefined, check)).toMatch(/without the owner's token/)
    expect(refusePeerEnvelope(env(store), '0xSomeoneElse', check)).toMatch(/another wallet/)
    expect(refusePeerEnvelope(env(contact), undefined, check)).toMatch(/without/)
    expect(refusePeerEnvelope(env(contact, aliceContact), undefined, check)).toBeUndefined()
    expect(refusePeerEnvelope(env(contactTopic(randomWallet().address), aliceContact), undefined, check)).toBeDefined()
    // A node running --no-auth lets anyone publish anywhere, from clients and peers alike.
    expect(refusePeerEnvelope(env(store), undefined, noAuth)).toBeUndefined()
  })

  it('reads the batch token: none, a wallet, or the verification error', async () => {
    expect(await batchWallet(undefined, check)).toBeUndefined()
    expect(await batchWallet('Bearer token-for-0xA', check)).toBe('0xA')
    expect(await batchWallet('Bearer junk', check)).toBeInstanceOf(Error)
    expect(await batchWallet('Bearer junk', noAuth)).toBeUndefined()
  })
})

describe('proofs carried by catch-up and anti-entropy', () => {
  // The node's real token check; "now" is far later than every envelope: a proof must hold at
  // the envelope's write time, not today.
  const real: PeerValidation = { verifyToken: verifyAuthToken, nowNs: () => BigInt(Date.now() + 30 * 86_400_000) * 1_000_000n }
  const HOUR_NS = 3_600_000_000_000n
  let erin: TestIdentity
  let mallory: TestIdentity
  let erinToken: string
  let erinTokenNs: bigint
  beforeAll(async () => {
    ;[erin, mallory] = await Promise.all([createIdentity(), createIdentity()])
    const created = new Date(Date.now() - 5_000)
    erinTokenNs = BigInt(created.getTime()) * 1_000_000n
    erinToken = `Bearer ${await erin.token(created)}`
  })
  const stored = (proof: string | undefined, writtenNs: bigint, contentTopic = privateStoreTopic(erin.address), message: Uint8Array = new Uint8Array(4)) => ({
    contentTopic,
    timestampNs: writtenNs,
    message,
    ...(proof !== undefined && { proof }),
  })

  it('accepts the owner\'s token that was valid when the envelope was written, however old now', async () => {
    expect(await refuseCarriedEnvelope(stored(erinToken, erinTokenNs + 1_000n), real)).toBeUndefined()
    expect(await refuseCarriedEnvelope(stored(erinToken, erinTokenNs + HOUR_NS - 1n), real)).toBeUndefined()
    // Clock skew between the client and the node: a token made a little after the envelope.
    expect(await refuseCarriedEnvelope(stored(erinToken, erinTokenNs - PROOF_CLOCK_SKEW_NS + 1n), real)).toBeUndefined()
  })

  it('refuses forged proofs: another wallet\'s token, a token expired or not yet made at write time, garbage', async () => {
    const written = erinTokenNs + 1_000n
    const other = `Bearer ${await mallory.token(new Date(Number(erinTokenNs / 1_000_000n)))}`
    expect(await refuseCarriedEnvelope(stored(other, written), real)).toEqual({ kind: 'forged', reason: 'proof: a token of another wallet' })
    // A token signed by mallory's identity key that claims erin's wallet.
    expect(await refuseCarriedEnvelope(stored(`Bearer ${mallory.tokenClaiming(erin.address)}`, written), real)).toMatchObject({ kind: 'forged', reason: /mismatch/ })
    expect(await refuseCarriedEnvelope(stored(erinToken, erinTokenNs + HOUR_NS + 1_000_000_000n), real)).toMatchObject({ kind: 'forged', reason: /expired/ })
    expect(await refuseCarriedEnvelope(stored(erinToken, erinTokenNs - PROOF_CLOCK_SKEW_NS - 1_000_000_000n), real)).toMatchObject({
      kind: 'forged',
      reason: /created after/,
    })
    expect(await refuseCarriedEnvelope(stored('Bearer junk', written), real)).toMatchObject({ kind: 'forged' })
    expect(await refuseCarriedEnvelope(stored(undefined, written), real)).toEqual({ kind: 'unproven', reason: 'owner-only topic without a proof' })
  })

  it('lets a contact bundle signed by the owner prove itself (envelopes stored before proofs were kept)', async () => {
    const bundle = encodeContactBundleV2(await PrivateKeyBundleV1.generate(erin.wallet))
    expect(await refuseCarriedEnvelope(stored(undefined, 1n, contactTopic(erin.address), bundle), real)).toBeUndefined()
    expect(await refuseCarriedEnvelope(stored(undefined, 1n, contactTopic(mallory.address), bundle), real)).toMatchObject({ kind: 'unproven' })
    expect(await refuseCarriedEnvelope(stored(undefined, 1n, contactTopic(erin.address)), real)).toMatchObject({ kind: 'unproven' })
  })

  it('checks shape always, and nothing else on a --no-auth node or for open topics', async () => {
    expect(await refuseCarriedEnvelope(stored(undefined, 1n, '/xmtp/0/m-x/proto'), real)).toBeUndefined()
    expect(await refuseCarriedEnvelope(stored(undefined, 1n), noAuth)).toBeUndefined()
    expect(await refuseCarriedEnvelope(stored(undefined, 1n, 't'.repeat(301)), noAuth)).toMatchObject({ kind: 'invalid' })
  })
})
