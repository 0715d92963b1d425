// Public shapes of the client layer, named as in xmtp-js 13 so apps and tests can
// treat the two side by side.
import type { Compression, ContentTypeId, ContentTypeIdFields } from '../content/index.ts'
import type { SortDirection } from '../api/index.ts'
import type { ConversationVersion, InvitationContext } from './conversation-index.ts'

export type { ConversationVersion, InvitationContext }

export interface SendOptions {
  /** Default: text. */
  contentType?: ContentTypeId | ContentTypeIdFields
  /** Nothing is compressed unless asked (xmtp-js 13 peers inflate at most 1000 bytes, §10.3). */
  compression?: Compression
  /** Publish to the ephemeral topic (mE- / dmE-): relayed to live streams, never stored. */
  ephemeral?: boolean
}

export interface ListMessagesOptions {
  /** Stop after this many messages. */
  limit?: number
  startTime?: Date
  endTime?: Date
  /** Default ascending. */
  direction?: SortDirection
  /** Envelopes per request (1..100, default 100). */
  pageSize?: number
}

/** A conversation as apps see it (V1 and V2 share this surface). */
export interface ConversationLike {
  readonly conversationVersion: ConversationVersion
  readonly topic: string
  readonly peerAddress: string
  readonly clientAddress: string
  readonly createdAt: Date
  readonly context: InvitationContext | undefined
}

/** One decoded message. `content` is undefined (and `error` set) for content this client cannot decode. */
export interface DecodedMessage<T = any> {
  /** Lowercase hex SHA-256 of the Message bytes as sent (what reactions and replies reference). */
  id: string
  messageVersion: ConversationVersion
  senderAddress: string
  /**
   * Set on a V1 message read from the network whose header names this client as sender.
   * V1's 3DH is symmetric: the peer can write that header as well as we can, so nothing
   * proves the user wrote it. senderAddress keeps what the header says (as xmtp-js does);
   * an app must not present the message as the user's unless its own record of what it
   * sent says so. V2 senders are proven by signature and never carry this.
   */
  senderUnproven?: true
  recipientAddress?: string
  sent: Date
  content: T
  contentType: ContentTypeId
  contentTopic: string
  conversation: ConversationLike
  /** The EncodedContent bytes. */
  contentBytes: Uint8Array
  /** The sender's fallback text (xmtp-js names it contentFallback; both are set). */
  fallback?: string
  contentFallback?: string
  error?: Error
}
