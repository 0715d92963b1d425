import { describe, expect, it } from 'vitest'
import { xmtp } from '../../gen/proto.js'
import { generatePrivateKey, getPublicKey } from '../crypto/secp256k1.ts'
import { MalformedPreferencesError, PreferencesDecryptionError } from './errors.ts'
import {
  buildPreferencesTopic,
  decodePreferencesAction,
  decryptPreferencesAction,
  encodePreferencesAction,
  encryptPreferencesAction,
  preferencesTopic,
  preferencesTopicIdentifier,
  type PreferencesAction,
} from './private-preferences.ts'
import { refPreferencesProto, userPreferencesWasm } from './testing/xmtp-reference.ts'

// §15.4 (libxmtp xmtp_user_preferences/src/topic.rs)
const vectorKey = new Uint8Array([
  69, 239, 223, 17, 3, 219, 126, 21, 172, 74, 55, 18, 123, 240, 246, 149, 158, 74, 183, 229, 236, 98, 133, 184, 95, 44, 130, 35, 138,
  113, 36, 211,
])
const alice = '0xF56d1F3b1290204441Cb3843C2Cac1C2f5AEd690'
const bob = '0x3De402A325323Bb97f00cE3ad5bFAc96A11F9A34'

describe('preferences topic', () => {
  it('matches the §15.4 identifier vector', () => {
    expect(preferencesTopicIdentifier(vectorKey)).toBe('EBsHSM9lLmELuUVCMJ-tPE0kDcok1io9IwUO6WPC-cM')
    expect(preferencesTopic(vectorKey)).toBe('/xmtp/0/userpreferences-EBsHSM9lLmELuUVCMJ-tPE0kDcok1io9IwUO6WPC-cM/proto')
  })

  it('agrees with the wasm implementation xmtp-js uses, for random keys', () => {
    for (let i = 0; i < 5; i++) {
      const key = generatePrivateKey()
      expect(preferencesTopicIdentifier(key)).toBe(userPreferencesWasm.generate_private_preferences_topic(key))
    }
  })

  it('checks its inputs', () => {
    expect(() => preferencesTopicIdentifier(new Uint8Array(31))).toThrow(/identityPrivateKey must be 32 bytes/)
    expect(() => preferencesTopicIdentifier('key' as never)).toThrow(TypeError)
    expect(() => buildPreferencesTopic('a/b')).toThrow(TypeError)
  })
})

describe('preferences actions', () => {
  const actions: PreferencesAction[] = [
    { permission: 'allow', entryType: 'address', values: [alice, bob] },
    { permission: 'deny', entryType: 'address', values: [bob] },
    { permission: 'allow', entryType: 'groupId', values: ['g1'] },
    { permission: 'deny', entryType: 'groupId', values: ['g2', 'g3'] },
    { permission: 'allow', entryType: 'inboxId', values: ['i1'] },
    { permission: 'deny', entryType: 'inboxId', values: ['i2'] },
  ]

  it('encode the same bytes as @xmtp/proto and decode its output', () => {
    const refMessages = [
      { allowAddress: { walletAddresses: [alice, bob] } },
      { denyAddress: { walletAddresses: [bob] } },
      { allowGroup: { groupIds: ['g1'] } },
      { denyGroup: { groupIds: ['g2', 'g3'] } },
      { allowInboxId: { inboxIds: ['i1'] } },
      { denyInboxId: { inboxIds: ['i2'] } },
    ]
    actions.forEach((action, i) => {
      const theirs = refPreferencesProto.PrivatePreferencesAction.encode(refMessages[i]!).finish()
      expect(new Uint8Array(encodePreferencesAction(action))).toEqual(new Uint8Array(theirs))
      expect(decodePreferencesAction(theirs)).toEqual(action)
    })
  })

  it('reject malformed or empty actions', () => {
    expect(() => decodePreferencesAction(new Uint8Array(0))).toThrow(MalformedPreferencesError)
    expect(() => decodePreferencesAction(new Uint8Array([0x0a, 0x08, 0x01]))).toThrow(MalformedPreferencesError)
    expect(() => encodePreferencesAction({ permission: 'allow', entryType: 'address', values: [] })).toThrow(/non-empty array/)
    expect(() => encodePreferencesAction({ permission: 'block' as never, entryType: 'address', values: [alice] })).toThrow(TypeError)
    expect(() => encodePreferencesAction({ permission: 'allow', entryType: 'topic' as never, values: [alice] })).toThrow(TypeError)
  })
})

