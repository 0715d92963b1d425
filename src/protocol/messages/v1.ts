// V1 direct messages (spec §7, §4.2, §4.3): the header carries both legacy
// public bundles and the send time in ms; the encoded EncodedContent is
// encrypted under the 3DH secret with the header bytes as associated data.
// There is no signature: authenticity comes from the 3DH.
import Long from 'long'
import { xmtp } from '../../gen/proto.js'
import { decrypt, encrypt, ciphertextParts, type Ciphertext } from '../crypto/ciphertext.ts'
import { sha256 } from '../crypto/hashes.ts'
import { zeroize } from '../crypto/random.ts'
import { toHex } from '../../wire/bytes.ts'
import {
  legacyBundlesEqual,
  requireLegacyBundle,
  verifyLegacyBundle,
  type CompleteLegacyBundle,
  type LegacyPublicKeyBundle,
} from '../keys/bundles.ts'
import { legacyPublicKeyPoint } from '../keys/public-keys.ts'
import { PrivateKeyBundleV1 } from '../keys/private-bundle.ts'
import { dmTopic, introTopic, toEphemeralTopic } from '../topics.ts'
import { ReasonError } from '../utils/errors.ts'

const pb = xmtp.message_contents

export type MessageV1ErrorReason = 'malformed' | 'invalid-bundle' | 'not-a-participant' | 'topic-mismatch' | 'decryption-failed'

/** A V1 message could not be built, parsed, attributed or decrypted. */
export class MessageV1Error extends ReasonError<MessageV1ErrorReason> {}

/** Message ID = hex SHA-256 of the encoded `Message` bytes exactly as sent (§7, §14.17). */
export function messageId(messageBytes: Uint8Array): string {
  if (!(messageBytes instanceof Uint8Array)) throw new TypeError('messageBytes must be a Uint8Array')
  return toHex(sha256(messageBytes))
}

export interface EncodeMessageV1Input {
  /** The sender's own identity. */
  sender: PrivateKeyBundleV1
  /** The peer's legacy public bundle (from its contact; convert V2 contacts first). */
  recipient: LegacyPublicKeyBundle
  /** Encoded `EncodedContent` bytes. */
  content: Uint8Array
  /** Header timestamp in ms; defaults to now. */
  timestampMs?: number
}

export interface EncodedMessageV1 {
  /** Encoded `Message{v1}` — publish these bytes verbatim. */
  bytes: Uint8Array
  id: string
  headerBytes: Uint8Array
  timestampMs: number
  /** Envelope.timestamp_ns = header ms × 10^6. */
  envelopeTimestampNs: bigint
  senderAddress: string
  recipientAddress: string
}

