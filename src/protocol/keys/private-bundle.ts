// PrivateKeyBundleV1 — the identity every xmtp-js 13 client creates and stores
// (spec §3.1, §2.2): a wallet-signed identity key plus one identity-signed
// pre-key, in legacy form; the V2 (signed) public bundle is derived from it.
import Long from 'long'
import { xmtp } from '../../gen/proto.js'
import { sha256 } from '../crypto/hashes.ts'
import { parseWalletSignature, recoverWalletAddress, toChecksumAddress } from '../crypto/ethereum.ts'
import { generatePrivateKey, getPublicKey, isValidPrivateKey, signDigest } from '../crypto/secp256k1.ts'
import { zeroize } from '../crypto/random.ts'
import { equalBytes } from '../../wire/bytes.ts'
import {
  legacyIdentityKeyAddress,
  legacyPublicKeyPoint,
  legacyUnsignedKeyBytes,
  signatureToProto,
  decodeUnsignedKey,
  type LegacyPublicKey,
} from './public-keys.ts'
import {
  isSignedBundle,
  requireLegacyBundle,
  requireSignedBundle,
  signedBundleFromLegacy,
  legacyPreKeyValid,
  signedPreKeyValid,
  rememberVerifiedLegacyBundle,
  type CompleteLegacyBundle,
  type CompleteSignedBundle,
  type LegacyPublicKeyBundle,
  type SignedPublicKeyBundle,
} from './bundles.ts'
import { verifyLegacyPreKey } from './public-keys.ts'
import { createIdentityText } from './signature-texts.ts'
import { threeDh } from './three-dh.ts'
import { KeyBundleError } from './errors.ts'
import type { Signer } from './signer.ts'

const pb = xmtp.message_contents

/** A private scalar and its legacy public key (which carries its signature). */
export interface PrivateKeyPair {
  privateKey: Uint8Array
  publicKey: LegacyPublicKey
}

function newUnsignedKey(privateKey: Uint8Array, timestampMs: number): LegacyPublicKey {
  return { timestamp: Long.fromNumber(timestampMs, true), secp256k1Uncompressed: { bytes: getPublicKey(privateKey) } }
}

function pairFromProto(key: xmtp.message_contents.PrivateKey.$Properties | null | undefined, label: string): PrivateKeyPair {
  const privateKey = key?.secp256k1?.bytes
  if (!(privateKey instanceof Uint8Array) || !isValidPrivateKey(privateKey)) throw new KeyBundleError('malformed', `${label} must hold a valid 32-byte secp256k1 private key`)
  const publicKey = key!.publicKey
  if (!publicKey) throw new KeyBundleError('malformed', `${label} has no public key`)
  if (!equalBytes(getPublicKey(privateKey), legacyPublicKeyPoint(publicKey, `${label} public key`))) {
    throw new KeyBundleError('malformed', `${label} public key does not match its private key`)
  }
  // Deep copy: decoded bytes fields alias the input buffer, which callers may zero.
  return { privateKey: new Uint8Array(privateKey), publicKey: pb.PublicKey.decode(pb.PublicKey.encode(publicKey).finish().slice()) }
}

function pairToProto(pair: PrivateKeyPair): xmtp.message_contents.PrivateKey.$Properties {
  const proto: xmtp.message_contents.PrivateKey.$Properties = { secp256k1: { bytes: pair.privateKey }, publicKey: pair.publicKey }
  const timestamp = pair.publicKey.timestamp
  if (timestamp && !Long.fromValue(timestamp).isZero()) proto.timestamp = timestamp
  return proto
}

export class PrivateKeyBundleV1 {
  readonly identityKey: PrivateKeyPair
  /** Newest first; xmtp-js never rotates, so normally exactly one. */
  readonly preKeys: readonly PrivateKeyPair[]

  constructor(identityKey: PrivateKeyPair, preKeys: readonly PrivateKeyPair[]) {
    if (!identityKey?.publicKey?.signature) throw new KeyBundleError('malformed', 'identity key must carry its wallet signature')
    if (!Array.isArray(preKeys) || preKeys.length === 0) throw new KeyBundleError('malformed', 'bundle needs at least one pre-key')
    this.identityKey = identityKey
    this.preKeys = preKeys
  }

