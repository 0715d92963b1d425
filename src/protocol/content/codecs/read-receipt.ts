// xmtp.org/readReceipt:1.0 (§10.2): no parameters, empty content, never pushed.
import type { ContentCodec, EncodedContentFields } from '../codec.ts'
import { ContentTypeId } from '../content-type-id.ts'

export const ContentTypeReadReceipt = new ContentTypeId({
  authorityId: 'xmtp.org',
  typeId: 'readReceipt',
  versionMajor: 1,
  versionMinor: 0,
})

export type ReadReceipt = Record<string, never>

export class ReadReceiptCodec implements ContentCodec<ReadReceipt> {
  get contentType(): ContentTypeId {
    return ContentTypeReadReceipt
  }

  encode(content: ReadReceipt): EncodedContentFields {
    if (typeof content !== 'object' || content === null) throw new TypeError('read receipt content must be an object ({})')
    return { type: ContentTypeReadReceipt, parameters: {}, content: new Uint8Array(0) }
  }

  decode(): ReadReceipt {
    return {}
  }

  fallback(): string | undefined {
    return undefined
  }

  shouldPush(): boolean {
    return false
  }
}
