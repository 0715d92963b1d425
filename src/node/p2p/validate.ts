// What a node accepts from its peers: the same rules as a client publish (handlers.ts), applied
// to envelopes that arrive over gossip or catch-up. A peer is not trusted more than a client:
// owner-only topics (contact-, privatestore-) need the publisher's token proof carried with the
// batch, or, for contact topics, a contact bundle signed by the owner's wallet (the payload
// proves itself, which is what lets catch-up carry contact bundles without tokens).

import type { Envelope } from '../../protocol/api/wire.ts'
import { decodeContactBundle, verifyContact } from '../../protocol/contacts/index.ts'
import { authenticate, type TokenVerifier } from '../auth.ts'
import { MAX_MESSAGE_BYTES, MAX_TOPIC_LENGTH } from '../limits.ts'
import { restrictedTopicOwner } from '../topics.ts'

export interface PeerValidation {
  /** The node's token verifier; undefined when the node runs with --no-auth. */
  verifyToken: TokenVerifier | undefined
  nowNs(): bigint
}

/**
 * The wallet proven by a batch's authorization, undefined when there is none, or an Error
 * when the token is present but does not verify (the batch is then refused whole).
 */
export async function batchWallet(authorization: string | undefined, check: PeerValidation): Promise<string | undefined | Error> {
  if (authorization === undefined || !check.verifyToken) return undefined
  try {
    return await authenticate(authorization, check.verifyToken, check.nowNs())
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err))
  }
}

/** Why a peer's envelope is refused, or undefined when it is acceptable. */
export function refusePeerEnvelope(envelope: Envelope, wallet: string | undefined, check: PeerValidation): string | undefined {
  const topic = envelope.contentTopic
  if (topic.length === 0) return 'empty topic'
  if (topic.length > MAX_TOPIC_LENGTH) return `topic length ${topic.length} > ${MAX_TOPIC_LENGTH}`
  if (envelope.message.length > MAX_MESSAGE_BYTES) return `message ${envelope.message.length} bytes > ${MAX_MESSAGE_BYTES}`
  if (!check.verifyToken) return undefined // --no-auth: this node lets anyone publish anywhere
  const owner = restrictedTopicOwner(topic)
  if (owner === undefined || owner === wallet) return undefined
  if (topic.startsWith('/xmtp/0/contact-') && contactOwner(envelope.message) === owner) return undefined
  return wallet === undefined ? 'owner-only topic without the owner\'s token' : 'owner-only topic of another wallet'
}

function contactOwner(payload: Uint8Array): string | undefined {
  try {
    return verifyContact(decodeContactBundle(payload)).walletAddress
  } catch {
    return undefined
  }
}
