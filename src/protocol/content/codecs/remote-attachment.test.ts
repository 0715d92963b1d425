import { describe, expect, it } from 'vitest'
import { createDefaultRegistry } from '../defaults.ts'
import { decodeContent, encodeContent } from '../encoded-content.ts'
import { ContentCodecError } from '../errors.ts'
import { referenceContentClient, refAttachment } from '../testing/xmtp-reference.ts'
import { ContentTypeRemoteAttachment, RemoteAttachmentCodec, type RemoteAttachment } from './remote-attachment.ts'

const registry = createDefaultRegistry()
const reference = referenceContentClient()
const codec = new RemoteAttachmentCodec()

const remote: RemoteAttachment = {
  url: 'https://files.example.com/abc123',
  contentDigest: '9f'.repeat(32),
  salt: Uint8Array.from({ length: 32 }, (_, i) => i),
  nonce: Uint8Array.from({ length: 12 }, (_, i) => 200 + i),
  secret: Uint8Array.from({ length: 32 }, (_, i) => 255 - i),
  scheme: 'https://',
  contentLength: 123456,
  filename: 'holiday.jpg',
}

describe('RemoteAttachmentCodec', () => {
  it('encodes to the same bytes as the reference (hex parameters, decimal length) and decodes both ways', async () => {
    expect(ContentTypeRemoteAttachment.toString()).toBe('xmtp.org/remoteStaticAttachment:1.0')
    const ours = await encodeContent(remote, { contentType: ContentTypeRemoteAttachment }, registry)
    const theirs = await reference.encodeContent(remote, { contentType: refAttachment.ContentTypeRemoteAttachment })
    expect(ours).toEqual(theirs.payload)
    const decoded = await decodeContent(theirs.payload, registry)
    expect(decoded.content).toEqual(remote)
    expect(decoded.parameters).toMatchObject({
      salt: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
      nonce: 'c8c9cacbcccdcecfd0d1d2d3',
      contentLength: '123456',
    })
    expect(decoded.fallback).toBe('Can\u2019t display "holiday.jpg". This app doesn\u2019t support attachments.')
    const back = (await reference.decodeContent(ours)).content
    expect(back.url).toBe(remote.url)
    expect(back.contentLength).toBe(remote.contentLength)
    expect(new Uint8Array(back.secret)).toEqual(remote.secret)
    expect(codec.shouldPush()).toBe(true)
  })

  it('refuses non-https URLs and badly sized keys when encoding', () => {
    expect(() => codec.encode({ ...remote, url: 'http://files.example.com/a' })).toThrow(/https/)
    expect(() => codec.encode({ ...remote, url: 'not a url' })).toThrow(/absolute URL/)
    expect(() => codec.encode({ ...remote, salt: new Uint8Array(31) })).toThrow(RangeError)
    expect(() => codec.encode({ ...remote, nonce: new Uint8Array(16) })).toThrow(/nonce must be 12 bytes/)
    expect(() => codec.encode({ ...remote, contentDigest: 'XYZ' })).toThrow(/contentDigest/)
    expect(() => codec.encode({ ...remote, contentLength: -1 })).toThrow(RangeError)
  })

  it('rejects received parameters that are missing or malformed', () => {
    const good = codec.encode(remote)
    const withParams = (parameters: Record<string, string>) => ({ ...good, parameters: { ...good.parameters, ...parameters } })
    expect(() => codec.decode(withParams({ salt: 'zz' }))).toThrow(ContentCodecError)
    expect(() => codec.decode(withParams({ secret: 'abcd' }))).toThrow(/secret parameter must be 32 bytes/)
    expect(() => codec.decode(withParams({ contentLength: '12kB' }))).toThrow(/contentLength/)
    expect(() => codec.decode(withParams({ contentDigest: 'abc' }))).toThrow(/contentDigest/)
    const { filename: _dropped, ...noFilename } = good.parameters
    expect(() => codec.decode({ ...good, parameters: noFilename })).toThrow(/missing filename/)
    // the scheme is carried as given, not validated on decode (§10.2)
    expect(codec.decode(withParams({ scheme: 'https' })).scheme).toBe('https')
  })
})
