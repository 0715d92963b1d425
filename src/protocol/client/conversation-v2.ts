// A V2 conversation (spec §8, §9): messages on the invitation's m- topic, encrypted
// with its key material and signed by the sender's pre-key. Nothing is shown unless
// the signer is the invitation's peer or this wallet (decodeMessageV2 checks it).
import type { Envelope } from '../api/index.ts'
import { decodeMessageV2, type ConversationSecret } from '../messages/v2.ts'
import type { ConversationDeps } from './deps.ts'
import { Conversation, type OpenedMessage, type SealedMessage } from './conversation.ts'
import type { ConversationRecord } from './conversation-index.ts'
import type { SendOptions } from './types.ts'

export class ConversationV2 extends Conversation {
  readonly conversationVersion = 'v2' as const
  readonly #secret: ConversationSecret
  readonly #members: readonly string[]

  constructor(deps: ConversationDeps, record: ConversationRecord) {
    super(deps, record)
    if (record.version !== 'v2' || !record.keyMaterial) throw new TypeError('record must be a V2 conversation with key material')
    this.#secret = { topic: record.topic, keyMaterial: record.keyMaterial }
    this.#members = [record.peerAddress, deps.address]
  }

  protected async seal(payload: Uint8Array, shouldPush: boolean, options: SendOptions): Promise<SealedMessage> {
    const encoded = await this.deps.keys.encodeMessageV2(this.#secret, payload, shouldPush)
    return { envelopes: [encoded.envelope({ ephemeral: options.ephemeral === true })], message: encoded.bytes, sentNs: encoded.createdNs }
  }

  protected async open(envelope: Envelope): Promise<OpenedMessage> {
    const decoded = await decodeMessageV2({ conversation: this.#secret, members: this.#members, bytes: envelope.message })
    const opened: OpenedMessage = { senderAddress: decoded.senderAddress, sentNs: decoded.createdNs, contentBytes: decoded.payload }
    return opened
  }
}
