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
import { fromBase64, toBase64 } from '../../protocol/utils/bytes.ts'
import type { StoredMessage } from './conversation-state.ts'

const XMTP = 'xmtp.org'

/** The cached form of a decoded message (received, or ours as the peer will see it). */
export function toStoredMessage(message: DecodedMessage, topic: string, delivery: DeliveryState): StoredMessage {
  const view: MessageView = {
    id: message.id,
    topic,
    senderAddress: message.senderAddress,
    sentAt: message.sent.getTime(),
    content: contentView(message.content, message.contentType, message.fallback, message.error),
    delivery,
  }
  const stored: StoredMessage = { view }
  // The view shows a remote attachment without its secret; keep the encoded content
  // (sealed, like everything in the message store) so loadAttachment can decrypt it later.
  if (view.content.type === 'remoteAttachment') stored.contentBase64 = toBase64(message.contentBytes)
  return stored
}

function contentView(content: unknown, type: ContentTypeId, fallback: string | undefined, error: Error | undefined): MessageContentView {
  const unknown = (): MessageContentView => ({ type: 'unknown', contentType: `${type.authorityId}/${type.typeId}:${type.versionMajor}.${type.versionMinor}`, ...(fallback !== undefined ? { fallback } : {}) })
  if (error !== undefined || content === undefined || type.authorityId !== XMTP) return unknown()
  switch (type.typeId) {
    case 'text':
      return typeof content === 'string' ? { type: 'text', text: content } : unknown()
    case 'reaction': {
      const r = content as Reaction
      return { type: 'reaction', reference: r.reference, action: r.action, schema: r.schema, content: r.content }
    }
    case 'reply': {
      const r = content as Reply
      return { type: 'reply', reference: r.reference, content: contentView(r.content, r.contentType, undefined, undefined) }
    }
    case 'readReceipt':
      return { type: 'readReceipt' }
    case 'attachment': {
      const a = content as Attachment
      return { type: 'attachment', filename: a.filename, mimeType: a.mimeType, dataBase64: toBase64(a.data) }
    }
    case 'remoteStaticAttachment': {
      const r = content as RemoteAttachment
      return { type: 'remoteAttachment', url: r.url, contentLength: r.contentLength, ...(r.filename ? { filename: r.filename } : {}) }
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
