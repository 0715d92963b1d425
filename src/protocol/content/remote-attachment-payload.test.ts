import { describe, expect, it } from 'vitest'
import { sha256 } from '../crypto/hashes.ts'
import { toHex } from '../../wire/bytes.ts'
import { type Attachment } from './codecs/attachment.ts'
import { ContentTypeRemoteAttachment, type RemoteAttachment } from './codecs/remote-attachment.ts'
import { TextCodec } from './codecs/text.ts'
import { ContentCodecRegistry } from './codec.ts'
import { createDefaultRegistry } from './defaults.ts'
import { decodeContent, encodeContent } from './encoded-content.ts'
import {
  RemoteAttachmentDecryptionError,
  RemoteAttachmentDigestError,
  UnknownContentTypeError,
} from './errors.ts'
import { decryptRemoteAttachment, encryptAttachment, encryptContentForUpload, toRemoteAttachment } from './remote-attachment-payload.ts'
import { refAttachment } from './testing/xmtp-reference.ts'

const registry = createDefaultRegistry()
const attachment: Attachment = {
  filename: 'notes.txt',
  mimeType: 'text/plain',
  data: new TextEncoder().encode('meet at the usual place at noon'),
}
const url = 'https://uploads.example.com/f/1'

function asRemote(encrypted: { contentDigest?: string; digest?: string; salt: Uint8Array; nonce: Uint8Array; secret: Uint8Array }): RemoteAttachment {
  return {
    url,
    contentDigest: encrypted.contentDigest ?? encrypted.digest!,
    salt: encrypted.salt,
    nonce: encrypted.nonce,
    secret: encrypted.secret,
    scheme: 'https://',
    contentLength: attachment.data.length,
    filename: attachment.filename,
  }
}

describe('remote attachment payloads', () => {
  it('encrypts an attachment we decrypt, with the digest of the uploaded bytes', async () => {
    const encrypted = await encryptAttachment(attachment)
    expect(encrypted.contentDigest).toBe(toHex(sha256(encrypted.payload)))
    expect(encrypted.contentLength).toBe(attachment.data.length)
    expect([encrypted.salt.length, encrypted.nonce.length, encrypted.secret.length]).toEqual([32, 12, 32])
    const remote = toRemoteAttachment(encrypted, { url, filename: attachment.filename })
    expect(remote.scheme).toBe('https://')
    expect(await decryptRemoteAttachment(remote, encrypted.payload, registry)).toEqual(attachment)
    // and the message that points at it round-trips
    const message = await encodeContent(remote, { contentType: ContentTypeRemoteAttachment }, registry)
    const received = (await decodeContent<RemoteAttachment>(message, registry)).content!
    expect(await decryptRemoteAttachment(received, encrypted.payload, registry)).toEqual(attachment)
  })

  it('decrypts a payload encrypted by the reference SDK', async () => {
    const theirs = await refAttachment.RemoteAttachmentCodec.encodeEncrypted(attachment, new refAttachment.AttachmentCodec())
    const decrypted = await decryptRemoteAttachment(asRemote(theirs), new Uint8Array(theirs.payload), registry)
    expect(decrypted).toEqual(attachment)
  })

  it('produces payloads the reference SDK decrypts', async () => {
    const encrypted = await encryptAttachment(attachment)
    const remote = toRemoteAttachment(encrypted, { url, filename: attachment.filename })
    // RemoteAttachmentCodec.load fetches the URL; serve our payload to it from memory.
    const realFetch = globalThis.fetch
    globalThis.fetch = (async (input: unknown) => {
      expect(String(input)).toBe(url)
      return new Response(encrypted.payload as Uint8Array<ArrayBuffer>)
    }) as typeof fetch
    try {
      const referenceRegistry = { codecFor: () => new refAttachment.AttachmentCodec() }
      const loaded = await (refAttachment.RemoteAttachmentCodec as unknown as {
        load(r: RemoteAttachment, reg: unknown): Promise<Attachment>
      }).load(remote, referenceRegistry)
      expect(loaded.filename).toBe(attachment.filename)
      expect(new Uint8Array(loaded.data)).toEqual(attachment.data)
    } finally {
      globalThis.fetch = realFetch
    }
  })

  it('rejects a tampered payload with RemoteAttachmentDigestError before decrypting', async () => {
    const encrypted = await encryptAttachment(attachment)
    const remote = toRemoteAttachment(encrypted, { url, filename: attachment.filename })
    const tampered = encrypted.payload.slice()
    tampered[3]! ^= 0x01
    await expect(decryptRemoteAttachment(remote, tampered, registry)).rejects.toBeInstanceOf(RemoteAttachmentDigestError)
    await expect(decryptRemoteAttachment(remote, encrypted.payload.subarray(1), registry)).rejects.toBeInstanceOf(
      RemoteAttachmentDigestError,
    )
  })

  it('rejects a wrong secret or nonce with RemoteAttachmentDecryptionError', async () => {
    const encrypted = await encryptAttachment(attachment)
    const remote = toRemoteAttachment(encrypted, { url, filename: attachment.filename })
    const wrongSecret = { ...remote, secret: remote.secret.map((b) => b ^ 0xff) }
    await expect(decryptRemoteAttachment(wrongSecret, encrypted.payload, registry)).rejects.toBeInstanceOf(
      RemoteAttachmentDecryptionError,
    )
    const wrongNonce = { ...remote, nonce: new Uint8Array(12) }
    await expect(decryptRemoteAttachment(wrongNonce, encrypted.payload, registry)).rejects.toBeInstanceOf(
      RemoteAttachmentDecryptionError,
    )
    // a payload too short to hold a GCM tag, with a matching digest, is a decryption failure too
    const short = new Uint8Array(5)
    await expect(
      decryptRemoteAttachment({ ...remote, contentDigest: toHex(sha256(short)) }, short, registry),
    ).rejects.toBeInstanceOf(RemoteAttachmentDecryptionError)
  })

  it('encrypts other content types and needs their codec to decode', async () => {
    const encrypted = await encryptContentForUpload('a long text moved out of band', new TextCodec())
    const remote = { ...toRemoteAttachment(encrypted, { url, filename: 'text' }) }
    expect(await decryptRemoteAttachment<string>(remote, encrypted.payload, registry)).toBe('a long text moved out of band')
    await expect(decryptRemoteAttachment(remote, encrypted.payload, new ContentCodecRegistry())).rejects.toBeInstanceOf(
      UnknownContentTypeError,
    )
  })

  it('checks its arguments', async () => {
    const encrypted = await encryptAttachment(attachment)
    expect(() => toRemoteAttachment(encrypted, { url: 'ftp://x/y', filename: 'a' })).toThrow(/https/)
    await expect(decryptRemoteAttachment(null as never, encrypted.payload, registry)).rejects.toThrow(TypeError)
    const remote = toRemoteAttachment(encrypted, { url, filename: 'a' })
    await expect(decryptRemoteAttachment(remote, 'bytes' as never, registry)).rejects.toThrow(/payload must be a Uint8Array/)
    await expect(decryptRemoteAttachment({ ...remote, contentDigest: 'abcd' }, encrypted.payload, registry)).rejects.toThrow(
      RangeError,
    )
    await expect(encryptAttachment({ ...attachment, data: 'x' as never })).rejects.toThrow(TypeError)
  })
})