  /**
   * Creates a new identity exactly as xmtp-js 13 does: identity key signed by the
   * wallet over the Create Identity text (stored as ecdsa_compact), one pre-key
   * signed by the identity key over SHA-256 of its unsigned bytes. Unlike xmtp-js,
   * the wallet signature must recover to the signer's address.
   */
  static async generate(signer: Signer, options: { nowMs?: number } = {}): Promise<PrivateKeyBundleV1> {
    if (!signer || typeof signer.signMessage !== 'function' || typeof signer.getAddress !== 'function') throw new TypeError('signer must implement getAddress and signMessage')
    const nowMs = options.nowMs ?? Date.now()
    if (!Number.isSafeInteger(nowMs) || nowMs <= 0) throw new RangeError('nowMs must be a positive integer')
    const identityPrivate = generatePrivateKey()
    const identityPublic = newUnsignedKey(identityPrivate, nowMs)
    const text = createIdentityText(legacyUnsignedKeyBytes(identityPublic))
    const walletSignature = parseWalletSignature(await signer.signMessage(text))
    const expected = toChecksumAddress(await signer.getAddress())
    // The one recovery of a new identity: it guards against a wallet that signed
    // with another account (the identity would be lost), and its result seeds
    // walletAddress and the bundle memo below so nothing recovers it again.
    const walletAddress = recoverWalletAddress(text, walletSignature)
    if (walletAddress !== expected) {
      zeroize(identityPrivate)
      throw new KeyBundleError('bad-wallet-signature', 'wallet signature does not recover to the signer address')
    }
    identityPublic.signature = signatureToProto(walletSignature, 'ecdsaCompact')
    const identityKey = { privateKey: identityPrivate, publicKey: pb.PublicKey.create(identityPublic) }
    const preKeyPrivate = generatePrivateKey()
    const preKeyPublic = newUnsignedKey(preKeyPrivate, nowMs)
    preKeyPublic.signature = signatureToProto(signDigest(sha256(legacyUnsignedKeyBytes(preKeyPublic)), identityPrivate), 'ecdsaCompact')
    const bundle = new PrivateKeyBundleV1(identityKey, [{ privateKey: preKeyPrivate, publicKey: pb.PublicKey.create(preKeyPublic) }])
    bundle.#walletAddress = walletAddress
    rememberVerifiedLegacyBundle(bundle.getPublicKeyBundle(), walletAddress)
    return bundle
  }

  /** From a decoded `PrivateKeyBundleV1` proto; checks key pairs and the pre-key signatures. */
  static fromProto(proto: xmtp.message_contents.PrivateKeyBundleV1.$Properties): PrivateKeyBundleV1 {
    const identityKey = pairFromProto(proto?.identityKey, 'identity key')
    const preKeys = (proto?.preKeys ?? []).map((key, i) => pairFromProto(key, `pre-key ${i}`))
    const bundle = new PrivateKeyBundleV1(identityKey, preKeys)
    for (const preKey of preKeys) {
      if (!verifyLegacyPreKey(preKey.publicKey, identityKey.publicKey)) throw new KeyBundleError('bad-pre-key-signature', 'pre-key is not signed by the identity key')
    }
    return bundle
  }

  /** Decodes the `PrivateKeyBundle{v1}` wrapper (xmtp-js `getKeys()` bytes); a V2 bundle is refused as in xmtp-js 13. */
  static decode(bytes: Uint8Array): PrivateKeyBundleV1 {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
    let wrapper: xmtp.message_contents.PrivateKeyBundle
    try {
      wrapper = pb.PrivateKeyBundle.decode(bytes)
    } catch (cause) {
      throw new KeyBundleError('malformed', 'not a PrivateKeyBundle protobuf', { cause })
    }
    if (wrapper.v2) throw new KeyBundleError('malformed', 'PrivateKeyBundle V2 is not supported')
    if (!wrapper.v1) throw new KeyBundleError('malformed', 'PrivateKeyBundle has no v1 bundle')
    return PrivateKeyBundleV1.fromProto(wrapper.v1)
  }

