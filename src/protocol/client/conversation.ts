// The part of a conversation shared by V1 and V2: content encoding, sending, paging
// through history and streaming. The version-specific classes only seal and open
// Message bytes (conversation-v1.ts, conversation-v2.ts).
import { SortDirection, type Envelope, type RetryPolicy } from '../api/index.ts'
import { checkRetryPolicy } from '../api/retry.ts'
import {
  ContentTypeText,
  DecompressedSizeError,
  InflateBudget,
  MAX_MESSAGE_INFLATED_BYTES,
  decodeContent,
  encodedContentFromBytes,
  prepareContent,
  type ContentTypeId,
  type DecodedContent,
} from '../content/index.ts'
import { messageId } from '../messages/v2.ts'
import { toEphemeralTopic } from '../topics.ts'
import { AsyncStream } from './async-stream.ts'
import { pumpMessages } from './message-pump.ts'
import type { ConversationDeps, SkipReporter } from './deps.ts'
import type { ConversationRecord, ConversationVersion, InvitationContext } from './conversation-index.ts'
import { EnvelopeSkippedError } from './errors.ts'
import type { ConversationLike, DecodedMessage, ListMessagesOptions, SendOptions } from './types.ts'

/** What a version-specific class makes of a Message envelope it opened. */
export interface OpenedMessage {
  senderAddress: string
  /** The sender is this client by the header's say-so only (V1, see DecodedMessage.senderUnproven). */
  senderUnproven?: true
  recipientAddress?: string
  sentNs: bigint
  /** Decrypted EncodedContent bytes. */
  contentBytes: Uint8Array
}

/** What sealing produced: the envelopes to publish (same Message bytes) and the sent time. */
export interface SealedMessage {
  envelopes: Envelope[]
  message: Uint8Array
  sentNs: bigint
}

export function nsToDate(ns: bigint): Date {
  return new Date(Number(ns / 1_000_000n))
}

/** A sealed message not yet published (Conversation.prepareMessage). */
export interface PreparedMessage {
  /** Lowercase hex SHA-256 of the Message bytes: the ID every reader will see. */
  id: string
  /** The conversation's topic. */
  topic: string
  /** What to publish: the same Message bytes on each topic (V1 first sends add the intro topics). */
  envelopes: Envelope[]
  sentNs: bigint
  /** The message as the peer will decode it. */
  message: DecodedMessage
}

export type { SkipReporter }

/** Options of Conversation.publishPrepared. */
export interface PublishPreparedOptions {
  /**
   * Overrides of the API client's retry policy for this publish only, e.g. `{ maxAttempts: 1 }`
   * where the caller (an outbox) owns the retries of its sends.
   */
  retry?: Partial<RetryPolicy>
}

export abstract class Conversation implements ConversationLike {
  abstract readonly conversationVersion: ConversationVersion
  readonly topic: string
  readonly peerAddress: string
  readonly createdAt: Date
  readonly context: InvitationContext | undefined
  /** Two unverifiable invitations dispute this topic (see Conversations.conflicts()). */
  readonly conflict: boolean
  protected readonly deps: ConversationDeps

  constructor(deps: ConversationDeps, record: ConversationRecord) {
    this.deps = deps
    this.topic = record.topic
    this.peerAddress = record.peerAddress
    this.createdAt = nsToDate(record.createdNs)
    this.context = record.context ? { conversationId: record.context.conversationId, metadata: { ...record.context.metadata } } : undefined
    this.conflict = record.conflict === true
  }

  get clientAddress(): string {
    return this.deps.address
  }

  /** Consent state of the peer ('allowed' | 'denied' | 'unknown'). */
  get consentState() {
    return this.deps.consent.consentState(this.peerAddress)
  }

  allow(): Promise<void> {
    return this.deps.consent.allow([this.peerAddress])
  }

  deny(): Promise<void> {
    return this.deps.consent.deny([this.peerAddress])
  }

  /** Seals encoded content into Message bytes and the envelopes that carry them. */
  protected abstract seal(payload: Uint8Array, shouldPush: boolean, options: SendOptions): Promise<SealedMessage>

  /** Opens one envelope of this conversation; throws when it is not a valid message here. */
  protected abstract open(envelope: Envelope): Promise<OpenedMessage>

  /**
   * Encodes, seals and publishes `content`; resolves to the message as the peer will
   * decode it (same ID). Text is the default content type.
   */
  async send(content: unknown, options: SendOptions = {}): Promise<DecodedMessage> {
    const prepared = await this.prepareMessage(content, options)
    await this.publishPrepared(prepared)
    return prepared.message
  }

