// Between the protocol library's decoded messages and the plain-JSON views pages render,
// and from what a page asks to send (ContentInput) to a value and content type the
// library's codecs encode.
import type { ContentInput, DeliveryState, MessageContentView, MessageView } from '../../extension/views.ts'
import {
  ContentTypeAttachment,
  ContentTypeReaction,
  ContentTypeReadReceipt,
  ContentTypeReply,
  ContentTypeText,
  type Attachment,
  type ContentTypeId,
  type DecodedMessage,
  type Reaction,
  type RemoteAttachment,
  type Reply,
} from '../../protocol/index.ts'
import { fromBase64, toBase64 } from '../../wire/bytes.ts'
import { DecompressedSizeError } from '../../protocol/content/index.ts'
import { believableTimeMs } from '../../protocol/client/time-window.ts'
import type { StoredMessage } from './conversation-state.ts'

const XMTP = 'xmtp.org'

/** Longest text stored and shown (characters); a longer message keeps its start, marked truncated. */
export const MAX_TEXT_CHARS = 20_000
/** Longest of the other strings a peer controls (fallbacks, names, types, links). */
const MAX_FALLBACK_CHARS = 1_000
const MAX_NAME_CHARS = 256
const MAX_URL_CHARS = 4_096

function cap(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/**
 * The cached form of a decoded message (received, or ours as the peer will see it). A sent
 * time more than a few minutes after `receivedAt` is shown as `receivedAt`, the claim kept.
 */
export function toStoredMessage(message: DecodedMessage, topic: string, delivery: DeliveryState, receivedAt: number = Date.now()): StoredMessage {
  const claimed = message.sent.getTime()
  const sentAt = believableTimeMs(claimed, receivedAt)
  const view: MessageView = {
    id: message.id,
    topic,
    senderAddress: message.senderAddress,
    sentAt,
    ...(sentAt !== claimed ? { claimedSentAt: claimed } : {}),
    content: contentView(message.content, message.contentType, message.fallback, message.error),
    delivery,
  }
  const stored: StoredMessage = { view }
  // The view shows a remote attachment without its secret; keep the encoded content
  // (sealed, like everything in the message store) so loadAttachment can decrypt it later.
  if (view.content.type === 'remoteAttachment') stored.contentBase64 = toBase64(message.contentBytes)
  return stored
}

/** What a page may show of a message's content: every peer-controlled string capped. */
export function contentView(content: unknown, type: ContentTypeId, fallback: string | undefined, error: Error | undefined): MessageContentView {
  const unknown = (): MessageContentView => ({
    type: 'unknown',
    contentType: cap(`${type.authorityId}/${type.typeId}:${type.versionMajor}.${type.versionMinor}`, MAX_NAME_CHARS),
    ...(fallback !== undefined ? { fallback: cap(fallback, MAX_FALLBACK_CHARS) } : {}),
    ...(error instanceof DecompressedSizeError ? { reason: 'tooLarge' as const } : {}),
  })
  if (error !== undefined || content === undefined || type.authorityId !== XMTP) return unknown()
  switch (type.typeId) {
    case 'text':
      if (typeof content !== 'string') return unknown()
      return content.length > MAX_TEXT_CHARS ? { type: 'text', text: content.slice(0, MAX_TEXT_CHARS), truncated: true } : { type: 'text', text: content }
    case 'reaction': {
      const r = content as Reaction
      return { type: 'reaction', reference: cap(r.reference, MAX_NAME_CHARS), action: r.action, schema: cap(r.schema, MAX_NAME_CHARS), content: cap(r.content, MAX_NAME_CHARS) }
    }
    case 'reply': {
      const r = content as Reply
      return { type: 'reply', reference: cap(r.reference, MAX_NAME_CHARS), content: contentView(r.content, r.contentType, undefined, undefined) }
    }
    case 'readReceipt':
      return { type: 'readReceipt' }
    case 'attachment': {
      const a = content as Attachment
      return { type: 'attachment', filename: cap(a.filename, MAX_NAME_CHARS), mimeType: cap(a.mimeType, MAX_NAME_CHARS), dataBase64: toBase64(a.data) }
    }
    case 'remoteStaticAttachment': {
      const r = content as RemoteAttachment
      return { type: 'remoteAttachment', url: cap(r.url, MAX_URL_CHARS), contentLength: r.contentLength, ...(r.filename ? { filename: cap(r.filename, MAX_NAME_CHARS) } : {}) }
    }
    default:
      return unknown()
  }
}

/** What to hand to Conversation.prepareMessage for a page's ContentInput. */
export function encodeInput(input: ContentInput): { content: unknown; contentType: ContentTypeId } {
  switch (input.type) {
    case 'text':
      return { content: input.text, contentType: ContentTypeText }
    case 'reaction':
      return {
        content: { reference: input.reference, action: input.action, schema: 'unicode', content: input.content } satisfies Reaction,
        contentType: ContentTypeReaction,
      }
    case 'reply':
      return {
        content: { reference: input.reference, contentType: ContentTypeText, content: input.text } satisfies Reply,
        contentType: ContentTypeReply,
      }
    case 'attachment':
      return {
        content: { filename: input.filename, mimeType: input.mimeType, data: fromBase64(input.dataBase64, 'dataBase64') } satisfies Attachment,
        contentType: ContentTypeAttachment,
      }
    case 'readReceipt':
      return { content: {}, contentType: ContentTypeReadReceipt }
    default:
      throw new TypeError(`unknown content type ${(input as { type?: unknown }).type}`)
  }
}

/** Text a search can match in a message (its own text, a reply's text, an attachment's name). */
export function searchableText(content: MessageContentView): string {
  switch (content.type) {
    case 'text':
      return content.text
    case 'reply':
      return searchableText(content.content)
    case 'attachment':
      return content.filename
    case 'remoteAttachment':
      return content.filename ?? ''
    case 'unknown':
      return content.fallback ?? ''
    default:
      return ''
  }
}
