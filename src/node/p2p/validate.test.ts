import { beforeAll, describe, expect, it } from 'vitest'
import { encodeContactBundleV2 } from '../../protocol/contacts/index.ts'
import { PrivateKeyBundleV1 } from '../../protocol/keys/index.ts'
import { contactTopic, privateStoreTopic } from '../../protocol/topics.ts'
import { randomWallet, type TestWallet } from '../testing/identities.ts'
import { batchWallet, refusePeerEnvelope, type PeerValidation } from './validate.ts'

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
