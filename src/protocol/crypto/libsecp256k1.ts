// Opt-in secp256k1 backend: libsecp256k1 compiled to WebAssembly, through
// tiny-secp256k1 (why, and how the extension loads it: backend.ts).
// This is the only module under src/protocol that imports tiny-secp256k1;
// importing it loads and instantiates the .wasm synchronously.
//
//   import { useLibsecp256k1 } from '.../protocol/crypto/libsecp256k1.ts'
//   useLibsecp256k1() // once, at start
//
// tiny-secp256k1 copies inputs into WASM memory and clears them after each
// call. It throws its own TypeErrors on input it rejects; secp256k1.ts turns
// those into the same labelled errors the noble path gives.
import * as tiny from 'tiny-secp256k1'
import { setSecp256k1Backend, type Secp256k1Backend } from './backend.ts'
import { SignatureError } from './errors.ts'

// libsecp256k1 also parses the "hybrid" 0x06/0x07 65-byte encoding, which
// noble and XMTP do not accept: only 0x04 passes here.
const isUncompressedPoint = (publicKey: Uint8Array) => publicKey.length === 65 && publicKey[0] === 4 && tiny.isPoint(publicKey)

export const libsecp256k1Backend: Secp256k1Backend = {
  name: 'libsecp256k1 (wasm)',

  isValidPrivateKey: (privateKey) => tiny.isPrivate(privateKey),

  isValidPublicKey: isUncompressedPoint,

  getPublicKey(privateKey) {
    const publicKey = tiny.pointFromScalar(privateKey, false)
    if (publicKey === null) throw new RangeError('privateKey is not a valid secp256k1 scalar')
    return publicKey
  },

  signDigest(digest, privateKey) {
    // No extra data: libsecp256k1's default nonce is plain RFC 6979 (HMAC-SHA256),
    // the same nonce noble derives, and its signatures are always low-S.
    const { signature, recoveryId } = tiny.signRecoverable(digest, privateKey)
    return { bytes: signature, recovery: recoveryId }
  },

  verifyDigest(signature, digest, publicKey) {
    if (publicKey.length !== 65 || publicKey[0] !== 4) return false
    try {
      // strict = true: a high-S signature is rejected, not normalised (as noble with lowS and xmtp-js).
      // r or s outside [1, n−1] or a key off the curve throw; that is a rejection too.
      return tiny.verify(digest, publicKey, signature, true)
    } catch {
      return false
    }
  },

  recoverPublicKey(digest, signature, recovery) {
    const publicKey = tiny.recover(digest, signature, recovery, false)
    if (publicKey === null) throw new SignatureError('signature does not recover to a public key')
    return publicKey
  },

  ecdh(privateKey, publicKey) {
    if (publicKey[0] !== 4) throw new RangeError('publicKey is not an uncompressed point')
    const shared = tiny.pointMultiply(publicKey, privateKey, false)
    if (shared === null) throw new RangeError('publicKey gives a shared point at infinity')
    return shared
  },
}

/** Installs libsecp256k1 as the secp256k1 backend; returns the previous backend. */
export function useLibsecp256k1(): Secp256k1Backend {
  return setSecp256k1Backend(libsecp256k1Backend)
}
