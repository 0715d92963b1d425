// The wallet abstraction (what xmtp-js calls a Signer) and a private-key-backed
// implementation for tests, benchmarks and locally generated wallets.
import { formatWalletSignature, hashPersonalMessage, publicKeyToAddress } from '../crypto/ethereum.ts'
import { getPublicKey, signDigest } from '../crypto/secp256k1.ts'
import { zeroize } from '../crypto/random.ts'

/** A wallet that can personal_sign (EIP-191). `signMessage` returns 0x-hex r‖s‖v (65 bytes). */
export interface Signer {
  getAddress(): Promise<string>
  signMessage(message: string | Uint8Array): Promise<string>
}

/** An EOA wallet backed by a 32-byte secp256k1 key; deterministic RFC 6979 signatures with v = 27/28. */
export class PrivateKeySigner implements Signer {
  readonly #privateKey: Uint8Array
  readonly address: string

  constructor(privateKey: Uint8Array) {
    if (!(privateKey instanceof Uint8Array)) throw new TypeError('privateKey must be a Uint8Array')
    if (privateKey.length !== 32) throw new RangeError('privateKey must be 32 bytes')
    this.#privateKey = new Uint8Array(privateKey)
    this.address = publicKeyToAddress(getPublicKey(this.#privateKey))
  }

  async getAddress(): Promise<string> {
    return this.address
  }

  async signMessage(message: string | Uint8Array): Promise<string> {
    return formatWalletSignature(signDigest(hashPersonalMessage(message), this.#privateKey))
  }

  /** Wipes the held key; the signer is unusable afterwards. */
  destroy(): void {
    zeroize(this.#privateKey)
  }
}