  /** Decodes a bare `PrivateKeyBundleV1` (the oldest stored format). */
  static decodeV1(bytes: Uint8Array): PrivateKeyBundleV1 {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
    let proto: xmtp.message_contents.PrivateKeyBundleV1
    try {
      proto = pb.PrivateKeyBundleV1.decode(bytes)
    } catch (cause) {
      throw new KeyBundleError('malformed', 'not a PrivateKeyBundleV1 protobuf', { cause })
    }
    return PrivateKeyBundleV1.fromProto(proto)
  }

  toProto(): xmtp.message_contents.PrivateKeyBundleV1.$Properties {
    return { identityKey: pairToProto(this.identityKey), preKeys: this.preKeys.map(pairToProto) }
  }

  /** `PrivateKeyBundle{v1}` bytes — what xmtp-js `getKeys()` returns and `privateKeyOverride` accepts. */
  encode(): Uint8Array {
    return pb.PrivateKeyBundle.encode({ v1: this.toProto() }).finish()
  }

  get currentPreKey(): PrivateKeyPair {
    return this.preKeys[0]!
  }

  /** The pre-key whose public point is `point` (65 bytes). */
  findPreKey(point: Uint8Array): PrivateKeyPair {
    const found = this.preKeys.find((k) => equalBytes(legacyPublicKeyPoint(k.publicKey), point))
    if (!found) throw new KeyBundleError('no-matching-pre-key', 'no pre-key in this bundle matches')
    return found
  }

  /** The wallet address that authorised the identity key. */
  get walletAddress(): string {
    return (this.#walletAddress ??= legacyIdentityKeyAddress(this.identityKey.publicKey))
  }
  #walletAddress: string | undefined

  /** Legacy public bundle (identity + current pre-key), as published in ContactBundle v1 and V1 headers. */
  getPublicKeyBundle(): CompleteLegacyBundle {
    return { identityKey: this.identityKey.publicKey, preKey: this.currentPreKey.publicKey }
  }

  /** Signed public bundle derived per §3.5 (ContactBundle v2, V2 invitations). */
  getSignedPublicKeyBundle(): CompleteSignedBundle {
    return signedBundleFromLegacy(this.getPublicKeyBundle())
  }

  /**
   * 3DH secret with a peer bundle (either form). The peer's pre-key signature is
   * verified first. `myPreKey` is the 65-byte point of the pre-key to use
   * (the one named in a header; the current one when sending).
   */
  sharedSecret(peer: LegacyPublicKeyBundle | SignedPublicKeyBundle, myPreKey: Uint8Array, isRecipient: boolean): Uint8Array {
    let peerIdentityKey: Uint8Array
    let peerPreKey: Uint8Array
    if (isSignedBundle(peer)) {
      const { identityKey, preKey } = requireSignedBundle(peer, 'peer bundle')
      if (!signedPreKeyValid({ identityKey, preKey })) throw new KeyBundleError('bad-pre-key-signature', 'peer pre-key signature invalid')
      peerIdentityKey = decodeUnsignedKey(identityKey.keyBytes).point
      peerPreKey = decodeUnsignedKey(preKey.keyBytes).point
    } else {
      const { identityKey, preKey } = requireLegacyBundle(peer as LegacyPublicKeyBundle, 'peer bundle')
      if (!legacyPreKeyValid({ identityKey, preKey })) throw new KeyBundleError('bad-pre-key-signature', 'peer pre-key signature invalid')
      peerIdentityKey = legacyPublicKeyPoint(identityKey)
      peerPreKey = legacyPublicKeyPoint(preKey)
    }
    const preKey = this.findPreKey(myPreKey)
    return threeDh({ identityPrivateKey: this.identityKey.privateKey, preKeyPrivateKey: preKey.privateKey, peerIdentityKey, peerPreKey, isRecipient })
  }

  /** Overwrites every private scalar; the bundle is unusable afterwards. */
  destroy(): void {
    zeroize(this.identityKey.privateKey, ...this.preKeys.map((k) => k.privateKey))
  }
}
