import { describe, expect, it, vi } from 'vitest'
import { Unzlib } from 'fflate'
import { deflateSync } from 'node:zlib'
import { xmtp } from '../../gen/proto.js'
import { Compression, ContentCodecRegistry, type ContentCodec } from './codec.ts'
import { ContentTypeId } from './content-type-id.ts'
import { ContentTypeText } from './codecs/text.ts'
import { ContentTypeReaction, type Reaction } from './codecs/reaction.ts'
import { ContentTypeReadReceipt } from './codecs/read-receipt.ts'
import { createDefaultRegistry } from './defaults.ts'
import { decodeContent, encodeContent, encodedContentFromBytes, prepareContent } from './encoded-content.ts'
import {
  ContentCodecError,
  DecompressedSizeError,
  MalformedContentError,
  UnknownContentTypeError,
} from './errors.ts'
import { referenceContentClient, refProto, refReaction } from './testing/xmtp-reference.ts'

const registry = createDefaultRegistry()
const reference = referenceContentClient()
const longText = 'The quick brown fox jumps over the lazy dog. '.repeat(8) // 360 bytes, under xmtp-js's 1000-byte cap

const pollType = new ContentTypeId({ authorityId: 'example.com', typeId: 'poll', versionMajor: 1, versionMinor: 0 })
const pollCodec: ContentCodec<{ question: string }> = {
  contentType: pollType,
  encode: (poll) => ({ type: pollType, parameters: {}, content: new TextEncoder().encode(poll.question) }),
  decode: (encoded) => ({ question: new TextDecoder().decode(encoded.content) }),
  fallback: (poll) => `Poll: ${poll.question}`,
  shouldPush: () => true,
}

