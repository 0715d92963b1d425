// What the cache keeps per conversation and per message, and the pure steps over it: a
// conversation after one more message (preview, unread count, reply flag), the list's sort
// key, the one-line preview text, and the view the pages see. No storage here.
import type { ConversationView, MessagePreview, MessageView, ConsentView } from '../../extension/views.ts'
import { decodeConversationRecord, encodeConversationRecord, type ConversationRecord } from '../../protocol/index.ts'
import { believableTimeMs } from '../../protocol/client/time-window.ts'

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
  /** Two unverifiable invitations claim this topic (the protocol's Conversation.conflict): never listed or sent to. */
  conflict?: true
  /**
   * The part of the protocol library's record of the conversation (its ConversationRecord)
   * that the fields above do not already hold: creation time in ns, the V2 key material and
   * whether it is verified. With version, topic, peerAddress, context and conflict above it
   * is the whole record, kept in this same sealed row: the library reads and writes it through
   * the ConversationStore (conversation-store.ts). Never part of a view. Absent on rows whose
   * record the library has not (re)written yet.
   */
  record?: RecordJson
}

/** The record's own part in its stored JSON form (the library's: createdNs decimal, keyMaterial hex). */
export interface RecordJson {
  createdNs: string
  keyMaterial?: string
  verified?: boolean
}

const recordEncoder = new TextEncoder()
const recordDecoder = new TextDecoder()

/** The record's own part (the rest is the state's fields; see recordOf). */
export function recordToJson(record: ConversationRecord): RecordJson {
  const full = JSON.parse(recordDecoder.decode(encodeConversationRecord(record))) as RecordJson
  const json: RecordJson = { createdNs: full.createdNs }
  if (full.keyMaterial !== undefined) json.keyMaterial = full.keyMaterial
  if (full.verified !== undefined) json.verified = full.verified
  return json
}

/** The library's whole record of a row's conversation; throws TypeError/RangeError when the row holds none. */
export function recordOf(state: ConversationState): ConversationRecord {
  if (!state.record) throw new TypeError('the row holds no record')
  const full = { version: state.version, topic: state.topic, peerAddress: state.peerAddress, ...state.record, ...(state.context ? { context: state.context } : {}), ...(state.conflict ? { conflict: true } : {}) }
  return decodeConversationRecord(recordEncoder.encode(JSON.stringify(full)))
}

/** The state's fields that mirror the library's record, set from it (a row always agrees with its record). */
export function withRecord(state: ConversationState, record: ConversationRecord): ConversationState {
  const next: ConversationState = { ...state, topic: record.topic, peerAddress: record.peerAddress, version: record.version, record: recordToJson(record) }
  if (record.context) next.context = { conversationId: record.context.conversationId, metadata: { ...record.context.metadata } }
  else delete next.context
  if (record.conflict === true) next.conflict = true
  else delete next.conflict
  return next
}

/** The state a conversation starts with, from the library's record of it (the record kept inside). */
export function stateFromRecord(record: ConversationRecord, nowMs: number): ConversationState {
  const state = newConversationState(
    {
      topic: record.topic,
      peerAddress: record.peerAddress,
      conversationVersion: record.version,
      createdAt: new Date(Number(record.createdNs / 1_000_000n)), // as Conversation.createdAt
      context: record.context,
      conflict: record.conflict === true,
    },
    nowMs,
  )
  state.record = recordToJson(record)
  return state
}

/** A cached message: the view plus, for content the view cannot hold (remote attachments), the EncodedContent. */
export interface StoredMessage {
  view: MessageView
  contentBase64?: string
}

/**
 * A V1 message from the network whose header names the user as sender, which V1 cannot
 * prove (DecodedMessage.senderUnproven): shown as the peer's, the claim kept beside it.
 * Only this device's own record of a send (outbox, sent copy) makes a V1 message the user's.
 */
export function disownUnproven(stored: StoredMessage, peerAddress: string): StoredMessage {
  return { ...stored, view: { ...stored.view, senderAddress: peerAddress, claimedSender: stored.view.senderAddress } }
}

/** A record this device holds for a message it sent decides who sent it; the network copy only updates delivery and content. */
export function keepAuthorship(existing: StoredMessage, incoming: StoredMessage): StoredMessage {
  const view: MessageView = { ...incoming.view, senderAddress: existing.view.senderAddress }
  if (existing.view.claimedSender !== undefined) view.claimedSender = existing.view.claimedSender
  else delete view.claimedSender
  return { ...incoming, view }
}

/** The state a conversation starts with in the cache (nothing read, nothing sent yet). */
export function newConversationState(c: {
  topic: string
  peerAddress: string
  conversationVersion: 'v1' | 'v2'
  createdAt: Date
  context: { conversationId: string; metadata: Record<string, string> } | undefined
  conflict: boolean
}, nowMs: number): ConversationState {
  const state: ConversationState = {
    topic: c.topic,
    peerAddress: c.peerAddress,
    version: c.conversationVersion,
    createdAt: believableTimeMs(c.createdAt.getTime(), nowMs), // an invitation dated ahead shows as received
    muted: false,
    unreadCount: 0,
    lastReadAt: 0,
    repliedByMe: false,
  }
  if (c.context) state.context = { conversationId: c.context.conversationId, metadata: { ...c.context.metadata } }
  if (c.conflict) state.conflict = true
  return state
}

/** What must match for a cached conversation to need no update: its peer and whether it is disputed. */
export function knownKey(c: { peerAddress: string; conflict?: boolean | undefined }): string {
  return `${c.peerAddress.toLowerCase()}|${c.conflict === true ? 'conflict' : ''}`
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
  if (state.conflict) view.conflict = true
  return view
}

/** Whether a conversation of this consent belongs in the list `filter` names. */
export function matches(filter: 'all' | 'messages' | 'requests' | 'blocked', consent: ConsentView): boolean {
  if (filter === 'blocked') return consent === 'denied'
  if (consent === 'denied') return false
  if (filter === 'messages') return consent === 'allowed'
  if (filter === 'requests') return consent === 'unknown'
  return true
}