  /**
   * Encodes and seals `content` without publishing it: the result carries the final message
   * ID and the exact envelopes to publish, so an outbox can show the message at once, keep
   * the envelopes across restarts and publish them later (again, if unsure) with
   * `publishPrepared` — the ID never changes because the Message bytes do not.
   */
  async prepareMessage(content: unknown, options: SendOptions = {}): Promise<PreparedMessage> {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
    const contentType = options.contentType ?? ContentTypeText
    const prepared = await prepareContent(
      content,
      { contentType, ...(options.compression !== undefined ? { compression: options.compression } : {}) },
      this.deps.registry,
    )
    const sealed = await this.seal(prepared.payload, prepared.shouldPush, options)
    const id = messageId(sealed.message)
    const message = await this.decoded(
      { senderAddress: this.deps.address, recipientAddress: this.peerAddress, sentNs: sealed.sentNs, contentBytes: prepared.payload },
      id,
      sealed.envelopes[sealed.envelopes.length - 1]!.contentTopic, // the dm/m- (or ephemeral) topic
    )
    return { id, topic: this.topic, envelopes: sealed.envelopes, sentNs: sealed.sentNs, message }
  }

  /**
   * Publishes what `prepareMessage` sealed (this conversation's envelopes only). Publishing the
   * same prepared message twice stores the same Message bytes twice; readers see one ID.
   * `options.retry` applies to this publish only (see PublishPreparedOptions).
   */
  async publishPrepared(prepared: Pick<PreparedMessage, 'topic' | 'envelopes'>, options: PublishPreparedOptions = {}): Promise<void> {
    if (typeof prepared !== 'object' || prepared === null || !Array.isArray(prepared.envelopes) || prepared.envelopes.length === 0) {
      throw new TypeError('prepared must have a non-empty envelopes array')
    }
    if (prepared.topic !== this.topic) throw new TypeError('prepared message belongs to another conversation')
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
    if (options.retry !== undefined) checkRetryPolicy(options.retry, 'options.retry')
    await this.beforePublish()
    await this.deps.api.publish(prepared.envelopes, options.retry !== undefined ? { retry: options.retry } : {})
    await this.afterSend()
  }

  /** Hook for the first-send extras (V1 intro topics). */
  protected async beforePublish(): Promise<void> {}

  /** Sending into a conversation whose peer has no consent state allows the peer (§11). */
  protected async afterSend(): Promise<void> {
    await this.deps.consent.ensureLoaded()
    if (this.deps.consent.consentState(this.peerAddress) === 'unknown') await this.deps.consent.allow([this.peerAddress])
  }