describe('encodeContent / decodeContent', () => {
  it('encodes text to the same bytes as xmtp-js 13, and each side decodes the other', async () => {
    const ours = await encodeContent('gm, parley 👋', { contentType: ContentTypeText }, registry)
    const theirs = await reference.encodeContent('gm, parley 👋')
    expect(ours).toEqual(theirs.payload)
    expect((await reference.decodeContent(ours)).content).toBe('gm, parley 👋')
    const decoded = await decodeContent(theirs.payload, registry)
    expect(decoded.content).toBe('gm, parley 👋')
    expect(decoded.contentType.toString()).toBe('xmtp.org/text:1.0')
    expect(decoded.error).toBeUndefined()
    expect(decoded.compression).toBeUndefined()
  })

  it('decodes text that xmtp-js compressed with DEFLATE (= 0) and with GZIP', async () => {
    for (const compression of [Compression.COMPRESSION_DEFLATE, Compression.COMPRESSION_GZIP]) {
      const { payload } = await reference.encodeContent(longText, { compression })
      const raw = xmtp.message_contents.EncodedContent.decode(payload)
      expect(raw.compression).toBe(compression) // really compressed on the wire
      expect(raw.content.length).toBeLessThan(longText.length)
      const decoded = await decodeContent(payload, registry)
      expect(decoded.content).toBe(longText)
      expect(decoded.compression).toBe(compression)
    }
  })

  it('compresses on request (emitting DEFLATE = 0) in a form xmtp-js decodes', async () => {
    for (const compression of [Compression.COMPRESSION_DEFLATE, Compression.COMPRESSION_GZIP]) {
      const ours = await encodeContent(longText, { contentType: ContentTypeText, compression }, registry)
      const parsed = encodedContentFromBytes(ours)
      expect(parsed.compression).toBe(compression)
      expect(parsed.content.length).toBeLessThan(longText.length)
      expect((await reference.decodeContent(ours)).content).toBe(longText)
      expect((await decodeContent(ours, registry)).content).toBe(longText)
    }
  })

  it('does not compress content shorter than 10 bytes, as xmtp-js does', async () => {
    const ours = await encodeContent('123456789', { contentType: ContentTypeText, compression: Compression.COMPRESSION_GZIP }, registry)
    const theirs = await reference.encodeContent('123456789', { compression: Compression.COMPRESSION_GZIP })
    expect(ours).toEqual(theirs.payload)
    expect(encodedContentFromBytes(ours).compression).toBeUndefined()
    const ten = await encodeContent('1234567890', { contentType: ContentTypeText, compression: Compression.COMPRESSION_GZIP }, registry)
    expect(encodedContentFromBytes(ten).compression).toBe(Compression.COMPRESSION_GZIP)
  })

  it('sets the codec fallback and reports shouldPush', async () => {
    const reaction: Reaction = { reference: 'ab'.repeat(32), action: 'added', schema: 'unicode', content: '👍' }
    const prepared = await prepareContent(reaction, { contentType: ContentTypeReaction }, registry)
    expect(prepared.fallback).toBe('Reacted \u201c👍\u201d to an earlier message')
    expect(prepared.shouldPush).toBe(true)
    expect(encodedContentFromBytes(prepared.payload).fallback).toBe(prepared.fallback)
    expect((await reference.decodeContent(prepared.payload)).contentFallback).toBe(prepared.fallback)
    const receipt = await prepareContent({}, { contentType: ContentTypeReadReceipt }, registry)
    expect(receipt.shouldPush).toBe(false)
    expect(encodedContentFromBytes(receipt.payload).fallback).toBeUndefined()
  })

  it('returns an unknown type with its fallback and an error instead of throwing', async () => {
    const appRegistry = createDefaultRegistry([pollCodec])
    const bytes = await encodeContent({ question: 'Lunch?' }, { contentType: pollType }, appRegistry)
    expect((await decodeContent(bytes, appRegistry)).content).toEqual({ question: 'Lunch?' })

    const decoded = await decodeContent(bytes, registry)
    expect(decoded.content).toBeUndefined()
    expect(decoded.error).toBeInstanceOf(UnknownContentTypeError)
    expect(decoded.fallback).toBe('Poll: Lunch?')
    expect(decoded.contentType.equals(pollType)).toBe(true)
    // xmtp-js sees it the same way
    const theirs = await reference.decodeContent(bytes)
    expect(theirs.content).toBeUndefined()
    expect(theirs.contentFallback).toBe('Poll: Lunch?')
  })

  it('treats a newer major version of a known type as unknown', async () => {
    const textV2 = refProto.content.EncodedContent.encode({
      type: { authorityId: 'xmtp.org', typeId: 'text', versionMajor: 2, versionMinor: 0 },
      parameters: { encoding: 'UTF-8' },
      fallback: 'upgrade to read this',
      content: new TextEncoder().encode('v2 text'),
    }).finish()
    const decoded = await decodeContent(textV2, registry)
    expect(decoded.content).toBeUndefined()
    expect(decoded.error).toBeInstanceOf(UnknownContentTypeError)
    expect(decoded.fallback).toBe('upgrade to read this')
  })

  it('returns a codec failure as ContentCodecError while keeping the fallback', async () => {
    const latin1 = refProto.content.EncodedContent.encode({
      type: ContentTypeText.toProto(),
      parameters: { encoding: 'ISO-8859-1' },
      fallback: 'fallback text',
      content: new Uint8Array([0x68, 0x69]),
    }).finish()
    const decoded = await decodeContent(latin1, registry)
    expect(decoded.content).toBeUndefined()
    expect(decoded.error).toBeInstanceOf(ContentCodecError)
    expect(decoded.fallback).toBe('fallback text')
  })

  it('fails with DecompressedSizeError past the cap', async () => {
    const big = 'x'.repeat(5000)
    const bytes = await encodeContent(big, { contentType: ContentTypeText, compression: Compression.COMPRESSION_GZIP }, registry)
    await expect(decodeContent(bytes, registry, { maxDecompressedBytes: 4999 })).rejects.toBeInstanceOf(DecompressedSizeError)
    expect((await decodeContent(bytes, registry, { maxDecompressedBytes: 5000 })).content).toBe(big)
    const bomb = xmtp.message_contents.EncodedContent.encode({
      type: ContentTypeText.toProto(),
      parameters: { encoding: 'UTF-8' },
      compression: Compression.COMPRESSION_DEFLATE,
      content: deflateSync(new Uint8Array(11 * 1024 * 1024)),
    }).finish()
    await expect(decodeContent(bomb, registry)).rejects.toBeInstanceOf(DecompressedSizeError)
  })

  it('throws MalformedContentError for bytes that are not a usable EncodedContent', async () => {
    await expect(decodeContent(new Uint8Array([0x0a, 0xff, 0x01]), registry)).rejects.toBeInstanceOf(MalformedContentError)
    const noType = xmtp.message_contents.EncodedContent.encode({ content: new Uint8Array([1]) }).finish()
    await expect(decodeContent(noType, registry)).rejects.toThrow(/no content type/)
    const badCompression = xmtp.message_contents.EncodedContent.encode({
      type: ContentTypeText.toProto(),
      compression: 7 as Compression,
      content: new Uint8Array([1, 2, 3]),
    }).finish()
    await expect(decodeContent(badCompression, registry)).rejects.toBeInstanceOf(MalformedContentError)
    const notDeflate = xmtp.message_contents.EncodedContent.encode({
      type: ContentTypeText.toProto(),
      parameters: { encoding: 'UTF-8' },
      compression: Compression.COMPRESSION_DEFLATE,
      content: new TextEncoder().encode('plain text, not deflate'),
    }).finish()
    await expect(decodeContent(notDeflate, registry)).rejects.toBeInstanceOf(MalformedContentError)
  })

  it('accepts codecs written against the xmtp-js interfaces (e.g. @xmtp/content-type-reaction)', async () => {
    const appRegistry = new ContentCodecRegistry([new refReaction.ReactionCodec()])
    const reaction: Reaction = { reference: 'ee'.repeat(32), action: 'removed', schema: 'shortcode', content: ':+1:' }
    const bytes = await encodeContent(reaction, { contentType: ContentTypeReaction }, appRegistry)
    expect(bytes).toEqual(await encodeContent(reaction, { contentType: ContentTypeReaction }, registry))
    const decoded = await decodeContent(bytes, appRegistry)
    expect(decoded.content).toMatchObject(reaction)
    expect(decoded.fallback).toBe('Removed \u201c:+1:\u201d from an earlier message')
  })

  it('refuses to encode without a codec, and checks its arguments', async () => {
    await expect(encodeContent({ question: 'x' }, { contentType: pollType }, registry)).rejects.toBeInstanceOf(
      UnknownContentTypeError,
    )
    await expect(encodeContent(42, { contentType: ContentTypeText }, registry)).rejects.toThrow(/text content must be a string/)
    await expect(encodeContent('x', { contentType: ContentTypeText, compression: 3 as never }, registry)).rejects.toThrow(RangeError)
    await expect(encodeContent('x', { contentType: ContentTypeText }, {} as never)).rejects.toThrow(/codecFor/)
    await expect(decodeContent('bytes' as never, registry)).rejects.toThrow(TypeError)
    await expect(decodeContent(new Uint8Array(0), new ContentCodecRegistry(), { maxDecompressedBytes: -5 })).rejects.toThrow(
      RangeError,
    )
  })
})

describe('decodeContent under an inflation budget (issue 19)', () => {
  it('a spent budget refuses compressed content without inflating any of it', async () => {
    const registry = createDefaultRegistry()
    const bytes = await encodeContent('x'.repeat(5000), { contentType: ContentTypeText, compression: Compression.COMPRESSION_DEFLATE }, registry)
    const push = vi.spyOn(Unzlib.prototype, 'push')
    try {
      await expect(decodeContent(bytes, registry, { maxDecompressedBytes: 0 })).rejects.toBeInstanceOf(DecompressedSizeError)
      expect(push).not.toHaveBeenCalled()
      const decoded = await decodeContent(bytes, registry, { maxDecompressedBytes: 5000 })
      expect(decoded.content).toBe('x'.repeat(5000))
      expect(decoded.decompressedBytes).toBe(5000) // what a budget is charged
    } finally {
      push.mockRestore()
    }
  })
})
