// Encoding content values to `EncodedContent` bytes and back (§2.6, §10.1, §10.3).
import { xmtp } from '../../gen/proto.js'
import { Compression, type CodecRegistry, type EncodedContent, type EncodedContentFields } from './codec.ts'
import { ContentTypeId, toContentTypeId, type ContentTypeIdFields } from './content-type-id.ts'
import { compress, decompress, DEFAULT_MAX_DECOMPRESSED_BYTES, isCompression } from './compression.ts'
import { ContentCodecError, ContentError, DecompressedSizeError, MalformedContentError, UnknownContentTypeError } from './errors.ts'

const EncodedContentProto = xmtp.message_contents.EncodedContent

/** The reference SDK never compresses content shorter than this (§10.3). */
export const MIN_COMPRESSIBLE_BYTES = 10

function checkRegistry(registry: unknown): CodecRegistry {
  if (typeof registry !== 'object' || registry === null || typeof (registry as CodecRegistry).codecFor !== 'function') {
    throw new TypeError('registry must have a codecFor method')
  }
  return registry as CodecRegistry
}

/**
 * Serializes EncodedContent fields. Only fields that are present are written, so a
 * DEFLATE (= 0) compression is emitted and an absent fallback is not (§14 item 11).
 */
export function encodedContentToBytes(encoded: EncodedContentFields & Partial<EncodedContent>): Uint8Array {
  const message: xmtp.message_contents.EncodedContent.$Properties = {
    type: toContentTypeId(encoded.type, 'encoded.type').toProto(),
    parameters: { ...encoded.parameters },
    content: encoded.content,
  }
  if (encoded.fallback !== undefined) message.fallback = encoded.fallback
  if (encoded.compression !== undefined) message.compression = encoded.compression
  return EncodedContentProto.encode(message).finish()
}

/**
 * A plain Uint8Array view of the same memory: protobufjs hands out Node Buffers when it
 * reads from a Buffer, and callers should see one type in Node and in browsers.
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Parses EncodedContent bytes without decompressing. Throws MalformedContentError when the
 * bytes are not protobuf, carry no type, or name an invalid type or compression.
 */
export function encodedContentFromBytes(bytes: Uint8Array): EncodedContent {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('encoded content must be a Uint8Array')
  let decoded: xmtp.message_contents.EncodedContent
  try {
    decoded = EncodedContentProto.decode(bytes)
  } catch (error) {
    throw new MalformedContentError('encoded content is not a valid EncodedContent message', { cause: error })
  }
  if (!decoded.type) throw new MalformedContentError('encoded content has no content type')
  let type: ContentTypeId
  try {
    type = ContentTypeId.fromProto(decoded.type)
  } catch (error) {
    throw new MalformedContentError('encoded content has an invalid content type', { cause: error })
  }
  const result: EncodedContent = { type, parameters: { ...decoded.parameters }, content: plainBytes(decoded.content) }
  if (Object.prototype.hasOwnProperty.call(decoded, 'fallback') && decoded.fallback != null) result.fallback = decoded.fallback
  if (Object.prototype.hasOwnProperty.call(decoded, 'compression') && decoded.compression != null) {
    if (!isCompression(decoded.compression)) {
      throw new MalformedContentError(`encoded content names unknown compression ${String(decoded.compression)}`)
    }
    result.compression = decoded.compression
  }
  return result
}

export interface EncodeContentOptions {
  contentType: ContentTypeId | ContentTypeIdFields
  /** Compress the content bytes (only done when they are at least 10 bytes long, as xmtp-js does). */
  compression?: Compression
}

export interface PreparedContent {
  /** Encoded `EncodedContent` bytes, ready to be signed and encrypted. */
  payload: Uint8Array
  /** The codec's push decision for this content (goes into MessageV2.should_push). */
  shouldPush: boolean
  fallback: string | undefined
}

/**
 * Encodes a value with the registry's codec for `contentType`, sets the codec's fallback and
 * compresses when asked. Throws UnknownContentTypeError when no codec is registered.
 *
 * Note: xmtp-js 13 peers inflate with a 1000-byte cap (§10.3), so they cannot read compressed
 * content that decompresses to more than 1000 bytes.
 */
