// InvitationV1 content (spec §2.7, §8.1) and its optional consent proof (§8.5).
import Long from 'long'
import { xmtp } from '../../gen/proto.js'
import { recoverWalletAddress, toChecksumAddress, isAddress } from '../crypto/ethereum.ts'
import { consentProofText } from '../keys/signature-texts.ts'
import type { Signer } from '../keys/signer.ts'
import { InvalidInvitationError } from './errors.ts'
import { KEY_MATERIAL_LENGTH } from './deterministic.ts'

const pb = xmtp.message_contents

export interface InvitationContext {
  /** URI-like id chosen by the app, e.g. `xmtp.org/convo1`. */
  conversationId: string
  metadata: Record<string, string>
}

/** ConsentProofPayload: the invitee's wallet signature granting the inviter consent. */
export interface ConsentProof {
  /** `0x` + 130 hex digits (r‖s‖v). */
  signature: string
  timestampMs: number
  payloadVersion: number
}

export interface Invitation {
  /** Full content topic `/xmtp/0/m-…/proto`. */
  topic: string
  /** 32-byte AES-256-GCM-HKDF key material. */
  keyMaterial: Uint8Array
  context?: InvitationContext | undefined
  consentProof?: ConsentProof | undefined
}

export const CONSENT_PROOF_PAYLOAD_VERSION_1 = pb.ConsentProofPayloadVersion.CONSENT_PROOF_PAYLOAD_VERSION_1
/** §8.5: a proof older than this is ignored. */
export const CONSENT_PROOF_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000

function checkContext(context: unknown): InvitationContext {
  if (context === null || typeof context !== 'object') throw new TypeError('invitation.context must be an object')
  const { conversationId, metadata = {} } = context as Partial<InvitationContext>
  if (typeof conversationId !== 'string') throw new TypeError('invitation.context.conversationId must be a string')
  if (metadata === null || typeof metadata !== 'object') throw new TypeError('invitation.context.metadata must be an object of strings')
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new TypeError(`invitation.context.metadata.${k} must be a string`)
  }
  return { conversationId, metadata: { ...metadata } }
}

function checkConsentProof(proof: unknown): ConsentProof {
  if (proof === null || typeof proof !== 'object') throw new TypeError('consentProof must be an object')
  const { signature, timestampMs, payloadVersion } = proof as Partial<ConsentProof>
  if (typeof signature !== 'string') throw new TypeError('consentProof.signature must be a hex string')
  if (!Number.isSafeInteger(timestampMs) || timestampMs! < 0) throw new RangeError('consentProof.timestampMs must be a non-negative integer')
  if (!Number.isInteger(payloadVersion)) throw new TypeError('consentProof.payloadVersion must be an integer')
  return { signature, timestampMs: timestampMs!, payloadVersion: payloadVersion! }
}

function consentProofToProto(proof: ConsentProof): xmtp.message_contents.ConsentProofPayload.$Properties {
  return { signature: proof.signature, timestamp: Long.fromNumber(proof.timestampMs, true), payloadVersion: proof.payloadVersion }
}

function consentProofFromProto(proto: xmtp.message_contents.ConsentProofPayload.$Properties): ConsentProof {
  const timestamp = Long.fromValue(proto.timestamp ?? 0)
  if (timestamp.greaterThan(Long.fromNumber(Number.MAX_SAFE_INTEGER))) throw new InvalidInvitationError('invalid-content', 'consent proof timestamp out of range')
  return { signature: proto.signature ?? '', timestampMs: timestamp.toNumber(), payloadVersion: proto.payloadVersion ?? 0 }
}

/** Encodes a ConsentProofPayload (§15.5). */
export function encodeConsentProof(proof: ConsentProof): Uint8Array {
  return pb.ConsentProofPayload.encode(consentProofToProto(checkConsentProof(proof))).finish()
}

export function decodeConsentProof(bytes: Uint8Array): ConsentProof {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
  try {
    return consentProofFromProto(pb.ConsentProofPayload.decode(bytes))
  } catch (cause) {
    if (cause instanceof InvalidInvitationError) throw cause
    throw new InvalidInvitationError('malformed', 'not a ConsentProofPayload protobuf', { cause })
  }
}

/**
 * The invitee (`signer`) grants `inviterAddress` consent: a personal_sign over
 * the "Grant inbox consent to sender" text (§3.2) naming the inviter.
 */
