// What a node accepts from its peers: the same rules as a client publish (handlers.ts), applied
// to envelopes that arrive over gossip, catch-up or anti-entropy. A peer is not trusted more
// than a client: an owner-only topic (contact-, privatestore-) needs the owner's proof.
//
// The proof is the publisher's Authorization value: a token whose identity key is signed by
// the owner's wallet. Gossip carries it per batch and checks it as a publish would (valid
// now). Catch-up and anti-entropy carry old envelopes, each with the proof it was stored
// with; there the token must have been valid when the envelope was written: its sender time
// lies within the token's lifetime (created at most an hour before, or a little after for
// clock skew). A contact envelope may prove itself instead: a bundle signed by the owner's
// wallet. An envelope stored before proofs were kept has none; only such contacts pass.

import type { Envelope } from '../../wire/message-api.ts'
import { decodeContactBundle, verifyContact } from '../../protocol/contacts/index.ts'
import { authenticate, writtenOutsideToken, type TokenVerifier } from '../auth.ts'
import { MAX_MESSAGE_BYTES, MAX_TOPIC_LENGTH } from '../limits.ts'
import type { ProvenEnvelope } from '../store/types.ts'
import { restrictedTopicOwner } from '../topics.ts'

export interface PeerValidation {
  /** The node's token verifier; undefined when the node runs with --no-auth. */
  verifyToken: TokenVerifier | undefined
  nowNs(): bigint
}

export { PROOF_CLOCK_SKEW_NS } from '../auth.ts'

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

/** Why an envelope breaks the client limits (topic, size), or undefined. */
export function refuseShape(envelope: Envelope): string | undefined {
  const topic = envelope.contentTopic
  if (topic.length === 0) return 'empty topic'
  if (topic.length > MAX_TOPIC_LENGTH) return `topic length ${topic.length} > ${MAX_TOPIC_LENGTH}`
  if (envelope.message.length > MAX_MESSAGE_BYTES) return `message ${envelope.message.length} bytes > ${MAX_MESSAGE_BYTES}`
  return undefined
}

/** Why a peer's gossiped envelope is refused, or undefined when it is acceptable. */
export function refusePeerEnvelope(envelope: Envelope, wallet: string | undefined, check: PeerValidation): string | undefined {
  const shape = refuseShape(envelope)
  if (shape) return shape
  if (!check.verifyToken) return undefined // --no-auth: this node lets anyone publish anywhere
  const owner = restrictedTopicOwner(envelope.contentTopic)
  if (owner === undefined || owner === wallet) return undefined
  if (selfProvingContact(envelope, owner)) return undefined
  return wallet === undefined ? 'owner-only topic without the owner\'s token' : 'owner-only topic of another wallet'
}

/**
 * The wallet a proof speaks for if its token was valid when an envelope was written at
 * `writtenNs` (the envelope's sender time), or an Error saying why not.
 */
export async function proofWallet(proof: string, writtenNs: bigint, check: PeerValidation): Promise<string | Error> {
  if (!check.verifyToken) return new Error('this node checks no tokens')
  try {
    // Verified as of the write: signatures, wallet, and at most an hour old then.
    const wallet = await authenticate(proof, check.verifyToken, writtenNs)
    const outside = writtenOutsideToken(proof, writtenNs)
    return outside ? new Error(outside) : wallet
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err))
  }
}

export type RefusalKind = 'invalid' | 'unproven' | 'forged'

export interface PeerRefusal {
  kind: RefusalKind
  reason: string
}

/** Why an envelope carried by catch-up or anti-entropy (with its stored proof) is refused, or undefined. */
export async function refuseCarriedEnvelope(envelope: ProvenEnvelope, check: PeerValidation): Promise<PeerRefusal | undefined> {
  const shape = refuseShape(envelope)
  if (shape) return { kind: 'invalid', reason: shape }
  if (!check.verifyToken) return undefined
  const owner = restrictedTopicOwner(envelope.contentTopic)
  if (owner === undefined) return undefined
  if (envelope.proof !== undefined) {
    const wallet = await proofWallet(envelope.proof, envelope.timestampNs, check)
    if (wallet === owner) return undefined
    if (selfProvingContact(envelope, owner)) return undefined
    return { kind: 'forged', reason: wallet instanceof Error ? `proof: ${wallet.message}` : 'proof: a token of another wallet' }
  }
  if (selfProvingContact(envelope, owner)) return undefined
  return { kind: 'unproven', reason: 'owner-only topic without a proof' }
}

function selfProvingContact(envelope: Envelope, owner: string): boolean {
  if (!envelope.contentTopic.startsWith('/xmtp/0/contact-')) return false
  try {
    return verifyContact(decodeContactBundle(envelope.message)).walletAddress === owner
  } catch {
    return false
  }
}
