// Typed errors of the content layer (§10). Callers branch on the class, never on message text.
import type { ContentTypeId } from './content-type-id.ts'

/** Base class of every error raised by the content layer. */
export class ContentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** No codec is registered for the type (or the received major version is newer than ours). */
export class UnknownContentTypeError extends ContentError {
  readonly contentType: ContentTypeId
  constructor(contentType: ContentTypeId) {
    super(`unknown content type ${contentType.toString()}`)
    this.contentType = contentType
  }
}

/** The bytes are not a usable EncodedContent (bad protobuf, no type, corrupt compression). */
export class MalformedContentError extends ContentError {}

/** Decompression would exceed the configured output cap. */
export class DecompressedSizeError extends ContentError {
  readonly limit: number
  constructor(limit: number) {
    super(`decompressed content exceeds the ${limit}-byte limit`)
    this.limit = limit
  }
}

/** A codec could not make sense of an EncodedContent of its own type. */
export class ContentCodecError extends ContentError {
  readonly contentType: ContentTypeId
  constructor(contentType: ContentTypeId, message: string, options?: { cause?: unknown }) {
    super(`${contentType.toString()}: ${message}`, options)
    this.contentType = contentType
  }
}

/** A downloaded remote-attachment payload does not hash to the advertised contentDigest. */
export class RemoteAttachmentDigestError extends ContentError {
  constructor() {
    super('remote attachment payload does not match its contentDigest')
  }
}

/** A remote-attachment payload failed to decrypt (wrong secret, salt or nonce, or tampering). */
export class RemoteAttachmentDecryptionError extends ContentError {}
