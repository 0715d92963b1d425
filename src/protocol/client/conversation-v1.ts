// A V1 conversation (spec §7): one per address pair on the dm- topic, messages
// encrypted with the 3DH secret of the two legacy bundles. The first message this
// client sends to a peer in a session also goes to both intro topics, which is how
// the peer (and our other devices) discover the conversation.
import type { Envelope } from '../api/index.ts'
import { assertMessageV1Topic, decodeMessageV1, messageV1Topics } from '../messages/v1.ts'
import { ClientError } from './errors.ts'
import type { ConversationDeps } from './deps.ts'
import { Conversation, type OpenedMessage, type SealedMessage } from './conversation.ts'
import type { ConversationRecord } from './conversation-index.ts'
import type { SendOptions } from './types.ts'

const NS_PER_MS = 1_000_000n

export class ConversationV1 extends Conversation {
  readonly conversationVersion = 'v1' as const
  readonly #introduced: Set<string>

  /** `introduced`: peers this client already sent an intro to in this session (shared per client). */
  constructor(deps: ConversationDeps, record: ConversationRecord, introduced: Set<string>) {
    super(deps, record)
    if (record.version !== 'v1') throw new TypeError('record must be a V1 conversation')
    this.#introduced = introduced
  }

  protected async seal(payload: Uint8Array, _shouldPush: boolean, options: SendOptions): Promise<SealedMessage> {
    const contact = await this.deps.directory.get(this.peerAddress)
    if (!contact) throw new ClientError('not-on-network', `${this.peerAddress} has no XMTP identity on this network`)
    if (!contact.legacy) throw new ClientError('not-on-network', `${this.peerAddress} has no legacy keys, so V1 messages cannot reach it`)
    const encoded = await this.deps.keys.encodeMessageV1(contact.legacy, payload)
    const firstSend = !this.#introduced.has(this.peerAddress)
    const topics = messageV1Topics({ senderAddress: this.deps.address, recipientAddress: this.peerAddress, firstSend, ephemeral: options.ephemeral === true })
    return {
      envelopes: topics.map((contentTopic) => ({ contentTopic, timestampNs: encoded.envelopeTimestampNs, message: encoded.bytes })),
      message: encoded.bytes,
      sentNs: BigInt(encoded.timestampMs) * NS_PER_MS,
    }
  }

  protected override async afterSend(): Promise<void> {
    this.#introduced.add(this.peerAddress)
    await super.afterSend()
  }

  protected async open(envelope: Envelope): Promise<OpenedMessage> {
    const decoded = decodeMessageV1(envelope.message)
    // Checked against the dm topic even for the intro copy of a first message.
    assertMessageV1Topic(decoded, this.topic)
    const contentBytes = await this.deps.keys.decryptMessageV1(decoded)
    const opened: OpenedMessage = {
      senderAddress: decoded.senderAddress,
      recipientAddress: decoded.recipientAddress,
      sentNs: BigInt(decoded.timestampMs) * NS_PER_MS,
      contentBytes,
    }
    // The 3DH secret is the same from both sides, so a header naming us as sender proves
    // nothing: the peer may have written it ("I, the user, agree to…").
    if (decoded.senderAddress.toLowerCase() === this.deps.address.toLowerCase()) opened.senderUnproven = true
    return opened
  }

  protected override contentTopicOf(): string {
    return this.topic
  }
}
