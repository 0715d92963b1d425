// V2 conversation messages (spec §2.5, §9) as pure functions: EncodedContent
// bytes in, Message{v2} bytes out, and back.
//
// Sending: header {created_ns, topic}; SignedContent = payload signed by the
// sender's current pre-key over SHA-256(header_bytes ‖ payload) with the
// sender's SignedPublicKeyBundle; encrypted under the invitation key material
// with AAD = header_bytes; sender_hmac over header_bytes (§9 step 6 quirk).
// Receiving adds one rule xmtp-js lacks: the signer's wallet must be one of the
// conversation's members, otherwise anyone holding the key material could
// speak as any identity they control into the conversation.
import Long from 'long'
import { xmtp } from '../../gen/proto.js'
import { decrypt, encrypt } from '../crypto/ciphertext.ts'
import { hkdfSha256, hmacSha256, sha256 } from '../crypto/hashes.ts'
import { isAddress, toChecksumAddress } from '../crypto/ethereum.ts'
import { signDigest } from '../crypto/secp256k1.ts'
import { concatBytes, equalBytes, toHex, utf8 } from '../../wire/bytes.ts'
import { signatureFromProto, signatureToProto } from '../keys/public-keys.ts'
import { KeyBundleError } from '../keys/errors.ts'
import type { PrivateKeyBundleV1 } from '../keys/private-bundle.ts'
import type { Envelope } from '../../wire/message-api.ts'
import { toEphemeralTopic, topicCategory } from '../topics.ts'
import { verifySignedBundle, type VerifiedBundle } from '../invitations/verified-bundle.ts'
import { verifyPreKeySignature } from '../invitations/pre-key-verifier.ts'
import { KEY_MATERIAL_LENGTH } from '../invitations/deterministic.ts'
import { ReasonError } from '../utils/errors.ts'

const pb = xmtp.message_contents
const NS_PER_MS = 1_000_000n
const UINT64_MAX = (1n << 64n) - 1n
const EMPTY = new Uint8Array(0)
/** Length of one sender-HMAC period: 30 days (§9 step 6). */
export const HMAC_PERIOD_MS = 30 * 24 * 60 * 60 * 1000

export type InvalidMessageReason =
  | 'malformed' // undecodable Message / header / SignedContent, or not a v2 message
  | 'wrong-topic' // header.topic differs from the conversation topic
  | 'invalid-sender-bundle' // sender pre-key not signed by its identity key, or wallet signature broken
  | 'invalid-signature' // content signature does not verify with the sender's pre-key

/** A V2 message is unusable: malformed, misdirected or badly signed. */
export class InvalidMessageError extends ReasonError<InvalidMessageReason> {}

/** A validly signed message whose signer is not a member of the conversation. */
export class ForgedSenderError extends ReasonError<'forged-sender'> {
  override readonly name = 'ForgedSenderError'
  constructor(readonly senderAddress: string) {
    super('forged-sender', `message is signed by ${senderAddress}, who is not a member of this conversation`)
  }
}

export { DecryptionError, CiphertextFormatError } from '../crypto/errors.ts'

/** What both sides know about a V2 conversation from its invitation. */
export interface ConversationSecret {
  /** Full content topic `/xmtp/0/m-…/proto`. */
  topic: string
  /** The invitation's 32-byte key material. */
  keyMaterial: Uint8Array
}

/** protobufjs returns Node Buffers under Node, whose slice() aliases; hand out plain Uint8Array views. */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function checkConversation(conversation: ConversationSecret): void {
  if (conversation === null || typeof conversation !== 'object') throw new TypeError('conversation must be {topic, keyMaterial}')
  if (typeof conversation.topic !== 'string' || conversation.topic.length === 0) throw new TypeError('conversation.topic must be a non-empty string')
  if (!(conversation.keyMaterial instanceof Uint8Array)) throw new TypeError('conversation.keyMaterial must be a Uint8Array')
  if (conversation.keyMaterial.length !== KEY_MATERIAL_LENGTH) throw new RangeError(`conversation.keyMaterial must be ${KEY_MATERIAL_LENGTH} bytes`)
}

