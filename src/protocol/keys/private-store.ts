// The private key store (spec §5): the identity bundle encrypted under the
// wallet's "Enable Identity" signature, published to the privatestore topic.
import { xmtp } from '../../gen/proto.js'
import { decrypt, encrypt } from '../crypto/ciphertext.ts'
import { DecryptionError } from '../crypto/errors.ts'
import { recoverWalletAddress, toChecksumAddress } from '../crypto/ethereum.ts'
import { randomBytes, zeroize } from '../crypto/random.ts'
import { fromHex } from '../../wire/bytes.ts'
import { enableIdentityText } from './signature-texts.ts'
import { PrivateKeyBundleV1 } from './private-bundle.ts'
import { KeyBundleError, PrivateKeyStoreError } from './errors.ts'
import type { Signer } from './signer.ts'

const pb = xmtp.message_contents

function assertSigner(signer: Signer): void {
  if (!signer || typeof signer.signMessage !== 'function' || typeof signer.getAddress !== 'function') throw new TypeError('signer must implement getAddress and signMessage')
}

async function storageSecret(signer: Signer, walletPreKey: Uint8Array): Promise<{ secret: Uint8Array; text: string }> {
  const text = enableIdentityText(walletPreKey)
  const signature = await signer.signMessage(text)
  const secret = fromHex(signature, 'wallet signature')
  if (secret.length !== 65) throw new PrivateKeyStoreError('wrong-signature', 'wallet signature must be 65 bytes')
  return { secret, text }
}

/**
 * Encrypts `bundle` for the privatestore topic. Returns encoded
 * `EncryptedPrivateKeyBundle{v1{wallet_pre_key, ciphertext}}` bytes. The wallet's
 * signature must recover to the bundle's wallet (guards against wallets that sign
 * something else, which would lose the keys).
 */
export async function encryptPrivateKeyBundle(bundle: PrivateKeyBundleV1, signer: Signer): Promise<Uint8Array> {
  if (!(bundle instanceof PrivateKeyBundleV1)) throw new TypeError('bundle must be a PrivateKeyBundleV1')
  assertSigner(signer)
  const signerAddress = toChecksumAddress(await signer.getAddress())
  if (signerAddress !== bundle.walletAddress) throw new PrivateKeyStoreError('wallet-mismatch', 'signer is not the wallet that owns this bundle')
  const walletPreKey = randomBytes(32)
  const { secret, text } = await storageSecret(signer, walletPreKey)
  const plaintext = bundle.encode()
  try {
    if (recoverWalletAddress(text, secret) !== signerAddress) throw new PrivateKeyStoreError('wallet-mismatch', 'wallet signature does not recover to the signer address')
    const ciphertext = await encrypt(plaintext, secret)
    return pb.EncryptedPrivateKeyBundle.encode({ v1: { walletPreKey, ciphertext } }).finish()
  } finally {
    zeroize(secret, plaintext)
  }
}

export interface OpenedPrivateKeyStore {
  bundle: PrivateKeyBundleV1
  /** True when the stored bytes used a legacy layout; xmtp-js re-stores in the current format. */
  needsReStore: boolean
}

function parseEncrypted(bytes: Uint8Array): { v1: xmtp.message_contents.EncryptedPrivateKeyBundleV1; legacyLayout: boolean } {
  const usable = (v1: xmtp.message_contents.EncryptedPrivateKeyBundleV1.$Properties | null | undefined): v1 is xmtp.message_contents.EncryptedPrivateKeyBundleV1 =>
    !!v1 && v1.walletPreKey instanceof Uint8Array && v1.walletPreKey.length === 32 && !!v1.ciphertext
  try {
    const wrapper = pb.EncryptedPrivateKeyBundle.decode(bytes)
    if (usable(wrapper.v1)) return { v1: wrapper.v1, legacyLayout: false }
  } catch {
    // fall through to the bare V1 layout (§5 legacy fallback)
  }
  try {
    const bare = pb.EncryptedPrivateKeyBundleV1.decode(bytes)
    if (usable(bare)) return { v1: bare, legacyLayout: true }
  } catch (cause) {
    throw new PrivateKeyStoreError('malformed', 'not an EncryptedPrivateKeyBundle', { cause })
  }
  throw new PrivateKeyStoreError('malformed', 'not an EncryptedPrivateKeyBundle')
}

function decodePlaintext(plaintext: Uint8Array): { bundle: PrivateKeyBundleV1; legacyLayout: boolean } {
  let first: unknown
  try {
    return { bundle: PrivateKeyBundleV1.decode(plaintext), legacyLayout: false }
  } catch (error) {
    first = error
  }
  // A bare PrivateKeyBundleV1 parses as a wrapper whose last oneof field is v2
  // (its pre_keys are field 2), so try the bare layout before judging a V2.
  try {
    return { bundle: PrivateKeyBundleV1.decodeV1(plaintext), legacyLayout: true }
  } catch {
    if (first instanceof KeyBundleError && /V2 is not supported/.test(first.message)) {
      throw new PrivateKeyStoreError('unsupported-version', 'stored PrivateKeyBundle V2 is not supported', { cause: first })
    }
    throw new PrivateKeyStoreError('malformed', 'stored key bundle is not a valid PrivateKeyBundle', { cause: first })
  }
}

/**
 * Opens a privatestore payload with the wallet: it signs Enable Identity over the
 * stored wallet_pre_key; the 65 raw signature bytes are the secret. If that fails,
 * retries once with v toggled by 27 (hardware wallets answer v ∈ {0,1}).
 * A different wallet's signature → PrivateKeyStoreError('wrong-signature').
 */
export async function decryptPrivateKeyBundle(bytes: Uint8Array, signer: Signer): Promise<OpenedPrivateKeyStore> {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
  assertSigner(signer)
  const { v1, legacyLayout } = parseEncrypted(bytes)
  const { secret } = await storageSecret(signer, v1.walletPreKey)
  let plaintext: Uint8Array | undefined
  try {
    try {
      plaintext = await decrypt(v1.ciphertext!, secret)
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error
      const v = secret[64]!
      secret[64] = v < 27 ? v + 27 : v - 27
      try {
        plaintext = await decrypt(v1.ciphertext!, secret)
      } catch (retryError) {
        if (retryError instanceof DecryptionError) throw new PrivateKeyStoreError('wrong-signature', 'wallet signature does not open the stored keys', { cause: retryError })
        throw retryError
      }
    }
  } catch (error) {
    if (error instanceof PrivateKeyStoreError) throw error
    throw new PrivateKeyStoreError('malformed', 'stored ciphertext is invalid', { cause: error })
  } finally {
    zeroize(secret)
  }
  try {
    const decoded = decodePlaintext(plaintext)
    return { bundle: decoded.bundle, needsReStore: legacyLayout || decoded.legacyLayout }
  } finally {
    zeroize(plaintext)
  }
}
