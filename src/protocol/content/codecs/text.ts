// xmtp.org/text:1.0 (§10.2): UTF-8 text with parameter encoding=UTF-8.
import type { ContentCodec, EncodedContent, EncodedContentFields } from '../codec.ts'
import { ContentTypeId } from '../content-type-id.ts'
import { ContentCodecError } from '../errors.ts'

export const ContentTypeText = new ContentTypeId({ authorityId: 'xmtp.org', typeId: 'text', versionMajor: 1, versionMinor: 0 })

const TEXT_ENCODING = 'UTF-8'
// Not fatal: like the reference SDK, show malformed sequences as U+FFFD rather than drop the message.
const lenientDecoder = new TextDecoder('utf-8')
const encoder = new TextEncoder()

export class TextCodec implements ContentCodec<string> {
  get contentType(): ContentTypeId {
    return ContentTypeText
  }

  encode(content: string): EncodedContentFields {
    if (typeof content !== 'string') throw new TypeError('text content must be a string')
    return { type: ContentTypeText, parameters: { encoding: TEXT_ENCODING }, content: encoder.encode(content) }
  }

  decode(encoded: EncodedContent): string {
    const encoding = encoded.parameters.encoding
    if (encoding !== TEXT_ENCODING) {
      throw new ContentCodecError(ContentTypeText, `unrecognized encoding ${JSON.stringify(encoding ?? null)}`)
    }
    return lenientDecoder.decode(encoded.content)
  }

  fallback(): string | undefined {
    return undefined
  }

  shouldPush(): boolean {
    return true
  }
}
