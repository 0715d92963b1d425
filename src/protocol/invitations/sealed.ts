// Sealing and opening V2 invitations (spec §8.3, §8.4).
//
// Seal: header = {sender bundle, recipient bundle, created_ns}; the encoded
// InvitationV1 is encrypted under the 3DH secret in the fixed SENDER role with
// the header bytes as AAD; the same SealedInvitation payload goes to both
// parties' invite topics with envelope timestamp = created_ns.
// Open: check the timestamp rule, find which side we are, verify the other
// bundle, recompute the 3DH in our role and decrypt. Authenticity comes from
// the 3DH: only the two parties named in the header can produce a ciphertext
// that opens. Either of them can, though: the secret is symmetric, so `role`
// says which slot holds our bundle, not who really sealed it. Consent logic
// must not treat role 'sender' as proof that we invited the peer.
import Long from 'long'
import { xmtp } from '../../gen/proto.js'
import { decrypt, encrypt, type Ciphertext } from '../crypto/ciphertext.ts'
import { zeroize } from '../crypto/random.ts'
import { equalBytes } from '../../wire/bytes.ts'
import type { PrivateKeyBundleV1, PrivateKeyPair } from '../keys/private-bundle.ts'
import type { SignedPublicKeyBundle } from '../keys/bundles.ts'
import { KeyBundleError } from '../keys/errors.ts'
import { decodeUnsignedKey, signatureFromProto, type SignedPublicKey } from '../keys/public-keys.ts'
import type { Envelope } from '../../wire/message-api.ts'
import { inviteTopic, isValidTopic, topicCategory } from '../topics.ts'
import { verifySignedBundle, type VerifiedBundle } from './verified-bundle.ts'
import { invitationSecret, SharedSecretCache } from './shared-secrets.ts'
import { decodeInvitation, encodeInvitation, type Invitation } from './invitation.ts'
import { InvalidInvitationError } from './errors.ts'
import { matchesDerivation } from './deterministic.ts'

const pb = xmtp.message_contents
const NS_PER_MS = 1_000_000n
const UINT64_MAX = (1n << 64n) - 1n

/** xmtp-js stamps invitations with ms precision (ms × 10^6, §3.6). */
export function nowNs(): bigint {
  return BigInt(Date.now()) * NS_PER_MS
}

/** protobufjs returns Node Buffers under Node, whose slice() aliases; hand out plain Uint8Array views. */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function toLong(ns: bigint): Long {
  return Long.fromString(ns.toString(), true)
}

function fromLong(value: Long | number | null | undefined): bigint {
  if (value === null || value === undefined) return 0n
  return BigInt(Long.fromValue(value).toUnsigned().toString())
}

export interface SealInvitationInput {
  /** The inviter's keys; its current pre-key seals. */
  sender: PrivateKeyBundleV1
  /** The invitee's SignedPublicKeyBundle (as published, or converted from a V1 contact). */
  recipient: SignedPublicKeyBundle
  invitation: Invitation
  /** Header and envelope timestamp; defaults to now (ms × 10^6). */
  createdNs?: bigint | undefined
  secrets?: SharedSecretCache | undefined
}

export interface SealedInvitationOutput {
  /** Encoded SealedInvitation{v1}: the envelope message. */
  payload: Uint8Array
  headerBytes: Uint8Array
  createdNs: bigint
  recipientAddress: string
  /** Publish both in one request (§8.3 step 5): recipient's invite topic, then the sender's. */
  envelopes: [Envelope, Envelope]
}