export async function createConsentProof(signer: Signer, inviterAddress: string, timestampMs: number = Date.now()): Promise<ConsentProof> {
  if (!signer || typeof signer.signMessage !== 'function') throw new TypeError('signer must implement signMessage')
  if (!isAddress(inviterAddress)) throw new TypeError('inviterAddress must be an Ethereum address')
  const signature = await signer.signMessage(consentProofText(toChecksumAddress(inviterAddress), timestampMs))
  return { signature, timestampMs, payloadVersion: CONSENT_PROOF_PAYLOAD_VERSION_1 }
}

/**
 * The recipient-side acceptance rule of §8.5: version 1, timestamp within the
 * last 30 days and not in the future, and the signature recovers to the
 * recipient's own address over a text naming the inviter. Never throws on a
 * bad proof; it simply is not a proof.
 */
export function verifyConsentProof(
  proof: ConsentProof,
  parties: { inviterAddress: string; recipientAddress: string },
  nowMs: number = Date.now(),
): boolean {
  if (proof === null || typeof proof !== 'object') throw new TypeError('proof must be a ConsentProof')
  if (!isAddress(parties?.inviterAddress) || !isAddress(parties?.recipientAddress)) throw new TypeError('inviterAddress and recipientAddress must be Ethereum addresses')
  if (proof.payloadVersion !== CONSENT_PROOF_PAYLOAD_VERSION_1) return false
  if (!Number.isSafeInteger(proof.timestampMs) || proof.timestampMs > nowMs || proof.timestampMs < nowMs - CONSENT_PROOF_MAX_AGE_MS) return false
  try {
    const signer = recoverWalletAddress(consentProofText(toChecksumAddress(parties.inviterAddress), proof.timestampMs), proof.signature)
    return signer === toChecksumAddress(parties.recipientAddress)
  } catch {
    return false
  }
}

/** Validates and encodes an InvitationV1 (context and consent proof omitted when absent). */
export function encodeInvitation(invitation: Invitation): Uint8Array {
  if (invitation === null || typeof invitation !== 'object') throw new TypeError('invitation must be an object')
  const { topic, keyMaterial } = invitation
  if (typeof topic !== 'string' || topic.length === 0) throw new TypeError('invitation.topic must be a non-empty string')
  if (!(keyMaterial instanceof Uint8Array)) throw new TypeError('invitation.keyMaterial must be a Uint8Array')
  if (keyMaterial.length !== KEY_MATERIAL_LENGTH) throw new RangeError(`invitation.keyMaterial must be ${KEY_MATERIAL_LENGTH} bytes`)
  const proto: xmtp.message_contents.InvitationV1.$Properties = { topic, aes256GcmHkdfSha256: { keyMaterial } }
  if (invitation.context !== undefined) proto.context = checkContext(invitation.context)
  if (invitation.consentProof !== undefined) proto.consentProof = consentProofToProto(checkConsentProof(invitation.consentProof))
  return pb.InvitationV1.encode(proto).finish()
}

/** Decodes an InvitationV1 and enforces §8.1/§8.4: non-empty topic, 32-byte key material. */
export function decodeInvitation(bytes: Uint8Array): Invitation {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
  let proto: xmtp.message_contents.InvitationV1
  try {
    proto = pb.InvitationV1.decode(bytes)
  } catch (cause) {
    throw new InvalidInvitationError('malformed', 'not an InvitationV1 protobuf', { cause })
  }
  if (!proto.topic) throw new InvalidInvitationError('invalid-content', 'invitation has an empty topic')
  const keyMaterial = proto.aes256GcmHkdfSha256?.keyMaterial
  if (!(keyMaterial instanceof Uint8Array) || keyMaterial.length !== KEY_MATERIAL_LENGTH) {
    throw new InvalidInvitationError('invalid-content', `invitation key material must be ${KEY_MATERIAL_LENGTH} bytes`)
  }
  const invitation: Invitation = { topic: proto.topic, keyMaterial: new Uint8Array(keyMaterial) }
  if (proto.context) invitation.context = { conversationId: proto.context.conversationId ?? '', metadata: { ...(proto.context.metadata ?? {}) } }
  if (proto.consentProof) invitation.consentProof = consentProofFromProto(proto.consentProof)
  return invitation
}
