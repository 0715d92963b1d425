// The default secp256k1 backend: @noble/curves 2.x, pure JavaScript (see
// backend.ts). ECDH multiplies through the peer-point cache (peer-points.ts)
// so repeat peers get a precomputed table.
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { concatBytes } from '../../wire/bytes.ts'
import type { Secp256k1Backend } from './secp256k1-backend.ts'
import { peerPoint } from './peer-points.ts'

export const nobleBackend: Secp256k1Backend = {
  name: 'noble',

  isValidPrivateKey: (privateKey) => privateKey.length === 32 && secp256k1.utils.isValidSecretKey(privateKey),

  isValidPublicKey: (publicKey) => publicKey.length === 65 && publicKey[0] === 4 && secp256k1.utils.isValidPublicKey(publicKey, false),

  getPublicKey: (privateKey) => secp256k1.getPublicKey(privateKey, false),

  signDigest(digest, privateKey) {
    // noble's 'recovered' layout is the recovery byte FIRST, then r‖s (§17).
    const recovered = secp256k1.sign(digest, privateKey, { prehash: false, format: 'recovered', lowS: true })
    return { bytes: recovered.slice(1), recovery: recovered[0]! }
  },

  verifyDigest(signature, digest, publicKey) {
    try {
      return secp256k1.verify(signature, digest, publicKey, { prehash: false, lowS: true, format: 'compact' })
    } catch {
      return false
    }
  },

  recoverPublicKey(digest, signature, recovery) {
    const parsed = secp256k1.Signature.fromBytes(concatBytes(Uint8Array.of(recovery), signature), 'recovered')
    return parsed.recoverPublicKey(digest).toBytes(false)
  },

  ecdh: (privateKey, publicKey) => peerPoint(publicKey).multiply(secp256k1.Point.Fn.fromBytes(privateKey)).toBytes(false),
}
