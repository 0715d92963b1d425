// Typed errors of the content layer (§10). Callers branch on the class, never on message text.
import type { ContentTypeId } from './content-type-id.ts'
import { ReasonError } from '../utils/errors.ts'

export type ContentErrorReason =
  | 'unknown-content-type' // no codec for the type (or its major version is newer)
  | 'malformed' // not a usable EncodedContent
  | 'too-large' // decompression would exceed the output cap
  | 'codec-failed' // a codec could not read content of its own type
  | 'attachment-digest-mismatch' // a remote attachment's payload does not match its digest
  | 'attachment-decryption-failed' // a remote attachment's payload did not decrypt

/** Base class of every error raised by the content layer; each class carries one reason. */
export abstract class ContentError extends ReasonError<ContentErrorReason> {
  /** The reason every instance of the class carries. */
  static readonly reason: ContentErrorReason = 'malformed'
  constructor(message: string, options?: { cause?: unknown }) {
    super((new.target as unknown as { reason: ContentErrorReason }).reason, message, options)
  }
}

/** No codec is registered for the type (or the received major version is newer than ours). */
export class UnknownContentTypeError extends ContentError {
  static override readonly reason = 'unknown-content-type'
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
  static override readonly reason = 'too-large'
  readonly limit: number
  constructor(limit: number) {
    super(`decompressed content exceeds the ${limit}-byte limit`)
    this.limit = limit
  }
}

/** A codec could not make sense of an EncodedContent of its own type. */
export class ContentCodecError extends ContentError {
  static override readonly reason = 'codec-failed'
  readonly contentType: ContentTypeId
  constructor(contentType: ContentTypeId, message: string, options?: { cause?: unknown }) {
    super(`${contentType.toString()}: ${message}`, options)
    this.contentType = contentType
  }
}

/** A downloaded remote-attachment payload does not hash to the advertised contentDigest. */
export class RemoteAttachmentDigestError extends ContentError {
  static override readonly reason = 'attachment-digest-mismatch'
  constructor() {
    super('remote attachment payload does not match its contentDigest')
  }
}

/** A remote-attachment payload failed to decrypt (wrong secret, salt or nonce, or tampering). */
export class RemoteAttachmentDecryptionError extends ContentError {
  static override readonly reason = 'attachment-decryption-failed'
}
