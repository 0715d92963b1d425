import { describe, expect, it } from 'vitest'
import { ContentTypeId } from '../content-type-id.ts'
import { createDefaultRegistry } from '../defaults.ts'
import { decodeContent, encodeContent, encodedContentToBytes } from '../encoded-content.ts'
import { ContentCodecError, UnknownContentTypeError } from '../errors.ts'
import { referenceContentClient, refReply } from '../testing/xmtp-reference.ts'
import { ContentTypeAttachment, type Attachment } from './attachment.ts'
import { ContentTypeReaction } from './reaction.ts'
import { ContentTypeReply, ReplyCodec, type Reply } from './reply.ts'
import { ContentTypeText } from './text.ts'

const registry = createDefaultRegistry()
const reference = referenceContentClient()
const codec = new ReplyCodec()
const messageId = '0b'.repeat(32)

describe('ReplyCodec', () => {
  it('encodes a text reply to the same bytes as the reference and decodes both ways', async () => {
    expect(ContentTypeReply.toString()).toBe('xmtp.org/reply:1.0')
    const reply: Reply<string> = { reference: messageId, contentType: ContentTypeText, content: 'sounds good' }
    const ours = await encodeContent(reply, { contentType: ContentTypeReply }, registry)
    const theirs = await reference.encodeContent(reply, { contentType: refReply.ContentTypeReply })
    expect(ours).toEqual(theirs.payload)

    const decoded = await decodeContent<Reply>(theirs.payload, registry)
    expect(decoded.content?.content).toBe('sounds good')
    expect(decoded.content?.reference).toBe(messageId)
    expect(decoded.content?.contentType.equals(ContentTypeText)).toBe(true)
    expect(decoded.parameters).toEqual({ contentType: 'xmtp.org/text:1.0', reference: messageId })
    expect(decoded.fallback).toBe('Replied with \u201csounds good\u201d to an earlier message')

    const back = await reference.decodeContent(ours)
    expect(back.content.content).toBe('sounds good')
    expect(back.content.reference).toBe(messageId)
  })

  it('carries non-text inner content and referenceInboxId like the reference', async () => {
    const attachment: Attachment = { filename: 'a.txt', mimeType: 'text/plain', data: new TextEncoder().encode('hi') }
    const reply: Reply<Attachment> = {
      reference: messageId,
      referenceInboxId: 'inbox-9',
      contentType: ContentTypeAttachment,
      content: attachment,
    }
    const ours = await encodeContent(reply, { contentType: ContentTypeReply }, registry)
    const theirs = await reference.encodeContent(reply, { contentType: refReply.ContentTypeReply })
    expect(ours).toEqual(theirs.payload)
    const decoded = await decodeContent<Reply<Attachment>>(ours, registry)
    expect(decoded.content).toMatchObject({ reference: messageId, referenceInboxId: 'inbox-9', content: attachment })
    expect(decoded.fallback).toBe('Replied to an earlier message')
    expect(codec.shouldPush()).toBe(true)
  })

  it('reports an inner type without a codec, and malformed inner bytes', async () => {
    const pollType = new ContentTypeId({ authorityId: 'example.com', typeId: 'poll', versionMajor: 1, versionMinor: 0 })
    expect(() => codec.encode({ reference: messageId, contentType: pollType, content: {} }, registry)).toThrow(UnknownContentTypeError)
    const inner = encodedContentToBytes({ type: pollType, parameters: {}, content: new Uint8Array([1]) })
    const unknownInner = { type: ContentTypeReply, parameters: { reference: messageId, contentType: pollType.toString() }, content: inner }
    expect(() => codec.decode(unknownInner, registry)).toThrow(UnknownContentTypeError)
    const garbage = { ...unknownInner, content: new Uint8Array([0x0a, 0x05, 0x01]) }
    expect(() => codec.decode(garbage, registry)).toThrow(ContentCodecError)
    expect(() => codec.decode({ ...unknownInner, parameters: {} }, registry)).toThrow(/missing reference/)
    // an undecodable inner value surfaces through decodeContent as an error with the fallback
    const badReaction = encodedContentToBytes({ type: ContentTypeReaction, parameters: {}, content: new TextEncoder().encode('{}') })
    const outer = encodedContentToBytes({ ...unknownInner, content: badReaction, fallback: 'Replied to an earlier message' })
    const decoded = await decodeContent(outer, registry)
    expect(decoded.error).toBeInstanceOf(ContentCodecError)
    expect(decoded.fallback).toBe('Replied to an earlier message')
  })

  it('checks its input', () => {
    expect(() => codec.encode({ reference: 1 as never, contentType: ContentTypeText, content: 'x' }, registry)).toThrow(/reply.reference/)
    expect(() => codec.encode({ reference: messageId, contentType: 'xmtp.org/text:1.0' as never, content: 'x' }, registry)).toThrow(
      TypeError,
    )
  })
})
