// Every standard content type crosses between Parley and xmtp-js 13 in a V2
// conversation through a real node: text (also compressed), reaction, reply, read
// receipt, attachment, remote attachment; references (message IDs) agree; unknown
// types decode to an error plus fallback instead of a crash.
import { beforeAll, describe, expect, it } from 'vitest'
import {
  Client,
  Compression,
  ContentTypeAttachment,
  ContentTypeId,
  ContentTypeReaction,
  ContentTypeReadReceipt,
  ContentTypeRemoteAttachment,
  ContentTypeReply,
  ContentTypeText,
  type Conversation,
  type ContentCodec,
} from '../../src/protocol/index.ts'
import { sha256 } from '../../src/protocol/crypto/hashes.ts'
import { toHex, utf8, fromUtf8 } from '../../src/wire/bytes.ts'
import { refAttachment, refPrimitives, refReaction, refReadReceipt, refReply, refText, xmtpJs } from '../helpers/xmtp-js.ts'
import { useParleyAndXmtpJs } from '../helpers/interop-setup.ts'

/* eslint-disable @typescript-eslint/no-explicit-any */
// A custom type, known to xmtp-js and (in one test) to Parley through `codecs`.
const customType = { authorityId: 'parley.test', typeId: 'number', versionMajor: 1, versionMinor: 0 }
const jsNumberCodec = {
  contentType: new refPrimitives.ContentTypeId(customType),
  encode: (n: number) => ({ type: customType, parameters: {}, content: new TextEncoder().encode(String(n)) }),
  decode: (encoded: any) => Number(new TextDecoder().decode(encoded.content)),
  fallback: (n: number) => `a number: ${n}`,
  shouldPush: () => false,
}
const parleyNumberCodec: ContentCodec<number> = {
  contentType: new ContentTypeId(customType),
  encode: (n) => ({ type: new ContentTypeId(customType), parameters: {}, content: utf8(String(n)) }),
  decode: (encoded) => Number(fromUtf8(encoded.content)),
  fallback: (n) => `a number: ${n}`,
  shouldPush: () => false,
}

const env = useParleyAndXmtpJs()
let convo: Conversation
let jsConvo: any

beforeAll(async () => {
  env.js.registerCodec(jsNumberCodec)
  convo = await env.parley.conversations.newConversation(env.jsWallet.address, { conversationId: 'content', metadata: {} })
  jsConvo = await env.js.conversations.newConversation(env.parleyWallet.address, { conversationId: 'content', metadata: {} })
})

async function lastJsMessage(): Promise<any> {
  const messages = await jsConvo.messages()
  return messages.at(-1)
}

async function lastParleyMessage() {
  const messages = await convo.messages()
  return messages.at(-1)!
}

const remote = () => ({
  url: 'https://files.example/abc',
  contentDigest: toHex(sha256(utf8('payload'))),
  salt: new Uint8Array(32).fill(1),
  nonce: new Uint8Array(12).fill(2),
  secret: new Uint8Array(32).fill(3),
  scheme: 'https://',
  contentLength: 7,
  filename: 'photo.png',
})