/** Encrypts content for a peer as the sender (3DH sender role, own current pre-key). */
export async function encodeMessageV1(input: EncodeMessageV1Input): Promise<EncodedMessageV1> {
  if (input === null || typeof input !== 'object') throw new TypeError('input must be an object')
  const { sender, content } = input
  if (!(sender instanceof PrivateKeyBundleV1)) throw new TypeError('sender must be a PrivateKeyBundleV1')
  if (!(content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array')
  const timestampMs = input.timestampMs ?? Date.now()
  if (!Number.isSafeInteger(timestampMs) || timestampMs <= 0) throw new RangeError('timestampMs must be a positive integer')
  let recipient: CompleteLegacyBundle
  let recipientAddress: string
  try {
    recipient = requireLegacyBundle(input.recipient, 'recipient bundle')
    recipientAddress = verifyLegacyBundle(recipient)
  } catch (cause) {
    throw new MessageV1Error('invalid-bundle', 'recipient bundle does not verify', { cause })
  }
  const own = sender.getPublicKeyBundle()
  const headerBytes = pb.MessageHeaderV1.encode({ sender: own, recipient, timestamp: Long.fromNumber(timestampMs, true) }).finish()
  const secret = sender.sharedSecret(recipient, legacyPublicKeyPoint(own.preKey), false)
  let ciphertext: Ciphertext
  try {
    ciphertext = await encrypt(content, secret, headerBytes)
  } finally {
    zeroize(secret)
  }
  const bytes = pb.Message.encode({ v1: { headerBytes, ciphertext } }).finish()
  return {
    bytes,
    id: messageId(bytes),
    headerBytes,
    timestampMs,
    envelopeTimestampNs: BigInt(timestampMs) * 1_000_000n,
    senderAddress: sender.walletAddress,
    recipientAddress,
  }
}

export interface DecodedMessageV1 {
  id: string
  /** The original `Message` bytes (never re-encoded). */
  bytes: Uint8Array
  headerBytes: Uint8Array
  sender: CompleteLegacyBundle
  recipient: CompleteLegacyBundle
  senderAddress: string
  recipientAddress: string
  timestampMs: number
  ciphertext: xmtp.message_contents.Ciphertext.$Properties
}

/**
 * Parses a `Message{v1}` and attributes it: both header bundles must be
 * complete and verify (pre-key and wallet signatures). Does not decrypt.
 */
export function decodeMessageV1(bytes: Uint8Array): DecodedMessageV1 {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
  let v1: xmtp.message_contents.MessageV1.$Properties | null | undefined
  let header: xmtp.message_contents.MessageHeaderV1
  try {
    v1 = pb.Message.decode(bytes).v1
    if (!v1) throw new MessageV1Error('malformed', 'not a V1 message')
    if (!v1.headerBytes?.length) throw new MessageV1Error('malformed', 'V1 message has no header')
    if (!v1.ciphertext) throw new MessageV1Error('malformed', 'V1 message has no ciphertext')
    ciphertextParts(v1.ciphertext)
    header = pb.MessageHeaderV1.decode(v1.headerBytes)
  } catch (cause) {
    if (cause instanceof MessageV1Error) throw cause
    throw new MessageV1Error('malformed', 'malformed V1 message', { cause })
  }
  let sender: CompleteLegacyBundle
  let recipient: CompleteLegacyBundle
  let senderAddress: string
  let recipientAddress: string
  try {
    sender = requireLegacyBundle(header.sender, 'message sender')
    recipient = requireLegacyBundle(header.recipient, 'message recipient')
    senderAddress = verifyLegacyBundle(sender)
    recipientAddress = verifyLegacyBundle(recipient)
  } catch (cause) {
    throw new MessageV1Error('invalid-bundle', 'V1 message header bundles do not verify', { cause })
  }
  const timestamp = Long.fromValue(header.timestamp ?? 0)
  return {
    id: messageId(bytes),
    bytes,
    headerBytes: v1.headerBytes!,
    sender,
    recipient,
    senderAddress,
    recipientAddress,
    timestampMs: timestamp.toNumber(),
    ciphertext: v1.ciphertext!,
  }
}

/** Throws MessageV1Error('topic-mismatch') unless the message belongs on `topic` (the dm topic of its two addresses). */
export function assertMessageV1Topic(message: DecodedMessageV1, topic: string): void {
  const expected = dmTopic(message.senderAddress, message.recipientAddress)
  if (topic !== expected && topic !== toEphemeralTopic(expected)) throw new MessageV1Error('topic-mismatch', 'message does not belong to this conversation topic')
}

/**
 * Decrypts a decoded V1 message with our own bundle, from either side: we are
 * the sender iff the header's sender bundle is ours (keys and signatures), else
 * we must be the recipient. Returns the encoded EncodedContent bytes.
 */
export async function decryptMessageV1(message: DecodedMessageV1, own: PrivateKeyBundleV1): Promise<Uint8Array> {
  if (!(own instanceof PrivateKeyBundleV1)) throw new TypeError('own must be a PrivateKeyBundleV1')
  if (message === null || typeof message !== 'object') throw new TypeError('message must be a DecodedMessageV1')
  // Sender iff the header's sender identity key (bytes and wallet signature) is ours.
  const mine = own.getPublicKeyBundle().identityKey
  const isMine = (b: CompleteLegacyBundle) => legacyBundlesEqual({ identityKey: b.identityKey }, { identityKey: mine })
  let isSender: boolean
  if (isMine(message.sender)) isSender = true
  else if (isMine(message.recipient)) isSender = false
  else throw new MessageV1Error('not-a-participant', 'this identity is neither the sender nor the recipient')
  const myHalf = isSender ? message.sender : message.recipient
  const peer = isSender ? message.recipient : message.sender
  let secret: Uint8Array
  try {
    secret = own.sharedSecret(peer, legacyPublicKeyPoint(myHalf.preKey), !isSender)
  } catch (cause) {
    throw new MessageV1Error('invalid-bundle', 'cannot derive the shared secret for this message', { cause })
  }
  try {
    return await decrypt(message.ciphertext, secret, message.headerBytes)
  } catch (cause) {
    throw new MessageV1Error('decryption-failed', 'V1 message does not decrypt', { cause })
  } finally {
    zeroize(secret)
  }
}

/**
 * Topics a V1 send publishes to (§7 step 5/6): on the first send to a peer in a
 * session, both intro topics plus the dm (or dmE) topic; afterwards only the latter.
 */
export function messageV1Topics(options: { senderAddress: string; recipientAddress: string; firstSend: boolean; ephemeral?: boolean }): string[] {
  const { senderAddress, recipientAddress, firstSend, ephemeral = false } = options
  const dm = dmTopic(senderAddress, recipientAddress)
  const conversation = ephemeral ? toEphemeralTopic(dm) : dm
  return firstSend ? [introTopic(recipientAddress), introTopic(senderAddress), conversation] : [conversation]
}
