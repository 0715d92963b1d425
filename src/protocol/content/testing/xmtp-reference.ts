// Test support only (never imported by library code): loads the reference implementations
// @xmtp/xmtp-js 13 and @xmtp/content-type-* 1.1.12 through their CommonJS builds, whose ESM
// builds do not load in plain Node (§18). Used as external vectors in the content tests.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface ReferenceCodec {
  contentType: any
  encode(content: any, registry?: any): any
  decode(encoded: any, registry?: any): any
  fallback(content?: any): string | undefined
  shouldPush(content?: any): boolean
}

export const refText = require('@xmtp/content-type-text') as { ContentTypeText: any; TextCodec: new () => ReferenceCodec }
export const refReaction = require('@xmtp/content-type-reaction') as {
  ContentTypeReaction: any
  ReactionCodec: new () => ReferenceCodec
}
export const refReply = require('@xmtp/content-type-reply') as { ContentTypeReply: any; ReplyCodec: new () => ReferenceCodec }
export const refReadReceipt = require('@xmtp/content-type-read-receipt') as {
  ContentTypeReadReceipt: any
  ReadReceiptCodec: new () => ReferenceCodec
}
export const refAttachment = require('@xmtp/content-type-remote-attachment') as {
  ContentTypeAttachment: any
  ContentTypeRemoteAttachment: any
  AttachmentCodec: new () => ReferenceCodec
  RemoteAttachmentCodec: (new () => ReferenceCodec) & {
    encodeEncrypted(content: any, codec: ReferenceCodec): Promise<{
      digest: string
      salt: Uint8Array
      nonce: Uint8Array
      secret: Uint8Array
      payload: Uint8Array
    }>
  }
}
export const refPrimitives = require('@xmtp/content-type-primitives') as { ContentTypeId: new (fields: any) => any }
export const refProto = require('@xmtp/proto') as {
  content: {
    EncodedContent: { encode(m: any): { finish(): Uint8Array }; decode(b: Uint8Array): any }
    Compression: Record<string, number>
  }
  composite: { Composite: { encode(m: any): { finish(): Uint8Array }; decode(b: Uint8Array): any } }
}
const xmtpJs = require('@xmtp/xmtp-js') as { Client: { prototype: object } }

export interface ReferenceContentClient {
  registerCodec(codec: ReferenceCodec): ReferenceContentClient
  codecFor(contentType: any): ReferenceCodec | undefined
  encodeContent(content: unknown, options?: { contentType?: any; compression?: number }): Promise<{ payload: Uint8Array; shouldPush: boolean }>
  decodeContent(bytes: Uint8Array): Promise<{ content: any; contentType: any; error?: Error; contentFallback?: string }>
}

/**
 * The real xmtp-js 13 `Client.encodeContent`/`decodeContent`/`codecFor` (compression and
 * codec lookup included) on an object with only a codec map: those methods use nothing else,
 * and a full Client needs a network and a wallet.
 */
export function referenceContentClient(): ReferenceContentClient {
  const client = Object.create(xmtpJs.Client.prototype) as ReferenceContentClient & { _codecs: Map<string, unknown> }
  client._codecs = new Map()
  for (const codec of [
    new refText.TextCodec(),
    new refReaction.ReactionCodec(),
    new refReply.ReplyCodec(),
    new refReadReceipt.ReadReceiptCodec(),
    new refAttachment.AttachmentCodec(),
    new refAttachment.RemoteAttachmentCodec(),
  ]) {
    client.registerCodec(codec)
  }
  return client
}