describe('preferences encryption', () => {
  const action: PreferencesAction = { permission: 'allow', entryType: 'address', values: [alice] }

  it('round-trips and emits a PrivatePreferencesPayload{v1: Ciphertext}', async () => {
    const key = generatePrivateKey()
    const payload = await encryptPreferencesAction(action, key)
    const parsed = xmtp.message_contents.PrivatePreferencesPayload.decode(payload)
    expect(parsed.version).toBe('v1')
    expect(parsed.v1?.aes256GcmHkdfSha256?.hkdfSalt?.length).toBe(32)
    expect(parsed.v1?.aes256GcmHkdfSha256?.gcmNonce?.length).toBe(12)
    expect(await decryptPreferencesAction(payload, key)).toEqual(action)
  })

  it('is read by the wasm implementation xmtp-js uses, and reads what it writes', async () => {
    const key = generatePrivateKey()
    const publicKey = getPublicKey(key)
    const ours = await encryptPreferencesAction({ permission: 'deny', entryType: 'address', values: [bob, alice] }, key)
    const plain = userPreferencesWasm.user_preferences_decrypt(publicKey, key, ours)
    expect(refPreferencesProto.PrivatePreferencesAction.decode(plain).denyAddress?.walletAddresses).toEqual([bob, alice])

    const theirs = userPreferencesWasm.user_preferences_encrypt(publicKey, key, encodePreferencesAction(action))
    expect(await decryptPreferencesAction(theirs, key)).toEqual(action)
    // the wasm side refuses our payload under a different identity, as we refuse its
    const other = generatePrivateKey()
    expect(() => userPreferencesWasm.user_preferences_decrypt(getPublicKey(other), other, ours)).toThrow()
    await expect(decryptPreferencesAction(theirs, other)).rejects.toBeInstanceOf(PreferencesDecryptionError)
  })

  it('binds the payload to the identity public key as AAD', async () => {
    const key = generatePrivateKey()
    const publicKey = getPublicKey(key)
    // same HKDF key material, but sealed with a different AAD: must not authenticate
    const otherPublic = getPublicKey(generatePrivateKey())
    const wrongAad = userPreferencesWasm.user_preferences_encrypt(otherPublic, key, encodePreferencesAction(action))
    await expect(decryptPreferencesAction(wrongAad, key)).rejects.toBeInstanceOf(PreferencesDecryptionError)
    expect(userPreferencesWasm.user_preferences_decrypt(publicKey, key, await encryptPreferencesAction(action, key))).toBeDefined()
  })

  it('rejects tampering with PreferencesDecryptionError and junk with MalformedPreferencesError', async () => {
    const key = generatePrivateKey()
    const payload = await encryptPreferencesAction(action, key)
    const tampered = payload.slice()
    tampered[tampered.length - 1]! ^= 0x80
    await expect(decryptPreferencesAction(tampered, key)).rejects.toBeInstanceOf(PreferencesDecryptionError)
    await expect(decryptPreferencesAction(new Uint8Array([0xff, 0xff]), key)).rejects.toBeInstanceOf(MalformedPreferencesError)
    await expect(decryptPreferencesAction(new Uint8Array(0), key)).rejects.toThrow(/no v1 ciphertext/)
    const shortSalt = xmtp.message_contents.PrivatePreferencesPayload.encode({
      v1: { aes256GcmHkdfSha256: { hkdfSalt: new Uint8Array(8), gcmNonce: new Uint8Array(12), payload: new Uint8Array(32) } },
    }).finish()
    await expect(decryptPreferencesAction(shortSalt, key)).rejects.toBeInstanceOf(MalformedPreferencesError)
    await expect(decryptPreferencesAction(payload, new Uint8Array(16))).rejects.toThrow(RangeError)
    await expect(encryptPreferencesAction(action, new Uint8Array(32))).rejects.toThrow(RangeError) // zero is not a valid key
  })
})