export async function sealInvitation(input: SealInvitationInput): Promise<SealedInvitationOutput> {
  if (input === null || typeof input !== 'object') throw new TypeError('input must be an object')
  const { sender, recipient, secrets } = input
  if (sender === null || typeof sender !== 'object' || typeof sender.getSignedPublicKeyBundle !== 'function') {
    throw new TypeError('sender must be a PrivateKeyBundleV1')
  }
  const createdNs = input.createdNs ?? nowNs()
  if (typeof createdNs !== 'bigint' || createdNs <= 0n || createdNs > UINT64_MAX) throw new RangeError('createdNs must be a positive uint64 bigint')
  const plaintext = encodeInvitation(input.invitation)
  const verifiedRecipient = verifySignedBundle(recipient, 'recipient bundle')
  const header: xmtp.message_contents.SealedInvitationHeaderV1.$Properties = {
    sender: sender.getSignedPublicKeyBundle(),
    recipient: verifiedRecipient.bundle,
    createdNs: toLong(createdNs),
  }
  const headerBytes = plainBytes(pb.SealedInvitationHeaderV1.encode(header).finish())
  const secret = invitationSecret(sender, sender.currentPreKey, verifiedRecipient, false, secrets)
  let ciphertext: Ciphertext
  try {
    ciphertext = await encrypt(plaintext, secret, headerBytes)
  } finally {
    zeroize(secret)
  }
  const payload = plainBytes(pb.SealedInvitation.encode({ v1: { headerBytes, ciphertext } }).finish())
  return {
    payload,
    headerBytes,
    createdNs,
    recipientAddress: verifiedRecipient.walletAddress,
    envelopes: [
      { contentTopic: inviteTopic(verifiedRecipient.walletAddress), timestampNs: createdNs, message: payload },
      { contentTopic: inviteTopic(sender.walletAddress), timestampNs: createdNs, message: payload },
    ],
  }
}

export interface OpenedInvitation extends Invitation {
  /** Which side of the invitation we are. */
  role: 'sender' | 'recipient'
  /** EIP-55 wallet address of the other header bundle. */
  peerAddress: string
  /** The other party's bundle, verified. */
  peerBundle: VerifiedBundle
  /**
   * True when topic and key material are the deterministic derivation (§8.2) for the two
   * header bundles: the topic provably belongs to this pair. False for random (pre-10)
   * invitations and for any invitation naming a topic its sender cannot own.
   */
  deterministic: boolean
  createdNs: bigint
  /** created_ns at millisecond precision. */
  createdAt: Date
}

interface DecodedSealed {
  headerBytes: Uint8Array
  ciphertext: xmtp.message_contents.Ciphertext.$Properties
  createdNs: bigint
  sender: SignedPublicKeyBundle
  recipient: SignedPublicKeyBundle
}

function decodeSealed(message: Uint8Array): DecodedSealed {
  let sealed: xmtp.message_contents.SealedInvitation
  try {
    sealed = pb.SealedInvitation.decode(message)
  } catch (cause) {
    throw new InvalidInvitationError('malformed', 'not a SealedInvitation protobuf', { cause })
  }
  const v1 = sealed.v1
  if (!v1) throw new InvalidInvitationError('malformed', 'sealed invitation has no v1 arm')
  if (!(v1.headerBytes instanceof Uint8Array) || v1.headerBytes.length === 0) throw new InvalidInvitationError('malformed', 'sealed invitation has no header')
  if (!v1.ciphertext) throw new InvalidInvitationError('malformed', 'sealed invitation has no ciphertext')
  let header: xmtp.message_contents.SealedInvitationHeaderV1
  try {
    header = pb.SealedInvitationHeaderV1.decode(v1.headerBytes)
  } catch (cause) {
    throw new InvalidInvitationError('malformed', 'header is not a SealedInvitationHeaderV1 protobuf', { cause })
  }
  if (!header.sender || !header.recipient) throw new InvalidInvitationError('malformed', 'header needs a sender and a recipient bundle')
  return { headerBytes: v1.headerBytes, ciphertext: v1.ciphertext, createdNs: fromLong(header.createdNs), sender: header.sender, recipient: header.recipient }
}

function verifyHeaderBundle(bundle: SignedPublicKeyBundle, label: string): VerifiedBundle {
  try {
    return verifySignedBundle(bundle, label)
  } catch (cause) {
    if (cause instanceof KeyBundleError) throw new InvalidInvitationError('invalid-bundle', `${label} failed verification (${cause.reason})`, { cause })
    throw cause
  }
}

/**
 * Key and signature equality, compared by meaning rather than by encoding (as
 * xmtp-js does): another encoder may write a zero recovery id explicitly.
 */
function sameSignedKey(a: SignedPublicKey, b: SignedPublicKey): boolean {
  try {
    const arms = ['walletEcdsaCompact', 'ecdsaCompact'] as const
    const sa = signatureFromProto(a.signature, arms, 'signature')
    const sb = signatureFromProto(b.signature, arms, 'signature')
    const ka = decodeUnsignedKey(a.keyBytes)
    const kb = decodeUnsignedKey(b.keyBytes)
    return equalBytes(ka.point, kb.point) && ka.createdNs.equals(kb.createdNs) && equalBytes(sa.bytes, sb.bytes) && sa.recovery === sb.recovery
  } catch {
    return false
  }
}

