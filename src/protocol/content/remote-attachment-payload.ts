// Encrypting content for upload as a remote attachment, and checking + decrypting a
// downloaded payload (§10.2 "Remote attachment scheme", §4.3). Fetching and uploading are
// the caller's business; these functions only transform bytes.
import { decrypt, encrypt } from '../crypto/ciphertext.ts'
import { sha256 } from '../crypto/hashes.ts'
import { randomBytes } from '../crypto/random.ts'
import { toHex, equalBytes, fromHex } from '../../wire/bytes.ts'
import type { CodecRegistry, ContentCodec } from './codec.ts'
import { AttachmentCodec, type Attachment } from './codecs/attachment.ts'
import {
  checkRemoteAttachment,
  REMOTE_ATTACHMENT_SECRET_BYTES,
  type RemoteAttachment,
} from './codecs/remote-attachment.ts'
import { decompress, DEFAULT_MAX_DECOMPRESSED_BYTES } from './compression.ts'
import { encodedContentFromBytes, encodedContentToBytes } from './encoded-content.ts'
import {
  ContentCodecError,
  ContentError,
  RemoteAttachmentDecryptionError,
  RemoteAttachmentDigestError,
  UnknownContentTypeError,
} from './errors.ts'

/** An encrypted payload ready for upload, and the values a RemoteAttachment must carry. */
export interface EncryptedRemotePayload {
  /** Upload these bytes (the raw AES-GCM payload, tag appended). */
  payload: Uint8Array
  /** Lowercase hex SHA-256 of `payload`. */
  contentDigest: string
  salt: Uint8Array
  nonce: Uint8Array
  secret: Uint8Array
  /** Plaintext size: the attachment's data length, or the encoded content length for other types. */
  contentLength: number
}

const EMPTY_REGISTRY: CodecRegistry = { codecFor: () => undefined }

/**
 * Encodes `content` with `codec` (no fallback, no compression), then encrypts the
 * EncodedContent bytes under a fresh random 32-byte secret with no AAD.
 */
export async function encryptContentForUpload<T>(
  content: T,
  codec: ContentCodec<T>,
  registry: CodecRegistry = EMPTY_REGISTRY,
): Promise<EncryptedRemotePayload> {
  if (typeof codec !== 'object' || codec === null || typeof codec.encode !== 'function') {
    throw new TypeError('codec must be a ContentCodec')
  }
  const plaintext = encodedContentToBytes(codec.encode(content, registry))
  const secret = randomBytes(REMOTE_ATTACHMENT_SECRET_BYTES)
  const { aes256GcmHkdfSha256 } = await encrypt(plaintext, secret)
  const { hkdfSalt, gcmNonce, payload } = aes256GcmHkdfSha256
  return {
    payload,
    contentDigest: toHex(sha256(payload)),
    salt: hkdfSalt,
    nonce: gcmNonce,
    secret,
    contentLength: plaintext.length,
  }
}

/** Encrypts an attachment for upload; `contentLength` is the file's size. */
export async function encryptAttachment(attachment: Attachment): Promise<EncryptedRemotePayload> {
  const encrypted = await encryptContentForUpload(attachment, new AttachmentCodec())
  return { ...encrypted, contentLength: attachment.data.length }
}

/** Builds the RemoteAttachment message content for an uploaded payload. */
export function toRemoteAttachment(
  encrypted: EncryptedRemotePayload,
  target: { url: string; filename: string; scheme?: string },
): RemoteAttachment {
  if (typeof target !== 'object' || target === null) throw new TypeError('target must be an object')
  const remote: RemoteAttachment = {
    url: target.url,
    contentDigest: encrypted.contentDigest,
    salt: encrypted.salt,
    nonce: encrypted.nonce,
    secret: encrypted.secret,
    scheme: target.scheme ?? 'https://',
    contentLength: encrypted.contentLength,
    filename: target.filename,
  }
  checkRemoteAttachment(remote)
  return remote
}

export interface DecryptRemoteOptions {
  /** Cap on decompressed size if the inner content is compressed (default 10 MiB). */
  maxDecompressedBytes?: number
}

/**
 * Checks a downloaded payload against `remote.contentDigest` (RemoteAttachmentDigestError),
 * decrypts it (RemoteAttachmentDecryptionError) and decodes the inner content with the
 * registry (normally an Attachment). An inner type without a codec throws
 * UnknownContentTypeError; a codec failure throws ContentCodecError.
 */
export async function decryptRemoteAttachment<T = Attachment>(
  remote: RemoteAttachment,
  payload: Uint8Array,
  registry: CodecRegistry,
  options: DecryptRemoteOptions = {},
): Promise<T> {
  if (typeof remote !== 'object' || remote === null) throw new TypeError('remote must be a RemoteAttachment')
  if (!(payload instanceof Uint8Array)) throw new TypeError('payload must be a Uint8Array')
  if (typeof registry !== 'object' || registry === null || typeof registry.codecFor !== 'function') {
    throw new TypeError('registry must have a codecFor method')
  }
  let expected: Uint8Array
  try {
    expected = fromHex(remote.contentDigest, 'remote.contentDigest')
  } catch {
    throw new TypeError('remote.contentDigest must be hex')
  }
  if (expected.length !== 32) throw new RangeError('remote.contentDigest must be 32 bytes of hex')
  if (!equalBytes(sha256(payload), expected)) throw new RemoteAttachmentDigestError()

  let plaintext: Uint8Array
  try {
    plaintext = await decrypt(
      { aes256GcmHkdfSha256: { hkdfSalt: remote.salt, gcmNonce: remote.nonce, payload } },
      remote.secret,
    )
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw error
    throw new RemoteAttachmentDecryptionError('remote attachment payload could not be decrypted', { cause: error })
  }

  const encoded = encodedContentFromBytes(plaintext)
  if (encoded.compression !== undefined) {
    encoded.content = await decompress(
      encoded.content,
      encoded.compression,
      options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES,
    )
  }
  const codec = registry.codecFor(encoded.type)
  if (!codec) throw new UnknownContentTypeError(encoded.type)
  try {
    return codec.decode(encoded, registry) as T
  } catch (error) {
    if (error instanceof ContentError) throw error
    throw new ContentCodecError(encoded.type, 'codec could not decode the attachment content', { cause: error })
  }
}