describe('Parley → xmtp-js', () => {
  it('text, reaction and reply decode, and references are the message IDs both sides compute', async () => {
    const text = await convo.send('base message')
    const jsText = await lastJsMessage()
    expect(jsText.content).toBe('base message')
    expect(jsText.id).toBe(text.id)

    await convo.send({ reference: text.id, action: 'added', schema: 'unicode', content: '👍' }, { contentType: ContentTypeReaction })
    const reaction = await lastJsMessage()
    expect(reaction.contentType.sameAs(refReaction.ContentTypeReaction)).toBe(true)
    expect(reaction.content).toMatchObject({ reference: jsText.id, action: 'added', schema: 'unicode', content: '👍' })

    await convo.send({ reference: text.id, contentType: ContentTypeText, content: 'a reply' }, { contentType: ContentTypeReply })
    const reply = await lastJsMessage()
    expect(reply.contentType.sameAs(refReply.ContentTypeReply)).toBe(true)
    expect(reply.content.reference).toBe(jsText.id)
    expect(reply.content.content).toBe('a reply')
  })

  it('read receipt, attachment, remote attachment and compressed text decode', async () => {
    await convo.send({}, { contentType: ContentTypeReadReceipt })
    expect((await lastJsMessage()).contentType.sameAs(refReadReceipt.ContentTypeReadReceipt)).toBe(true)

    const data = new Uint8Array([9, 8, 7, 6])
    await convo.send({ filename: 'a.bin', mimeType: 'application/octet-stream', data }, { contentType: ContentTypeAttachment })
    const attachment = await lastJsMessage()
    expect(attachment.contentType.sameAs(refAttachment.ContentTypeAttachment)).toBe(true)
    expect(attachment.content.filename).toBe('a.bin')
    expect([...attachment.content.data]).toEqual([...data])

    await convo.send(remote(), { contentType: ContentTypeRemoteAttachment })
    const r = await lastJsMessage()
    expect(r.contentType.sameAs(refAttachment.ContentTypeRemoteAttachment)).toBe(true)
    expect(r.content).toMatchObject({ url: 'https://files.example/abc', contentDigest: remote().contentDigest, filename: 'photo.png', contentLength: 7 })
    expect([...r.content.secret]).toEqual([...remote().secret])

    const long = 'compress me '.repeat(20)
    await convo.send(long, { compression: Compression.COMPRESSION_GZIP })
    expect((await lastJsMessage()).content).toBe(long)
  })
})

describe('xmtp-js → Parley', () => {
  it('every standard type decodes, including compressed text; references agree', async () => {
    const base = await jsConvo.send('from js')
    const parleyBase = await lastParleyMessage()
    expect(parleyBase.content).toBe('from js')
    expect(parleyBase.id).toBe(base.id)

    await jsConvo.send({ reference: base.id, action: 'added', schema: 'shortcode', content: ':smile:' }, { contentType: refReaction.ContentTypeReaction })
    const reaction = await lastParleyMessage()
    expect(reaction.contentType.typeId).toBe('reaction')
    expect(reaction.content).toMatchObject({ reference: parleyBase.id, action: 'added', schema: 'shortcode', content: ':smile:' })

    await jsConvo.send({ reference: base.id, contentType: refText.ContentTypeText, content: 'js reply' }, { contentType: refReply.ContentTypeReply })
    const reply = await lastParleyMessage()
    expect(reply.content).toMatchObject({ reference: parleyBase.id, content: 'js reply' })
    expect(reply.content.contentType.typeId).toBe('text')

    await jsConvo.send({}, { contentType: refReadReceipt.ContentTypeReadReceipt })
    expect((await lastParleyMessage()).contentType.typeId).toBe('readReceipt')

    await jsConvo.send({ filename: 'b.txt', mimeType: 'text/plain', data: utf8('hello') }, { contentType: refAttachment.ContentTypeAttachment })
    const attachment = await lastParleyMessage()
    expect(attachment.content.filename).toBe('b.txt')
    expect(fromUtf8(attachment.content.data)).toBe('hello')

    await jsConvo.send(remote(), { contentType: refAttachment.ContentTypeRemoteAttachment })
    const r = await lastParleyMessage()
    expect(r.content).toMatchObject({ url: 'https://files.example/abc', scheme: 'https://', contentLength: 7, filename: 'photo.png' })
    expect([...r.content.nonce]).toEqual([...remote().nonce])

    for (const compression of [xmtpJs.Compression.COMPRESSION_DEFLATE, xmtpJs.Compression.COMPRESSION_GZIP]) {
      const text = `squeezed ${compression} `.repeat(30)
      await jsConvo.send(text, { compression })
      expect((await lastParleyMessage()).content).toBe(text)
    }
  })

  it('an unknown content type gives error and fallback, never a crash; `codecs` makes it known', async () => {
    await jsConvo.send(42, { contentType: jsNumberCodec.contentType })
    const unknown = await lastParleyMessage()
    expect(unknown.content).toBeUndefined()
    expect(unknown.error).toBeInstanceOf(Error)
    expect(unknown.fallback).toBe('a number: 42')
    expect(unknown.contentType.typeId).toBe('number')

    const withCodec = await Client.create(env.parleyWallet, { apiUrl: env.node.url, codecs: [parleyNumberCodec] })
    const again = (await withCodec.conversations.list()).find((c) => c.topic === convo.topic)!
    const messages = await again.messages()
    expect(messages.at(-1)!.content).toBe(42)
  })
})
