import { describe, expect, it } from 'vitest'
import { createDefaultRegistry } from '../defaults.ts'
import { decodeContent, encodeContent } from '../encoded-content.ts'
import { ContentCodecError } from '../errors.ts'
import { referenceContentClient, refAttachment } from '../testing/xmtp-reference.ts'
import { AttachmentCodec, ContentTypeAttachment, type Attachment } from './attachment.ts'

const registry = createDefaultRegistry()
const reference = referenceContentClient()
const attachment: Attachment = {
  filename: 'café receipt.png',
  mimeType: 'image/png',
  data: Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff),
}

describe('AttachmentCodec', () => {
  it('encodes to the same bytes as the reference, with the exact fallback', async () => {
    expect(ContentTypeAttachment.toString()).toBe('xmtp.org/attachment:1.0')
    const ours = await encodeContent(attachment, { contentType: ContentTypeAttachment }, registry)
    const theirs = await reference.encodeContent(attachment, { contentType: refAttachment.ContentTypeAttachment })
    expect(ours).toEqual(theirs.payload)
    const decoded = await decodeContent(theirs.payload, registry)
    expect(decoded.content).toEqual(attachment)
    // a plain Uint8Array even though the reference produced a Node Buffer
    expect((decoded.content as Attachment).data.constructor).toBe(Uint8Array)
    expect(decoded.fallback).toBe('Can\u2019t display "café receipt.png". This app doesn\u2019t support attachments.')
    const back = await reference.decodeContent(ours)
    expect(back.content.filename).toBe(attachment.filename)
    expect(new Uint8Array(back.content.data)).toEqual(attachment.data)
  })

  it('is pushed; bad input and missing parameters are rejected', () => {
    const codec = new AttachmentCodec()
    expect(codec.shouldPush()).toBe(true)
    expect(() => codec.encode({ ...attachment, data: [1, 2] as never })).toThrow(/attachment.data must be a Uint8Array/)
    expect(() => codec.encode({ ...attachment, mimeType: undefined as never })).toThrow(/mimeType/)
    expect(() => codec.decode({ type: ContentTypeAttachment, parameters: { filename: 'a' }, content: new Uint8Array(1) })).toThrow(
      ContentCodecError,
    )
  })
})
