// The "3DH" shared secret of V1 messages and V2 invitation sealing (spec §4.2):
// X3DH with the sender's pre-key standing in for an ephemeral key.
//   sender:    DH(I_me, P_peer) ‖ DH(P_me, I_peer) ‖ DH(P_me, P_peer)
//   recipient: DH(P_me, I_peer) ‖ DH(I_me, P_peer) ‖ DH(P_me, P_peer)
// Each DH is the 65-byte uncompressed point, so the secret is 195 bytes.
import { ecdh } from '../crypto/secp256k1.ts'
import { zeroize } from '../crypto/random.ts'
import { concatBytes } from '../../wire/bytes.ts'

export interface ThreeDhInput {
  identityPrivateKey: Uint8Array
  preKeyPrivateKey: Uint8Array
  peerIdentityKey: Uint8Array
  peerPreKey: Uint8Array
  isRecipient: boolean
}

export function threeDh(input: ThreeDhInput): Uint8Array {
  if (input === null || typeof input !== 'object') throw new TypeError('input must be an object')
  if (typeof input.isRecipient !== 'boolean') throw new TypeError('isRecipient must be a boolean')
  const { identityPrivateKey, preKeyPrivateKey, peerIdentityKey, peerPreKey, isRecipient } = input
  const dh1 = isRecipient ? ecdh(preKeyPrivateKey, peerIdentityKey) : ecdh(identityPrivateKey, peerPreKey)
  const dh2 = isRecipient ? ecdh(identityPrivateKey, peerPreKey) : ecdh(preKeyPrivateKey, peerIdentityKey)
  const dh3 = ecdh(preKeyPrivateKey, peerPreKey)
  const secret = concatBytes(dh1, dh2, dh3)
  zeroize(dh1, dh2, dh3)
  return secret
}