/** Message ID: lowercase hex SHA-256 of the Message bytes exactly as published (§9, §14 item 17). */
export function messageId(messageBytes: Uint8Array): string {
  return toHex(sha256(messageBytes))
}

/** 30-day period number since the epoch used in the sender HMAC info. */
export function hmacPeriod(nowMs: number = Date.now()): number {
  if (!Number.isFinite(nowMs) || nowMs < 0) throw new RangeError('nowMs must be a non-negative number')
  return Math.floor(nowMs / 1000 / 60 / 60 / 24 / 30)
}

/** HKDF(key_material, empty salt, "<period>-<EIP-55 address>") → 32-byte HMAC key (§4.4). */
export function senderHmacKey(keyMaterial: Uint8Array, period: number, senderAddress: string): Uint8Array {
  if (!(keyMaterial instanceof Uint8Array) || keyMaterial.length === 0) throw new TypeError('keyMaterial must be non-empty bytes')
  if (!Number.isSafeInteger(period)) throw new RangeError('period must be an integer')
  return hkdfSha256(keyMaterial, EMPTY, utf8(`${period}-${toChecksumAddress(senderAddress)}`), 32)
}

/** sender_hmac = HMAC-SHA256(senderHmacKey, header_bytes). */
export function computeSenderHmac(keyMaterial: Uint8Array, period: number, senderAddress: string, headerBytes: Uint8Array): Uint8Array {
  if (!(headerBytes instanceof Uint8Array)) throw new TypeError('headerBytes must be a Uint8Array')
  return hmacSha256(senderHmacKey(keyMaterial, period, senderAddress), headerBytes)
}

export interface HmacKeyForPeriod {
  thirtyDayPeriodsSinceEpoch: number
  hmacKey: Uint8Array
}

/**
 * Keys a push server needs to recognise our own messages (xmtp-js
 * getV2ConversationHmacKeys): per topic, periods current−1, current, current+1.
 */
export function conversationHmacKeys(
  conversations: Iterable<ConversationSecret>,
  ownAddress: string,
  nowMs: number = Date.now(),
): Record<string, HmacKeyForPeriod[]> {
  if (!isAddress(ownAddress)) throw new TypeError('ownAddress must be an Ethereum address')
  const current = hmacPeriod(nowMs)
  const out: Record<string, HmacKeyForPeriod[]> = {}
  for (const conversation of conversations) {
    checkConversation(conversation)
    out[conversation.topic] = [current - 1, current, current + 1].map((period) => ({
      thirtyDayPeriodsSinceEpoch: period,
      hmacKey: senderHmacKey(conversation.keyMaterial, period, ownAddress),
    }))
  }
  return out
}

export interface EncodeMessageV2Input {
  /** The sender's keys: the current pre-key signs, the signed public bundle travels with the content. */
  sender: PrivateKeyBundleV1
  conversation: ConversationSecret
  /** Encoded EncodedContent (after optional compression). */
  payload: Uint8Array
  /** The codec's shouldPush for this content (§10.2). */
  shouldPush: boolean
  /** Header timestamp and envelope timestamp; defaults to now (ms × 10^6). */
  createdNs?: bigint | undefined
  /** Clock for the sender-HMAC period; defaults to Date.now() as in xmtp-js. */
  nowMs?: number | undefined
}

export interface EncodedMessageV2 {
  /** Encoded Message{v2}: the envelope message. */
  bytes: Uint8Array
  id: string
  createdNs: bigint
  headerBytes: Uint8Array
  senderHmac: Uint8Array
  /** The envelope to publish on the conversation topic (or pass `ephemeral` for the mE- topic). */
  envelope(options?: { ephemeral?: boolean }): Envelope
}