export async function prepareContent(
  content: unknown,
  options: EncodeContentOptions,
  registry: CodecRegistry,
): Promise<PreparedContent> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  checkRegistry(registry)
  const contentType = toContentTypeId(options.contentType, 'options.contentType')
  if (options.compression !== undefined && !isCompression(options.compression)) {
    throw new RangeError(`options.compression ${String(options.compression)} is not supported`)
  }
  const codec = registry.codecFor(contentType)
  if (!codec) throw new UnknownContentTypeError(contentType)
  const fields = codec.encode(content, registry)
  if (typeof fields !== 'object' || fields === null || !(fields.content instanceof Uint8Array)) {
    throw new TypeError(`codec for ${contentType.toString()} returned no content bytes`)
  }
  const encoded: EncodedContent = {
    type: toContentTypeId(fields.type, 'encoded.type'),
    parameters: fields.parameters ?? {},
    content: fields.content,
  }
  const fallback = codec.fallback(content)
  if (fallback !== undefined && fallback !== '') encoded.fallback = fallback
  if (options.compression !== undefined && encoded.content.length >= MIN_COMPRESSIBLE_BYTES) {
    encoded.compression = options.compression
    encoded.content = await compress(encoded.content, options.compression)
  }
  return { payload: encodedContentToBytes(encoded), shouldPush: codec.shouldPush(content), fallback: encoded.fallback }
}

/** Like prepareContent, returning only the `EncodedContent` bytes. */
export async function encodeContent(
  content: unknown,
  options: EncodeContentOptions,
  registry: CodecRegistry,
): Promise<Uint8Array> {
  return (await prepareContent(content, options, registry)).payload
}

export interface DecodedContent<T = unknown> {
  /** The decoded value; undefined when `error` is set. */
  content: T | undefined
  contentType: ContentTypeId
  /** UnknownContentTypeError when no codec fits, ContentCodecError when the codec rejected it. */
  error?: ContentError
  /** The sender's fallback text, for display when `content` is undefined. */
  fallback?: string
  /** The compression the sender used, if any. */
  compression?: Compression
  /** When compressed: the size it inflated to (what a decompression budget spends). */
  decompressedBytes?: number
  parameters: Record<string, string>
}

export interface DecodeContentOptions {
  /** Cap on decompressed size (default 10 MiB). */
  maxDecompressedBytes?: number
}

/**
 * Decodes `EncodedContent` bytes: parse, decompress (any present compression, including
 * DEFLATE = 0), then run the codec.
 *
 * Throws MalformedContentError for bytes that are not a usable EncodedContent and
 * DecompressedSizeError past the size cap. A type without a codec (or with a newer major
 * version) and a codec that rejects its input do not throw: the result carries `error` and
 * the sender's `fallback` instead, so a conversation can still show something.
 */
export async function decodeContent<T = unknown>(
  bytes: Uint8Array,
  registry: CodecRegistry,
  options: DecodeContentOptions = {},
): Promise<DecodedContent<T>> {
  checkRegistry(registry)
  const maxBytes = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError('options.maxDecompressedBytes must be a non-negative safe integer')
  }
  const encoded = encodedContentFromBytes(bytes)
  if (encoded.compression !== undefined) {
    // A spent budget refuses without inflating anything (issue 19).
    if (maxBytes === 0) throw new DecompressedSizeError(0)
    encoded.content = await decompress(encoded.content, encoded.compression, maxBytes)
  }
  const result: DecodedContent<T> = { content: undefined, contentType: encoded.type, parameters: encoded.parameters }
  if (encoded.compression !== undefined) result.decompressedBytes = encoded.content.length
  if (encoded.fallback !== undefined) result.fallback = encoded.fallback
  if (encoded.compression !== undefined) result.compression = encoded.compression
  const codec = registry.codecFor(encoded.type)
  if (!codec) {
    result.error = new UnknownContentTypeError(encoded.type)
    return result
  }
  try {
    result.content = codec.decode(encoded, registry) as T
  } catch (error) {
    result.error =
      error instanceof ContentError ? error : new ContentCodecError(encoded.type, 'codec could not decode the content', { cause: error })
  }
  return result
}
