// xmtp.org/attachment:1.0 (§10.2): raw file bytes, filename and mimeType as parameters.
import type { ContentCodec, EncodedContent, EncodedContentFields } from '../codec.ts'
import { ContentTypeId } from '../content-type-id.ts'
import { ContentCodecError } from '../errors.ts'

export const ContentTypeAttachment = new ContentTypeId({
  authorityId: 'xmtp.org',
  typeId: 'attachment',
  versionMajor: 1,
  versionMinor: 0,
})

export interface Attachment {
  filename: string
  mimeType: string
  data: Uint8Array
}

/** The fallback of both attachment kinds (curly apostrophes U+2019, straight double quotes). */
export function attachmentFallback(filename: string): string {
  return `Can\u2019t display "${filename}". This app doesn\u2019t support attachments.`
}

export class AttachmentCodec implements ContentCodec<Attachment> {
  get contentType(): ContentTypeId {
    return ContentTypeAttachment
  }

  encode(content: Attachment): EncodedContentFields {
    if (typeof content !== 'object' || content === null) throw new TypeError('attachment must be an object')
    if (typeof content.filename !== 'string') throw new TypeError('attachment.filename must be a string')
    if (typeof content.mimeType !== 'string') throw new TypeError('attachment.mimeType must be a string')
    if (!(content.data instanceof Uint8Array)) throw new TypeError('attachment.data must be a Uint8Array')
    return {
      type: ContentTypeAttachment,
      // Key order matches the reference codec so both produce identical bytes.
      parameters: { filename: content.filename, mimeType: content.mimeType },
      content: content.data,
    }
  }

  decode(encoded: EncodedContent): Attachment {
    const { filename, mimeType } = encoded.parameters
    if (filename === undefined) throw new ContentCodecError(ContentTypeAttachment, 'missing filename parameter')
    if (mimeType === undefined) throw new ContentCodecError(ContentTypeAttachment, 'missing mimeType parameter')
    return { filename, mimeType, data: encoded.content }
  }

  fallback(content: Attachment): string | undefined {
    return attachmentFallback(content.filename)
  }

  shouldPush(): boolean {
    return true
  }
}
