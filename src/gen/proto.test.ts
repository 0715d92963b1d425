import Long from 'long'
import { describe, expect, it } from 'vitest'
import { xmtp } from './proto.js'

const { Envelope } = xmtp.message_api.v1
const { ContactBundle } = xmtp.message_contents

describe('generated protobuf code', () => {
  it('round-trips an Envelope with a nanosecond timestamp above 2^53', () => {
    const timestampNs = Long.fromString('1700000000123456789', true)
    const bytes = Envelope.encode({
      contentTopic: '/xmtp/0/contact-0xF56d1F3b1290204441Cb3843C2Cac1C2f5AEd690/proto',
      timestampNs,
      message: new Uint8Array([1, 2, 3]),
    }).finish()
    // field 1 (string), field 2 (varint), field 3 (bytes), in field-number order
    expect(bytes[0]).toBe(0x0a)
    const decoded = Envelope.decode(bytes)
    expect(decoded.contentTopic).toBe('/xmtp/0/contact-0xF56d1F3b1290204441Cb3843C2Cac1C2f5AEd690/proto')
    expect(Long.isLong(decoded.timestampNs)).toBe(true)
    expect(decoded.timestampNs.toString()).toBe('1700000000123456789')
    expect(Array.from(decoded.message)).toEqual([1, 2, 3])
  })

  it('round-trips a ContactBundle v2 and keeps signed key bytes verbatim', () => {
    const keyBytes = new Uint8Array([8, 1, 26, 3, 10, 1, 4])
    const bundle = {
      v2: {
        keyBundle: {
          identityKey: { keyBytes, signature: { walletEcdsaCompact: { bytes: new Uint8Array(64).fill(7), recovery: 1 } } },
          preKey: { keyBytes, signature: { ecdsaCompact: { bytes: new Uint8Array(64).fill(9), recovery: 0 } } },
        },
      },
    }
    const bytes = ContactBundle.encode(bundle).finish()
    const decoded = ContactBundle.decode(bytes)
    expect(decoded.version).toBe('v2')
    expect(decoded.v1).toBeNull()
    const identity = decoded.v2!.keyBundle!.identityKey!
    expect(Array.from(identity.keyBytes!)).toEqual(Array.from(keyBytes))
    expect(identity.signature!.union).toBe('walletEcdsaCompact')
    expect(identity.signature!.walletEcdsaCompact!.recovery).toBe(1)
    expect(decoded.v2!.keyBundle!.preKey!.signature!.union).toBe('ecdsaCompact')
    expect(ContactBundle.encode(decoded).finish()).toEqual(bytes)
  })

  it('emits proto3 optional fields that are set to their zero value', () => {
    const { EncodedContent, Compression } = xmtp.message_contents
    const withDeflate = EncodedContent.encode({ content: new Uint8Array([1]), compression: Compression.COMPRESSION_DEFLATE }).finish()
    const without = EncodedContent.encode({ content: new Uint8Array([1]) }).finish()
    expect(withDeflate.length).toBe(without.length + 2) // tag 0x28 + varint 0
    expect(EncodedContent.decode(withDeflate).compression).toBe(0)
    expect(EncodedContent.decode(without).compression).toBeNull()
  })
})