/** The ephemeral twin of a V2 topic: `/xmtp/0/m-…` → `/xmtp/0/mE-…` (§1). */
export function ephemeralTopic(topic: string): string {
  if (topicCategory(topic) !== 'm') throw new TypeError('topic must be a V2 conversation topic /xmtp/0/m-…')
  return toEphemeralTopic(topic)
}

export async function encodeMessageV2(input: EncodeMessageV2Input): Promise<EncodedMessageV2> {
  if (input === null || typeof input !== 'object') throw new TypeError('input must be an object')
  const { sender, conversation, payload, shouldPush } = input
  if (sender === null || typeof sender !== 'object' || typeof sender.getSignedPublicKeyBundle !== 'function') throw new TypeError('sender must be a PrivateKeyBundleV1')
  checkConversation(conversation)
  if (!(payload instanceof Uint8Array)) throw new TypeError('payload must be a Uint8Array (encoded EncodedContent)')
  if (typeof shouldPush !== 'boolean') throw new TypeError('shouldPush must be a boolean')
  const createdNs = input.createdNs ?? BigInt(Date.now()) * NS_PER_MS
  if (typeof createdNs !== 'bigint' || createdNs <= 0n || createdNs > UINT64_MAX) throw new RangeError('createdNs must be a positive uint64 bigint')
  const nowMs = input.nowMs ?? Date.now()

  const headerBytes = plainBytes(pb.MessageHeaderV2.encode({ createdNs: Long.fromString(createdNs.toString(), true), topic: conversation.topic }).finish())
  const signature = signDigest(sha256(concatBytes(headerBytes, payload)), sender.currentPreKey.privateKey)
  const signedBytes = pb.SignedContent.encode({
    payload,
    sender: sender.getSignedPublicKeyBundle(),
    signature: signatureToProto(signature, 'ecdsaCompact'),
  }).finish()
  const ciphertext = await encrypt(signedBytes, conversation.keyMaterial, headerBytes)
  const senderHmac = computeSenderHmac(conversation.keyMaterial, hmacPeriod(nowMs), sender.walletAddress, headerBytes)
  const bytes = plainBytes(pb.Message.encode({ v2: { headerBytes, ciphertext, senderHmac, shouldPush } }).finish())
  return {
    bytes,
    id: messageId(bytes),
    createdNs,
    headerBytes,
    senderHmac,
    envelope: (options = {}) => ({
      contentTopic: options.ephemeral ? ephemeralTopic(conversation.topic) : conversation.topic,
      timestampNs: createdNs,
      message: bytes,
    }),
  }
}

export interface DecodeMessageV2Input {
  conversation: ConversationSecret
  /** Wallet addresses allowed to sign: the invitation's peer and ourselves. */
  members: readonly string[]
  /** The envelope's message bytes. */
  bytes: Uint8Array
}

export interface DecodedMessageV2 {
  id: string
  topic: string
  createdNs: bigint
  /** created_ns at millisecond precision. */
  sentAt: Date
  /** EIP-55 wallet address of the verified signer (one of `members`). */
  senderAddress: string
  senderBundle: VerifiedBundle
  /** Encoded EncodedContent; decode with the content layer. */
  payload: Uint8Array
  shouldPush: boolean | undefined
  senderHmac: Uint8Array | undefined
  headerBytes: Uint8Array
}

function malformed(message: string, cause?: unknown): InvalidMessageError {
  return new InvalidMessageError('malformed', message, cause === undefined ? undefined : { cause })
}

/**
 * Decrypts and authenticates one V2 message. Throws InvalidMessageError,
 * ForgedSenderError, DecryptionError or CiphertextFormatError; nothing is
 * returned unless the signer is a verified member.
 */
