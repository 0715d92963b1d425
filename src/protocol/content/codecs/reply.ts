// xmtp.org/reply:1.0 (§10.2): the content is an encoded inner EncodedContent produced by the
// inner type's codec (no fallback, no compression); parameters name the inner type and target.
import type { CodecRegistry, ContentCodec, EncodedContent, EncodedContentFields } from '../codec.ts'
import { ContentTypeId, toContentTypeId } from '../content-type-id.ts'
import { encodedContentFromBytes, encodedContentToBytes } from '../encoded-content.ts'
import { ContentCodecError, ContentError, UnknownContentTypeError } from '../errors.ts'

export const ContentTypeReply = new ContentTypeId({ authorityId: 'xmtp.org', typeId: 'reply', versionMajor: 1, versionMinor: 0 })

export interface Reply<T = unknown> {
  /** ID (hex SHA-256 of the Message bytes) of the message replied to. */
  reference: string
  /** Inbox of the referenced message's sender (V3 groups only). */
  referenceInboxId?: string
  /** The inner content type; its codec must be in the registry. */
  contentType: ContentTypeId
  content: T
}

export class ReplyCodec implements ContentCodec<Reply> {
  get contentType(): ContentTypeId {
    return ContentTypeReply
  }

  encode(reply: Reply, registry: CodecRegistry): EncodedContentFields {
    if (typeof reply !== 'object' || reply === null) throw new TypeError('reply must be an object')
    if (typeof reply.reference !== 'string') throw new TypeError('reply.reference must be a string')
    if (reply.referenceInboxId !== undefined && typeof reply.referenceInboxId !== 'string') {
      throw new TypeError('reply.referenceInboxId must be a string when given')
    }
    const innerType = toContentTypeId(reply.contentType, 'reply.contentType')
    const codec = registry.codecFor(innerType)
    if (!codec) throw new UnknownContentTypeError(innerType)
    const inner = codec.encode(reply.content, registry)
    // Parameter order as in the reference codec, so both produce identical bytes.
    const parameters: Record<string, string> = { contentType: innerType.toString(), reference: reply.reference }
    if (reply.referenceInboxId) parameters.referenceInboxId = reply.referenceInboxId
    return { type: ContentTypeReply, parameters, content: encodedContentToBytes(inner) }
  }

  decode(encoded: EncodedContent, registry: CodecRegistry): Reply {
    const reference = encoded.parameters.reference
    if (reference === undefined) throw new ContentCodecError(ContentTypeReply, 'missing reference parameter')
    let inner: EncodedContent
    try {
      inner = encodedContentFromBytes(encoded.content)
    } catch (error) {
      throw new ContentCodecError(ContentTypeReply, 'inner content is malformed', { cause: error })
    }
    if (inner.compression !== undefined) {
      throw new ContentCodecError(ContentTypeReply, 'inner content must not be compressed')
    }
    const codec = registry.codecFor(inner.type)
    if (!codec) throw new UnknownContentTypeError(inner.type)
    let content: unknown
    try {
      content = codec.decode(inner, registry)
    } catch (error) {
      if (error instanceof ContentError) throw error
      throw new ContentCodecError(inner.type, 'codec could not decode the reply content', { cause: error })
    }
    const reply: Reply = { reference, contentType: inner.type, content }
    const referenceInboxId = encoded.parameters.referenceInboxId
    if (referenceInboxId !== undefined) reply.referenceInboxId = referenceInboxId
    return reply
  }

  fallback(reply: Reply): string | undefined {
    if (typeof reply.content === 'string') return `Replied with \u201c${reply.content}\u201d to an earlier message`
    return 'Replied to an earlier message'
  }

  shouldPush(): boolean {
    return true
  }
}
