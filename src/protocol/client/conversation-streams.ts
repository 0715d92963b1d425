// The live side of client.conversations: new conversations as their invites and intros
// arrive, and the messages of every conversation (including those started after the stream
// began). Listing lives in listing-pass.ts; both merge what they find through the same
// Conversations index (the ConversationFinder below).
import type { Envelope } from '../api/index.ts'
import { introTopic, inviteTopic } from '../topics.ts'
import { AsyncStream } from './async-stream.ts'
import { pumpMessages } from './message-pump.ts'
import type { Conversation } from './conversation.ts'
import type { MessageApi, SkipReporter, StreamTracker } from './deps.ts'
import { EnvelopeSkippedError } from './errors.ts'
import { MAX_INVITATION_BYTES } from './listing-pass.ts'
import type { ConversationRecord } from './conversation-index.ts'
import type { DecodedMessage } from './types.ts'

/** What the streams need from Conversations (it implements this). */
export interface ConversationFinder {
  /** The record of an invite envelope, or undefined when it does not open (reported). */
  fromInvite(envelope: Envelope): Promise<ConversationRecord | undefined>
  /** V1 records from intro envelopes. */
  fromIntros(envelopes: Envelope[]): Promise<ConversationRecord[]>
  /** Merges records; resolves to the conversations that are new or changed. */
  merge(records: ConversationRecord[]): Promise<Conversation[]>
  /** Allows inviters whose invitations carried a consent proof (§8.5). */
  applyConsentProofs(): Promise<void>
  /** The dm topic of an intro envelope that names this wallet. */
  dmTopicOf(envelope: Envelope): string | undefined
  /** The known conversation on a topic (not a disputed one). */
  get(topic: string): Conversation | undefined
  /** Topics of every known conversation. */
  topics(): string[]
  /** Called whenever merging changes the known conversations; returns a remover. */
  onChange(listener: () => void): () => void
}

export interface ConversationStreamDeps {
  address: string
  api: Pick<MessageApi, 'subscribe'>
  streams: StreamTracker
  reportSkipped: SkipReporter
  finder: ConversationFinder
}

/** New conversations found in an invite or intro envelope (already merged). */
export async function conversationsFrom(deps: ConversationStreamDeps, envelope: Envelope): Promise<Conversation[]> {
  const { finder } = deps
  if (envelope.contentTopic === inviteTopic(deps.address)) {
    if (envelope.message.length > MAX_INVITATION_BYTES) {
      deps.reportSkipped(new EnvelopeSkippedError(envelope.contentTopic, `an envelope larger than ${MAX_INVITATION_BYTES} bytes is no invitation: skipped unread`))
      return []
    }
    const record = await finder.fromInvite(envelope)
    if (!record) return []
    const merged = await finder.merge([record])
    await finder.applyConsentProofs()
    return merged.filter((c) => !c.conflict)
  }
  return finder.merge(await finder.fromIntros([envelope]))
}

/** New conversations (invites and first V1 messages) as they arrive; end with `return()`. */
export async function streamConversations(deps: ConversationStreamDeps): Promise<AsyncStream<Conversation>> {
  const me = deps.address
  const subscription = await deps.api.subscribe([inviteTopic(me), introTopic(me)])
  const stream = deps.streams.track(new AsyncStream<Conversation>(() => subscription.close()))
  void (async () => {
    try {
      for await (const envelope of subscription) {
        for (const conversation of await conversationsFrom(deps, envelope)) stream.push(conversation)
      }
      await stream.return()
    } catch (error) {
      stream.fail(error)
    }
  })()
  return stream
}

/**
 * Messages of every conversation as they arrive, including conversations started after
 * the stream (it also watches the invite and intro topics). No duplicates: a V1 first
 * message arrives on the intro and dm topics but is yielded once.
 */
export async function streamAllMessages(deps: ConversationStreamDeps): Promise<AsyncStream<DecodedMessage>> {
  const { finder } = deps
  const me = deps.address
  const ownTopics = [inviteTopic(me), introTopic(me)]
  const conversationTopics = () => [...ownTopics, ...finder.topics()]
  const subscription = await deps.api.subscribe(conversationTopics())
  // Conversations learnt elsewhere meanwhile (a listing, newConversation) are watched too.
  const stopWatching = finder.onChange(() => subscription.updateTopics(conversationTopics()))
  const stream = deps.streams.track(
    new AsyncStream<DecodedMessage>(() => {
      stopWatching()
      return subscription.close()
    }),
  )
  pumpMessages(subscription, stream, async (envelope) => {
    if (envelope.contentTopic === ownTopics[0]) {
      await conversationsFrom(deps, envelope) // merging updates the topics (onChange above)
      return undefined
    }
    let conversation: Conversation | undefined
    if (envelope.contentTopic === ownTopics[1]) {
      await conversationsFrom(deps, envelope)
      const topic = finder.dmTopicOf(envelope)
      conversation = topic === undefined ? undefined : finder.get(topic)
    } else conversation = finder.get(envelope.contentTopic)
    return conversation?.decodeEnvelope(envelope)
  })
  return stream
}
