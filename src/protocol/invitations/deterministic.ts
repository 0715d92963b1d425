// Deterministic V2 conversation topic and key material (spec §8.2, the
// xmtp-js ≥ 11 algorithm). Both members derive identical bytes whoever
// invites, so crossed or re-sent invitations converge on one conversation.
import { hkdfSha256, hmacSha256 } from '../crypto/hashes.ts'
import { toChecksumAddress } from '../crypto/ethereum.ts'
import { zeroize } from '../crypto/random.ts'
import { equalBytes, toHex, utf8 } from '../../wire/bytes.ts'
import { conversationTopic } from '../topics.ts'
import type { PrivateKeyBundleV1, PrivateKeyPair } from '../keys/private-bundle.ts'
import type { SignedPublicKeyBundle } from '../keys/bundles.ts'
import { verifySignedBundle, type VerifiedBundle } from './verified-bundle.ts'
import { invitationSecret, type SharedSecretCache } from './shared-secrets.ts'

/** HKDF salt of the key material derivation (32 ASCII bytes). */
export const INVITATION_SALT = utf8('__XMTP__INVITATION__SALT__XMTP__')
export const KEY_MATERIAL_LENGTH = 32

export interface ConversationKeys {
  /** Full content topic `/xmtp/0/m-<64 hex>/proto`. */
  topic: string
  /** 32-byte InvitationV1 key material. */
  keyMaterial: Uint8Array
}

/** The role used for the derivation's 3DH: recipient iff my checksummed address sorts first (§8.2 step 1). */
export function derivationIsRecipient(myAddress: string, peerAddress: string): boolean {
  return toChecksumAddress(myAddress) < toChecksumAddress(peerAddress)
}

/**
 * Topic and key material from a derivation secret (the 3DH computed with
 * isRecipient = derivationIsRecipient(me, peer)). Pure; the secret is not modified.
 */
export function deriveConversationKeys(input: {
  secret: Uint8Array
  myAddress: string
  peerAddress: string
  conversationId?: string | undefined
}): ConversationKeys {
  if (input === null || typeof input !== 'object') throw new TypeError('input must be an object')
  const { secret, conversationId = '' } = input
  if (!(secret instanceof Uint8Array)) throw new TypeError('secret must be a Uint8Array')
  if (secret.length === 0) throw new RangeError('secret must not be empty')
  if (typeof conversationId !== 'string') throw new TypeError('conversationId must be a string')
  // JavaScript default sort = UTF-16 code-unit order on the EIP-55 strings (§8.2, §14 item 8).
  const [low, high] = [toChecksumAddress(input.myAddress), toChecksumAddress(input.peerAddress)].sort() as [string, string]
  const topicHmac = hmacSha256(secret, utf8(`${conversationId}${low},${high}`))
  const keyMaterial = hkdfSha256(secret, INVITATION_SALT, utf8(`0|${low}|${high}`), KEY_MATERIAL_LENGTH)
  return { topic: conversationTopic(toHex(topicHmac)), keyMaterial }
}

/**
 * The deterministic conversation with `peer` for `conversationId`, computed
 * with my current pre-key (what xmtp-js keystore.createInvite does).
 */
export function deriveConversation(
  keys: PrivateKeyBundleV1,
  peer: SignedPublicKeyBundle,
  options: { conversationId?: string | undefined; secrets?: SharedSecretCache | undefined } = {},
): ConversationKeys & { peerAddress: string } {
  if (keys === null || typeof keys !== 'object') throw new TypeError('keys must be a PrivateKeyBundleV1')
  const verifiedPeer = verifySignedBundle(peer, 'peer bundle')
  const myAddress = keys.walletAddress
  const secret = invitationSecret(keys, keys.currentPreKey, verifiedPeer, derivationIsRecipient(myAddress, verifiedPeer.walletAddress), options.secrets)
  try {
    const derived = deriveConversationKeys({ secret, myAddress, peerAddress: verifiedPeer.walletAddress, conversationId: options.conversationId })
    return { ...derived, peerAddress: verifiedPeer.walletAddress }
  } finally {
    zeroize(secret)
  }
}

/**
 * Whether an opened invitation's topic and key material are exactly the deterministic
 * derivation (§8.2) for the two bundles its header names: my pre-key as named there and
 * the peer's verified bundle. xmtp-js ≥ 11 and Parley derive every invitation this way
 * (with or without context, crossed or re-sent), and only the two parties of the 3DH can
 * compute it, so a match proves the topic belongs to this pair. Random invitations of
 * older clients, and anyone naming a topic that is not theirs, do not match.
 */
export function matchesDerivation(input: {
  keys: PrivateKeyBundleV1
  myPreKey: PrivateKeyPair
  peer: VerifiedBundle
  topic: string
  keyMaterial: Uint8Array
  conversationId?: string | undefined
  secrets?: SharedSecretCache | undefined
}): boolean {
  if (input === null || typeof input !== 'object') throw new TypeError('input must be an object')
  const { keys, myPreKey, peer } = input
  const myAddress = keys.walletAddress
  const secret = invitationSecret(keys, myPreKey, peer, derivationIsRecipient(myAddress, peer.walletAddress), input.secrets)
  try {
    const derived = deriveConversationKeys({ secret, myAddress, peerAddress: peer.walletAddress, conversationId: input.conversationId ?? '' })
    const same = derived.topic === input.topic && equalBytes(derived.keyMaterial, input.keyMaterial)
    zeroize(derived.keyMaterial)
    return same
  } finally {
    zeroize(secret)
  }
}
