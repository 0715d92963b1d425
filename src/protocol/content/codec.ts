// The codec framework (§10.1): a codec turns one content type's values into EncodedContent
// fields and back; a registry finds the codec for a received type.
import { ContentTypeId, toContentTypeId, type ContentTypeIdFields } from './content-type-id.ts'

/** Compression algorithms of `EncodedContent.compression` (§2.6, §10.3). */
export enum Compression {
  /** zlib-wrapped DEFLATE (RFC 1950), the Compression Streams "deflate" format. 0 is a real value. */
  COMPRESSION_DEFLATE = 0,
  /** gzip (RFC 1952). */
  COMPRESSION_GZIP = 1,
}

/** What a codec produces: the EncodedContent fields it owns. */
export interface EncodedContentFields {
  type: ContentTypeId
  parameters: Record<string, string>
  content: Uint8Array
}

/** A decoded (and already decompressed) `EncodedContent`, as handed to a codec's decode. */
export interface EncodedContent extends EncodedContentFields {
  fallback?: string
  compression?: Compression
}

/** Finds codecs by content type; codecs get one so they can encode nested content. */
export interface CodecRegistry {
  codecFor(contentType: ContentTypeIdFields): ContentCodec<unknown> | undefined
}

export interface ContentCodec<T> {
  readonly contentType: ContentTypeId
  encode(content: T, registry: CodecRegistry): EncodedContentFields
  decode(encoded: EncodedContent, registry: CodecRegistry): T
  /** Text shown by clients that lack this codec; undefined for none. */
  fallback(content: T): string | undefined
  /** Whether a message with this content should trigger a push notification. */
  shouldPush(content: T): boolean
}

function checkCodec(codec: unknown): { codec: ContentCodec<unknown>; type: ContentTypeId } {
  const c = codec as Partial<ContentCodec<unknown>> | null
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.encode !== 'function' ||
    typeof c.decode !== 'function' ||
    typeof c.fallback !== 'function' ||
    typeof c.shouldPush !== 'function'
  ) {
    throw new TypeError('codec must have a contentType and encode, decode, fallback, shouldPush methods')
  }
  // Plain {authorityId, typeId, versionMajor, versionMinor} objects are accepted too, so codecs
  // written against the xmtp-js interfaces (e.g. @xmtp/content-type-*) can be registered as is.
  const type = toContentTypeId(c.contentType as ContentTypeIdFields, 'codec.contentType')
  return { codec: c as ContentCodec<unknown>, type }
}

/**
 * A mutable set of codecs keyed by `authority/type`. Registering a codec for a key that is
 * already present replaces it, so apps can override a standard codec.
 */
export class ContentCodecRegistry implements CodecRegistry {
  readonly #codecs = new Map<string, ContentCodec<unknown>>()
  readonly #majors = new Map<string, number>()

  constructor(codecs: Iterable<ContentCodec<any>> = []) {
    for (const codec of codecs) this.register(codec)
  }

  register(codec: ContentCodec<any>): this {
    const { codec: checked, type } = checkCodec(codec)
    this.#codecs.set(type.key, checked)
    this.#majors.set(type.key, type.versionMajor)
    return this
  }

  /**
   * The codec for a type, or undefined when none is registered or when the type's major
   * version is newer than the codec's (§10.1: such content is treated as unknown).
   */
  codecFor(contentType: ContentTypeIdFields): ContentCodec<unknown> | undefined {
    if (typeof contentType !== 'object' || contentType === null) throw new TypeError('contentType must be a ContentTypeId')
    const key = `${contentType.authorityId}/${contentType.typeId}`
    const codec = this.#codecs.get(key)
    if (!codec || contentType.versionMajor > (this.#majors.get(key) ?? 0)) return undefined
    return codec
  }

  /** The registered codecs, in registration order. */
  codecs(): ContentCodec<unknown>[] {
    return [...this.#codecs.values()]
  }
}
