// 3DH secrets for invitations (spec §4.2, §8.2–§8.4), with an optional cache.
//
// The sender-role and recipient-role secrets of one key pairing hold the same
// three DH values; only the first two 65-byte blocks swap places:
//   sender:    DH(I_me, P_peer) ‖ DH(P_me, I_peer) ‖ DH(P_me, P_peer)
//   recipient: DH(P_me, I_peer) ‖ DH(I_me, P_peer) ‖ DH(P_me, P_peer)
// So a cache keyed by (my identity, my pre-key, peer identity, peer pre-key)
// serves both roles: the deterministic topic derivation, sealing, and opening
// invitations in either direction all cost three ECDH once per peer bundle.
// The cache holds secrets; its owner (the conversation layer, which lives only
// in the background) must call clear() when the keys are locked or dropped.
import { zeroize } from '../crypto/random.ts'
import { toHex } from '../../wire/bytes.ts'
import { threeDh } from '../keys/three-dh.ts'
import type { PrivateKeyBundleV1, PrivateKeyPair } from '../keys/private-bundle.ts'
import { legacyPublicKeyPoint } from '../keys/public-keys.ts'
import type { VerifiedBundle } from './verified-bundle.ts'

const DH_LENGTH = 65

export class SharedSecretCache {
  readonly #entries = new Map<string, Uint8Array>()
  readonly #limit: number

  constructor(limit = 256) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer')
    this.#limit = limit
  }

  get size(): number {
    return this.#entries.size
  }

  /** @internal sender-role secret for a pairing, computed once. */
  senderSecret(key: string, compute: () => Uint8Array): Uint8Array {
    const hit = this.#entries.get(key)
    if (hit) {
      this.#entries.delete(key)
      this.#entries.set(key, hit)
      return hit
    }
    const secret = compute()
    this.#entries.set(key, secret)
    if (this.#entries.size > this.#limit) {
      const oldest = this.#entries.keys().next().value!
      zeroize(this.#entries.get(oldest))
      this.#entries.delete(oldest)
    }
    return secret
  }

  /** Zeroes and drops every cached secret. */
  clear(): void {
    for (const secret of this.#entries.values()) zeroize(secret)
    this.#entries.clear()
  }
}

function swapRoles(sender: Uint8Array): Uint8Array {
  const out = new Uint8Array(sender.length)
  out.set(sender.subarray(DH_LENGTH, 2 * DH_LENGTH), 0)
  out.set(sender.subarray(0, DH_LENGTH), DH_LENGTH)
  out.set(sender.subarray(2 * DH_LENGTH), 2 * DH_LENGTH)
  return out
}

/**
 * The 195-byte 3DH secret between `keys` (using the pre-key `myPreKey`) and an
 * already verified peer bundle. Returns a fresh buffer the caller may zeroize.
 */
export function invitationSecret(
  keys: PrivateKeyBundleV1,
  myPreKey: PrivateKeyPair,
  peer: VerifiedBundle,
  isRecipient: boolean,
  cache?: SharedSecretCache,
): Uint8Array {
  const compute = () =>
    threeDh({
      identityPrivateKey: keys.identityKey.privateKey,
      preKeyPrivateKey: myPreKey.privateKey,
      peerIdentityKey: peer.identityKey,
      peerPreKey: peer.preKey,
      isRecipient: false,
    })
  let sender: Uint8Array
  if (cache) {
    const key = [
      toHex(legacyPublicKeyPoint(keys.identityKey.publicKey)),
      toHex(legacyPublicKeyPoint(myPreKey.publicKey)),
      toHex(peer.identityKey),
      toHex(peer.preKey),
    ].join(':')
    sender = cache.senderSecret(key, compute)
    return isRecipient ? swapRoles(sender) : sender.slice()
  }
  sender = compute()
  if (!isRecipient) return sender
  const recipient = swapRoles(sender)
  zeroize(sender)
  return recipient
}
