// xmtp.org/remoteStaticAttachment:1.0 (§10.2): a URL to an encrypted payload plus, in the
// parameters, what is needed to check and decrypt it (hex salt/nonce/secret, hex SHA-256
// contentDigest of the encrypted payload, decimal contentLength).
import type { ContentCodec, EncodedContent, EncodedContentFields } from '../codec.ts'
import { ContentTypeId } from '../content-type-id.ts'
import { ContentCodecError } from '../errors.ts'
import { fromHex, fromUtf8, toHex, utf8 } from '../../../wire/bytes.ts'
import { attachmentFallback } from './attachment.ts'

export const ContentTypeRemoteAttachment = new ContentTypeId({
  authorityId: 'xmtp.org',
  typeId: 'remoteStaticAttachment',
  versionMajor: 1,
  versionMinor: 0,
})

export interface RemoteAttachment {
  url: string
  /** Lowercase hex SHA-256 of the encrypted payload at `url`. */
  contentDigest: string
  /** HKDF salt (32 bytes), AES-GCM nonce (12 bytes) and secret (32 bytes) of the payload. */
  salt: Uint8Array
  nonce: Uint8Array
  secret: Uint8Array
  /** e.g. "https://"; carried as given, not validated on decode. */
  scheme: string
  /** Size of the attachment before encryption. */
  contentLength: number
  filename: string
}

export const REMOTE_ATTACHMENT_SALT_BYTES = 32
export const REMOTE_ATTACHMENT_NONCE_BYTES = 12
export const REMOTE_ATTACHMENT_SECRET_BYTES = 32

const DIGEST_PATTERN = /^[0-9a-f]{64}$/

function checkBytes(value: unknown, length: number, label: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${label} must be a Uint8Array`)
  if (value.length !== length) throw new RangeError(`${label} must be ${length} bytes`)
  return value
}

/** Checks every field of a RemoteAttachment; throws labelled TypeError/RangeError. */
export function checkRemoteAttachment(content: RemoteAttachment): void {
  if (typeof content !== 'object' || content === null) throw new TypeError('remote attachment must be an object')
  if (typeof content.url !== 'string') throw new TypeError('remoteAttachment.url must be a string')
  // The reference encoder insists on https; parse too, so a junk URL never leaves the client.
  let url: URL
  try {
    url = new URL(content.url)
  } catch {
    throw new TypeError('remoteAttachment.url must be an absolute URL')
  }
  if (url.protocol !== 'https:') throw new TypeError('remoteAttachment.url must use https')
  if (typeof content.contentDigest !== 'string' || !DIGEST_PATTERN.test(content.contentDigest)) {
    throw new TypeError('remoteAttachment.contentDigest must be 64 lowercase hex digits')
  }
  checkBytes(content.salt, REMOTE_ATTACHMENT_SALT_BYTES, 'remoteAttachment.salt')
  checkBytes(content.nonce, REMOTE_ATTACHMENT_NONCE_BYTES, 'remoteAttachment.nonce')
  checkBytes(content.secret, REMOTE_ATTACHMENT_SECRET_BYTES, 'remoteAttachment.secret')
  if (typeof content.scheme !== 'string') throw new TypeError('remoteAttachment.scheme must be a string')
  if (!Number.isSafeInteger(content.contentLength) || content.contentLength < 0) {
    throw new RangeError('remoteAttachment.contentLength must be a non-negative integer')
  }
  if (typeof content.filename !== 'string') throw new TypeError('remoteAttachment.filename must be a string')
}

function fail(message: string, cause?: unknown): never {
  throw new ContentCodecError(ContentTypeRemoteAttachment, message, cause === undefined ? undefined : { cause })
}

function param(encoded: EncodedContent, name: string): string {
  const value = encoded.parameters[name]
  if (value === undefined) fail(`missing ${name} parameter`)
  return value
}

function hexParam(encoded: EncodedContent, name: string, length: number): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = fromHex(param(encoded, name), name)
  } catch (error) {
    if (error instanceof ContentCodecError) throw error
    fail(`${name} parameter is not hex`, error)
  }
  if (bytes.length !== length) fail(`${name} parameter must be ${length} bytes`)
  return bytes
}

export class RemoteAttachmentCodec implements ContentCodec<RemoteAttachment> {
  get contentType(): ContentTypeId {
    return ContentTypeRemoteAttachment
  }

  encode(content: RemoteAttachment): EncodedContentFields {
    checkRemoteAttachment(content)
    return {
      type: ContentTypeRemoteAttachment,
      // Parameter order as in the reference codec, so both produce identical bytes.
      parameters: {
        contentDigest: content.contentDigest,
        salt: toHex(content.salt),
        nonce: toHex(content.nonce),
        secret: toHex(content.secret),
        scheme: content.scheme,
        contentLength: String(content.contentLength),
        filename: content.filename,
      },
      content: utf8(content.url),
    }
  }

  decode(encoded: EncodedContent): RemoteAttachment {
    let url: string
    try {
      url = fromUtf8(encoded.content)
    } catch (error) {
      fail('url is not UTF-8', error)
    }
    const contentDigest = param(encoded, 'contentDigest').toLowerCase()
    if (!DIGEST_PATTERN.test(contentDigest)) fail('contentDigest parameter must be 64 hex digits')
    const lengthText = param(encoded, 'contentLength')
    if (!/^\d+$/.test(lengthText)) fail('contentLength parameter must be a decimal integer')
    const contentLength = Number(lengthText)
    if (!Number.isSafeInteger(contentLength)) fail('contentLength parameter is out of range')
    return {
      url,
      contentDigest,
      salt: hexParam(encoded, 'salt', REMOTE_ATTACHMENT_SALT_BYTES),
      nonce: hexParam(encoded, 'nonce', REMOTE_ATTACHMENT_NONCE_BYTES),
      secret: hexParam(encoded, 'secret', REMOTE_ATTACHMENT_SECRET_BYTES),
      scheme: param(encoded, 'scheme'),
      contentLength,
      filename: param(encoded, 'filename'),
    }
  }

  fallback(content: RemoteAttachment): string | undefined {
    return attachmentFallback(content.filename)
  }

  shouldPush(): boolean {
    return true
  }
}
