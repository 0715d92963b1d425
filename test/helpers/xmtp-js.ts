// Loads the reference SDK @xmtp/xmtp-js 13 and the @xmtp/content-type-* packages through
// their CommonJS builds (their ESM builds do not load in plain Node, spec §18).
// Test-only; typed loosely on purpose: the tests assert on behaviour, not on its types.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/* eslint-disable @typescript-eslint/no-explicit-any */
export const xmtpJs = require('@xmtp/xmtp-js') as {
  Client: any
  SortDirection: Record<string, string>
  Compression: Record<string, number>
}
export const refText = require('@xmtp/content-type-text') as { ContentTypeText: any }
export const refPrimitives = require('@xmtp/content-type-primitives') as { ContentTypeId: new (fields: any) => any }
export const refReaction = require('@xmtp/content-type-reaction') as { ContentTypeReaction: any; ReactionCodec: new () => any }
export const refReply = require('@xmtp/content-type-reply') as { ContentTypeReply: any; ReplyCodec: new () => any }
export const refReadReceipt = require('@xmtp/content-type-read-receipt') as { ContentTypeReadReceipt: any; ReadReceiptCodec: new () => any }
export const refAttachment = require('@xmtp/content-type-remote-attachment') as {
  ContentTypeAttachment: any
  ContentTypeRemoteAttachment: any
  AttachmentCodec: new () => any
  RemoteAttachmentCodec: new () => any
}

/** Every codec Parley ships by default, for an xmtp-js client that should read them all. */
export function referenceCodecs(): any[] {
  return [
    new refReaction.ReactionCodec(),
    new refReply.ReplyCodec(),
    new refReadReceipt.ReadReceiptCodec(),
    new refAttachment.AttachmentCodec(),
    new refAttachment.RemoteAttachmentCodec(),
  ]
}

/** An xmtp-js client against our node (env 'local' with an explicit apiUrl, §18). */
export async function createReferenceClient(wallet: unknown, apiUrl: string, options: Record<string, unknown> = {}): Promise<any> {
  return xmtpJs.Client.create(wallet, { env: 'local', apiUrl, codecs: referenceCodecs(), ...options })
}