export async function decodeMessageV2(input: DecodeMessageV2Input): Promise<DecodedMessageV2> {
  if (input === null || typeof input !== 'object') throw new TypeError('input must be an object')
  const { conversation, members, bytes } = input
  checkConversation(conversation)
  if (!Array.isArray(members) || members.length === 0) throw new TypeError('members must be a non-empty array of addresses')
  const allowed = new Set<string>()
  for (const member of members) {
    if (!isAddress(member)) throw new TypeError('members must hold Ethereum addresses')
    allowed.add(toChecksumAddress(member))
  }
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')

  let message: xmtp.message_contents.Message
  try {
    message = pb.Message.decode(bytes)
  } catch (cause) {
    throw malformed('not a Message protobuf', cause)
  }
  const v2 = message.v2
  if (!v2) throw malformed('not a V2 message')
  if (!(v2.headerBytes instanceof Uint8Array) || v2.headerBytes.length === 0 || !v2.ciphertext) throw malformed('V2 message needs header bytes and a ciphertext')
  const headerBytes = v2.headerBytes
  let header: xmtp.message_contents.MessageHeaderV2
  try {
    header = pb.MessageHeaderV2.decode(headerBytes)
  } catch (cause) {
    throw malformed('header is not a MessageHeaderV2 protobuf', cause)
  }
  if (header.topic !== conversation.topic) throw new InvalidMessageError('wrong-topic', 'message header names a different conversation topic')

  const signedBytes = await decrypt(v2.ciphertext, conversation.keyMaterial, headerBytes)
  let signed: xmtp.message_contents.SignedContent
  try {
    signed = pb.SignedContent.decode(signedBytes)
  } catch (cause) {
    throw malformed('decrypted content is not a SignedContent protobuf', cause)
  }
  if (!signed.sender?.identityKey || !signed.sender.preKey || !signed.signature) throw malformed('signed content needs a sender bundle and a signature')

  let senderBundle: VerifiedBundle
  try {
    senderBundle = verifySignedBundle(signed.sender, 'sender bundle')
  } catch (cause) {
    if (cause instanceof KeyBundleError) throw new InvalidMessageError('invalid-sender-bundle', `sender bundle failed verification (${cause.reason})`, { cause })
    throw cause
  }
  // Decoded fields alias the decrypted buffer; return owned copies.
  const payload = signed.payload instanceof Uint8Array ? new Uint8Array(signed.payload) : new Uint8Array(0)
  let signature: { bytes: Uint8Array }
  try {
    signature = signatureFromProto(signed.signature, ['ecdsaCompact'], 'content signature')
  } catch (cause) {
    throw new InvalidMessageError('invalid-signature', 'content signature is missing or malformed', { cause })
  }
  if (!verifyPreKeySignature(senderBundle.fingerprint, senderBundle.preKey, signature.bytes, sha256(concatBytes(headerBytes, payload)))) {
    throw new InvalidMessageError('invalid-signature', 'content signature does not verify with the sender pre-key')
  }
  if (!allowed.has(senderBundle.walletAddress)) throw new ForgedSenderError(senderBundle.walletAddress)

  const createdNs = BigInt(Long.fromValue(header.createdNs ?? 0).toUnsigned().toString())
  return {
    id: messageId(bytes),
    topic: conversation.topic,
    createdNs,
    sentAt: new Date(Number(createdNs / NS_PER_MS)),
    senderAddress: senderBundle.walletAddress,
    senderBundle,
    payload,
    shouldPush: v2.shouldPush ?? undefined,
    senderHmac: v2.senderHmac ? new Uint8Array(v2.senderHmac) : undefined,
    headerBytes: new Uint8Array(headerBytes),
  }
}

/** True iff `senderHmac` was made by `senderAddress` for the message header in one of the given periods. */
export function verifySenderHmac(
  conversation: ConversationSecret,
  senderAddress: string,
  headerBytes: Uint8Array,
  senderHmac: Uint8Array,
  periods: readonly number[] = [hmacPeriod() - 1, hmacPeriod(), hmacPeriod() + 1],
): boolean {
  checkConversation(conversation)
  if (!(senderHmac instanceof Uint8Array)) throw new TypeError('senderHmac must be a Uint8Array')
  return periods.some((period) => equalBytes(computeSenderHmac(conversation.keyMaterial, period, senderAddress, headerBytes), senderHmac))
}
