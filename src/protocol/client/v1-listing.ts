// V1 conversations from the intro topic (spec §7 "Listing"): for each intro message
// that names us, the peer is the other address; a message only counts after a trial
// decryption succeeds; the earliest per peer gives the creation time (the index keeps
// the earliest). Failures are reported and skipped, never thrown.
import type { Envelope } from '../api/index.ts'
import { toChecksumAddress } from '../crypto/ethereum.ts'
import { decodeMessageV1, type DecodedMessageV1 } from '../messages/v1.ts'
import { dmTopic } from '../topics.ts'
import type { ConversationDeps } from './deps.ts'
import type { ConversationIndex, ConversationRecord } from './conversation-index.ts'
import { ConversationV1 } from './conversation-v1.ts'
import type { PeerContact } from './contact-payloads.ts'
import { EnvelopeSkippedError } from './errors.ts'
import { nowNs } from './identity.ts'

const NS_PER_MS = 1_000_000n

export class V1Listing {
  readonly #deps: ConversationDeps
  /** Peers introduced by this client in this session (shared by its V1 conversations). */
  readonly #introduced = new Set<string>()
  /** V1 conversations started here but not yet seen on the intro topic. */
  readonly #started = new Map<string, ConversationV1>()

  constructor(deps: ConversationDeps) {
    this.#deps = deps
  }

  /** The listed conversation for a record (it supersedes one started here: its createdAt is the first message's time). */
  conversation(record: ConversationRecord): ConversationV1 {
    this.#started.delete(record.topic)
    return new ConversationV1(this.#deps, record, this.#introduced)
  }

  /** A new V1 conversation with `peer` (listed once its first message is on the intro topic). */
  start(peer: string, contact: PeerContact): ConversationV1 {
    if (!contact.legacy) throw new TypeError('a V1 conversation needs the peer legacy bundle')
    const topic = dmTopic(this.#deps.address, peer)
    let conversation = this.#started.get(topic)
    if (!conversation) {
      conversation = new ConversationV1(this.#deps, { version: 'v1', topic, peerAddress: peer, createdNs: nowNs() }, this.#introduced)
      this.#started.set(topic, conversation)
    }
    return conversation
  }

  /** The peer of an intro message that names us, or undefined. */
  #peerOf(message: DecodedMessageV1): string | undefined {
    const me = this.#deps.address
    const sender = toChecksumAddress(message.senderAddress)
    const recipient = toChecksumAddress(message.recipientAddress)
    if (sender === me && recipient !== me) return recipient
    if (recipient === me && sender !== me) return sender
    return undefined
  }

  /** The dm topic an intro envelope belongs to (undefined when it is not a valid intro for us). */
  dmTopicOf(envelope: Envelope): string | undefined {
    try {
      const message = decodeMessageV1(envelope.message)
      return this.#peerOf(message) ? dmTopic(message.senderAddress, message.recipientAddress) : undefined
    } catch {
      return undefined
    }
  }

  /** Conversation records from intro envelopes (ascending); each one trial-decrypted. */
  async fromIntros(envelopes: Envelope[], index: ConversationIndex): Promise<ConversationRecord[]> {
    const earliest = new Map<string, ConversationRecord>()
    for (const envelope of envelopes) {
      try {
        const message = decodeMessageV1(envelope.message)
        const peer = this.#peerOf(message)
        if (!peer) throw new TypeError('intro message does not name this wallet and a peer')
        const topic = dmTopic(message.senderAddress, message.recipientAddress)
        const createdNs = BigInt(message.timestampMs) * NS_PER_MS
        const known = earliest.get(topic) ?? index.get(topic)
        if (known && known.createdNs <= createdNs) continue // no need to decrypt: not earlier
        await this.#deps.keys.decryptMessageV1(message)
        earliest.set(topic, { version: 'v1', topic, peerAddress: peer, createdNs })
      } catch (cause) {
        this.#deps.reportSkipped(new EnvelopeSkippedError(envelope.contentTopic, 'an intro message could not be opened', { cause }))
      }
    }
    return [...earliest.values()]
  }
}
