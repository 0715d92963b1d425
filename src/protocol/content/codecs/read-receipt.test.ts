import { describe, expect, it } from 'vitest'
import { createDefaultRegistry } from '../defaults.ts'
import { decodeContent, encodeContent } from '../encoded-content.ts'
import { referenceContentClient, refReadReceipt } from '../testing/xmtp-reference.ts'
import { ContentTypeReadReceipt, ReadReceiptCodec } from './read-receipt.ts'

const registry = createDefaultRegistry()
const reference = referenceContentClient()

describe('ReadReceiptCodec', () => {
  it('encodes to the same bytes as the reference and decodes both ways', async () => {
    expect(ContentTypeReadReceipt.toString()).toBe('xmtp.org/readReceipt:1.0')
    const ours = await encodeContent({}, { contentType: ContentTypeReadReceipt }, registry)
    const theirs = await reference.encodeContent({}, { contentType: refReadReceipt.ContentTypeReadReceipt })
    expect(ours).toEqual(theirs.payload)
    expect((await decodeContent(theirs.payload, registry)).content).toEqual({})
    expect((await reference.decodeContent(ours)).content).toEqual({})
  })

  it('has no fallback, is never pushed and takes only an object', () => {
    const codec = new ReadReceiptCodec()
    expect(codec.fallback()).toBeUndefined()
    expect(codec.shouldPush()).toBe(false)
    expect(() => codec.encode(null as never)).toThrow(TypeError)
  })
})