  /** Messages in this conversation, ascending by default, paging past 100 as needed. Undecodable envelopes are skipped. */
  async messages(options: ListMessagesOptions = {}): Promise<DecodedMessage[]> {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
    const direction = options.direction ?? SortDirection.SORT_DIRECTION_ASCENDING
    if (direction !== SortDirection.SORT_DIRECTION_ASCENDING && direction !== SortDirection.SORT_DIRECTION_DESCENDING) {
      throw new RangeError('options.direction must be SORT_DIRECTION_ASCENDING or SORT_DIRECTION_DESCENDING')
    }
    if (options.startTime !== undefined && !(options.startTime instanceof Date)) throw new TypeError('options.startTime must be a Date')
    if (options.endTime !== undefined && !(options.endTime instanceof Date)) throw new TypeError('options.endTime must be a Date')
    if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) throw new RangeError('options.limit must be a positive integer')
    const out: DecodedMessage[] = []
    // A replay (the same Message bytes stored again under another envelope timestamp) has
    // the same ID: list each message once, where it first appears in the chosen order.
    const seen = new Set<string>()
    const pages = this.deps.api.queryIterator({
      contentTopic: this.topic,
      direction,
      ...(options.startTime ? { startTime: options.startTime } : {}),
      ...(options.endTime ? { endTime: options.endTime } : {}),
      // A small limit needs no 100-row pages (skipped envelopes may cost an extra page).
      ...(options.pageSize ? { pageSize: options.pageSize } : options.limit !== undefined ? { pageSize: Math.min(100, options.limit) } : {}),
    })
    for await (const page of pages) {
      const decoded = await Promise.all(page.map((envelope) => this.decodeEnvelope(envelope)))
      for (const message of decoded) {
        if (!message || seen.has(message.id)) continue
        seen.add(message.id)
        out.push(message)
        if (options.limit !== undefined && out.length >= options.limit) return out
      }
    }
    return out
  }

  /**
   * New messages as they arrive; subscribed when the promise resolves; end it with `return()`.
   * After every (re)connect the subscription fills gaps from a few seconds before its start,
   * so a message sent just before the stream began may also arrive: dedupe by `id`.
   */
  async streamMessages(): Promise<AsyncStream<DecodedMessage>> {
    return this.#stream(this.topic, true)
  }

  /** The conversation's ephemeral topic (mE- / dmE-): relayed live, never stored by the node. */
  get ephemeralTopic(): string {
    return toEphemeralTopic(this.topic)
  }

  /** Ephemeral messages (sent with `{ ephemeral: true }`) as they arrive; there is no history to fill gaps from. */
  async streamEphemeral(): Promise<AsyncStream<DecodedMessage>> {
    return this.#stream(this.ephemeralTopic, false)
  }

  async #stream(topic: string, gapFill: boolean): Promise<AsyncStream<DecodedMessage>> {
    const subscription = await this.deps.api.subscribe([topic], { gapFill })
    const stream = this.deps.streams.track(new AsyncStream<DecodedMessage>(() => subscription.close()))
    pumpMessages(subscription, stream, (envelope) => this.decodeEnvelope(envelope))
    return stream
  }


  /** The contentTopic a decoded message reports (V1 reports the dm topic for intro copies). */
  protected contentTopicOf(envelope: Envelope): string {
    return envelope.contentTopic
  }

  /**
   * Decodes one envelope, or reports it as skipped and returns undefined. Never throws.
   * Compressed content inflates to at most 1 MiB and within `options.inflateBudget` (shared by
   * a pass); past either it is not inflated further and the message carries a
   * DecompressedSizeError as its `error` (shown as too large), not its content.
   */
  async decodeEnvelope(envelope: Envelope, options: DecodeEnvelopeOptions = {}): Promise<DecodedMessage | undefined> {
    try {
      const opened = await this.open(envelope)
      return await this.decoded(opened, messageId(envelope.message), this.contentTopicOf(envelope), options.inflateBudget)
    } catch (cause) {
      this.deps.reportSkipped(
        new EnvelopeSkippedError(envelope.contentTopic, `message on ${envelope.contentTopic} could not be opened: ${describe(cause)}`, { cause }),
      )
      return undefined
    }
  }

  private async decoded(opened: OpenedMessage, id: string, contentTopic: string, budget?: InflateBudget): Promise<DecodedMessage> {
    const content = await decodeBounded(opened.contentBytes, this.deps.registry, budget)
    const message: DecodedMessage = {
      id,
      messageVersion: this.conversationVersion,
      senderAddress: opened.senderAddress,
      sent: nsToDate(opened.sentNs),
      content: content.content,
      contentType: content.contentType as ContentTypeId,
      contentTopic,
      conversation: this,
      contentBytes: opened.contentBytes,
    }
    if (opened.recipientAddress !== undefined) message.recipientAddress = opened.recipientAddress
    if (opened.senderUnproven) message.senderUnproven = true
    if (content.fallback !== undefined) {
      message.fallback = content.fallback
      message.contentFallback = content.fallback
    }
    if (content.error) message.error = content.error
    return message
  }
}

export interface DecodeEnvelopeOptions {
  /** Inflation allowed over many messages (e.g. one sync pass); spent by each compressed one. */
  inflateBudget?: InflateBudget
}

/** decodeContent under the per-message cap and the budget; over either, the type and fallback with a DecompressedSizeError. */
async function decodeBounded(bytes: Uint8Array, registry: ConversationDeps['registry'], budget: InflateBudget | undefined): Promise<DecodedContent> {
  const cap = Math.min(MAX_MESSAGE_INFLATED_BYTES, budget?.remaining ?? Infinity)
  try {
    const content = await decodeContent(bytes, registry, { maxDecompressedBytes: cap })
    budget?.spend(content.decompressedBytes ?? 0)
    return content
  } catch (error) {
    if (!(error instanceof DecompressedSizeError)) throw error
    budget?.spend(cap) // what inflating up to the cap cost
    const encoded = encodedContentFromBytes(bytes)
    const tooLarge: DecodedContent = { content: undefined, contentType: encoded.type, parameters: encoded.parameters, error }
    if (encoded.fallback !== undefined) tooLarge.fallback = encoded.fallback
    if (encoded.compression !== undefined) tooLarge.compression = encoded.compression
    return tooLarge
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}
