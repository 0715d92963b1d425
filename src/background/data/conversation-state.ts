// What the cache keeps per conversation and per message, and the pure steps over it: a
// conversation after one more message (preview, unread count, reply flag), the list's sort
// key, the one-line preview text, and the view the pages see. No storage here.
import type { ConversationView, MessagePreview, MessageView, ConsentView } from '../../extension/views.ts'

/** What the cache keeps per conversation (sealed). */
export interface ConversationState {
  topic: string
  peerAddress: string
  version: 'v1' | 'v2'
  createdAt: number
  context?: { conversationId: string; metadata: Record<string, string> }
  muted: boolean
  unreadCount: number
  /** Messages from the peer sent at or before this are read. */
  lastReadAt: number
  lastMessage?: MessagePreview
  /** We sent a message here (counts as consent, as xmtp-js does). */
  repliedByMe: boolean
}

/** A cached message: the view plus, for content the view cannot hold (remote attachments), the EncodedContent. */
export interface StoredMessage {
  view: MessageView
  contentBase64?: string
}

/** The conversations index sorts by this: the last message's time, else when it began. */
export function sortKeyOf(state: ConversationState): number {
  return state.lastMessage?.sentAt ?? state.createdAt
}

/** The conversation after one new (or newly sent) message. */
export function applyMessage(state: ConversationState, view: MessageView, me: string, isNew: boolean): ConversationState {
  const next = { ...state }
  const fromMe = view.senderAddress.toLowerCase() === me.toLowerCase()
  // A read receipt is sent on its own (never in a request); only what the user writes accepts.
  if (fromMe && view.content.type !== 'readReceipt') next.repliedByMe = true
  if (view.content.type !== 'readReceipt' && (!next.lastMessage || view.sentAt >= next.lastMessage.sentAt)) {
    next.lastMessage = { id: view.id, senderAddress: view.senderAddress, sentAt: view.sentAt, text: previewText(view) }
  }
  if (isNew && !fromMe && view.sentAt > next.lastReadAt && view.content.type !== 'readReceipt') next.unreadCount += 1
  return next
}

export function previewText(view: MessageView): string {
  const c = view.content
  switch (c.type) {
    case 'text':
      return oneLine(c.text)
    case 'reaction':
      return c.action === 'added' ? `Reacted ${c.content}` : `Removed reaction ${c.content}`
    case 'reply':
      return c.content.type === 'text' ? `↩ ${oneLine(c.content.text)}` : '↩ Reply'
    case 'attachment':
      return `📎 ${c.filename}`
    case 'remoteAttachment':
      return `📎 ${c.filename ?? 'attachment'}`
    case 'readReceipt':
      return 'Read'
    case 'unknown':
      return c.fallback ? oneLine(c.fallback) : 'Unsupported message'
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > 140 ? `${line.slice(0, 139)}…` : line
}

export function toConversationView(state: ConversationState, consent: ConsentView): ConversationView {
  const view: ConversationView = {
    topic: state.topic,
    peerAddress: state.peerAddress,
    version: state.version,
    createdAt: state.createdAt,
    consent,
    unreadCount: state.unreadCount,
    muted: state.muted,
  }
  if (state.context) view.context = { conversationId: state.context.conversationId, metadata: { ...state.context.metadata } }
  if (state.lastMessage) view.lastMessage = { ...state.lastMessage }
  return view
}