function findOwnPreKey(keys: PrivateKeyBundleV1, point: Uint8Array): PrivateKeyPair {
  try {
    return keys.findPreKey(point)
  } catch (cause) {
    throw new InvalidInvitationError('not-addressed-to-us', 'the header names a pre-key we do not hold', { cause })
  }
}

/** Our own pre-key as named in the header: no signature check needed, it must be one we hold. */
function ownPreKeyPoint(bundle: SignedPublicKeyBundle, label: string): Uint8Array {
  try {
    return decodeUnsignedKey(bundle.preKey?.keyBytes).point
  } catch (cause) {
    throw new InvalidInvitationError('malformed', `${label} has no usable pre-key`, { cause })
  }
}

/**
 * Opens one invite-topic envelope for `keys`. Throws InvalidInvitationError,
 * DecryptionError or CiphertextFormatError; callers listing many invites
 * should catch per envelope and carry on.
 */
export async function openInvitation(
  keys: PrivateKeyBundleV1,
  envelope: Pick<Envelope, 'timestampNs' | 'message'>,
  options: { secrets?: SharedSecretCache | undefined } = {},
): Promise<OpenedInvitation> {
  if (keys === null || typeof keys !== 'object' || typeof keys.getSignedPublicKeyBundle !== 'function') throw new TypeError('keys must be a PrivateKeyBundleV1')
  if (envelope === null || typeof envelope !== 'object') throw new TypeError('envelope must be an object')
  if (typeof envelope.timestampNs !== 'bigint') throw new TypeError('envelope.timestampNs must be a bigint')
  if (!(envelope.message instanceof Uint8Array)) throw new TypeError('envelope.message must be a Uint8Array')

  const { headerBytes, ciphertext, createdNs, ...header } = decodeSealed(envelope.message)
  if (createdNs !== envelope.timestampNs) throw new InvalidInvitationError('timestamp-mismatch', 'envelope timestamp differs from the header created_ns')

  const own = keys.getSignedPublicKeyBundle().identityKey
  const sameIdentity = (bundle: SignedPublicKeyBundle) => !!bundle.identityKey && sameSignedKey(bundle.identityKey, own)

  let role: OpenedInvitation['role']
  let peer: VerifiedBundle
  let myPreKey: PrivateKeyPair
  if (sameIdentity(header.sender)) {
    role = 'sender'
    peer = verifyHeaderBundle(header.recipient, 'recipient bundle')
    myPreKey = findOwnPreKey(keys, ownPreKeyPoint(header.sender, 'sender bundle'))
  } else if (sameIdentity(header.recipient)) {
    role = 'recipient'
    peer = verifyHeaderBundle(header.sender, 'sender bundle')
    myPreKey = findOwnPreKey(keys, ownPreKeyPoint(header.recipient, 'recipient bundle'))
  } else {
    throw new InvalidInvitationError('not-addressed-to-us', 'neither header bundle carries our identity key')
  }

  // Opening and the derivation check (§8.2) use the same key pairing in two roles: one
  // cache serves both, so the three ECDH are computed once even without the caller's cache.
  const secrets = options.secrets ?? new SharedSecretCache(1)
  let deterministic: boolean
  let invitation: Invitation
  try {
    const secret = invitationSecret(keys, myPreKey, peer, role === 'recipient', secrets)
    let plaintext: Uint8Array
    try {
      plaintext = await decrypt(ciphertext, secret, headerBytes)
    } finally {
      zeroize(secret)
    }
    invitation = decodeInvitation(plaintext)
    // Stricter than xmtp-js (printable only): the topic we will subscribe and publish to must be a V2 conversation topic.
    if (!isValidTopic(invitation.topic) || topicCategory(invitation.topic) !== 'm') {
      throw new InvalidInvitationError('invalid-content', 'invitation topic is not a V2 conversation topic')
    }
    deterministic = matchesDerivation({
      keys,
      myPreKey,
      peer,
      topic: invitation.topic,
      keyMaterial: invitation.keyMaterial,
      conversationId: invitation.context?.conversationId,
      secrets,
    })
  } finally {
    if (secrets !== options.secrets) secrets.clear()
  }
  return {
    ...invitation,
    role,
    peerAddress: peer.walletAddress,
    peerBundle: peer,
    deterministic,
    createdNs,
    createdAt: new Date(Number(createdNs / NS_PER_MS)),
  }
}
