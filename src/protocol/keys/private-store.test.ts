import { beforeAll, describe, expect, it } from 'vitest'
import { xmtp } from '../../gen/proto.js'
import { fromHex, toHex } from '../../wire/bytes.ts'
import { encrypt } from '../crypto/ciphertext.ts'
import { PrivateKeySigner, type Signer } from './signer.ts'
import { PrivateKeyBundleV1 } from './private-bundle.ts'
import { decryptPrivateKeyBundle, encryptPrivateKeyBundle } from './private-store.ts'
import { enableIdentityText } from './signature-texts.ts'
import { PrivateKeyStoreError } from './errors.ts'

const pb = xmtp.message_contents

/** A wallet that answers v ∈ {0,1} instead of 27/28, like some hardware wallets. */
function lowVWallet(inner: Signer): Signer {
  return {
    getAddress: () => inner.getAddress(),
    async signMessage(message) {
      const sig = fromHex(await inner.signMessage(message))
      sig[64] = sig[64]! - 27
      return '0x' + toHex(sig)
    },
  }
}

describe('private key store (§5)', () => {
  const wallet = new PrivateKeySigner(new Uint8Array(32).fill(0x42))
  const stranger = new PrivateKeySigner(new Uint8Array(32).fill(0x43))
  let bundle: PrivateKeyBundleV1

  beforeAll(async () => {
    bundle = await PrivateKeyBundleV1.generate(wallet)
  })

  it('round-trips a bundle through EncryptedPrivateKeyBundle{v1} with the owning wallet', async () => {
    const stored = await encryptPrivateKeyBundle(bundle, wallet)
    const parsed = pb.EncryptedPrivateKeyBundle.decode(stored)
    expect(parsed.v1!.walletPreKey!.length).toBe(32)
    expect(parsed.v1!.ciphertext!.aes256GcmHkdfSha256!.payload!.length).toBeGreaterThan(16)
    const opened = await decryptPrivateKeyBundle(stored, wallet)
    expect(toHex(opened.bundle.encode())).toBe(toHex(bundle.encode()))
    expect(opened.needsReStore).toBe(false)
  })

  it('uses the raw 65-byte wallet signature as the secret (xmtp-js layout) and retries with v toggled', async () => {
    const walletPreKey = new Uint8Array(32).fill(7)
    const signature = fromHex(await wallet.signMessage(enableIdentityText(walletPreKey)))
    // Stored by a 27/28 wallet, opened by a 0/1 wallet, and the other way round.
    const ciphertext = await encrypt(bundle.encode(), signature)
    const stored = pb.EncryptedPrivateKeyBundle.encode({ v1: { walletPreKey, ciphertext } }).finish()
    expect(toHex((await decryptPrivateKeyBundle(stored, wallet)).bundle.encode())).toBe(toHex(bundle.encode()))
    expect(toHex((await decryptPrivateKeyBundle(stored, lowVWallet(wallet))).bundle.encode())).toBe(toHex(bundle.encode()))
    const storedLow = await encryptPrivateKeyBundle(bundle, lowVWallet(wallet))
    expect((await decryptPrivateKeyBundle(storedLow, wallet)).bundle.walletAddress).toBe(wallet.address)
  })

  it('opens the legacy layouts (bare EncryptedPrivateKeyBundleV1, bare PrivateKeyBundleV1 plaintext) and flags a re-store', async () => {
    const walletPreKey = new Uint8Array(32).fill(9)
    const secret = fromHex(await wallet.signMessage(enableIdentityText(walletPreKey)))
    const bareBundle = pb.PrivateKeyBundleV1.encode(bundle.toProto()).finish()
    const bareOuter = pb.EncryptedPrivateKeyBundleV1.encode({ walletPreKey, ciphertext: await encrypt(bundle.encode(), secret) }).finish()
    const bareInner = pb.EncryptedPrivateKeyBundle.encode({ v1: { walletPreKey, ciphertext: await encrypt(bareBundle, secret) } }).finish()
    for (const stored of [bareOuter, bareInner]) {
      const opened = await decryptPrivateKeyBundle(stored, wallet)
      expect(opened.needsReStore).toBe(true)
      expect(toHex(opened.bundle.encode())).toBe(toHex(bundle.encode()))
    }
  })

  it('a different wallet gets PrivateKeyStoreError(wrong-signature), not garbage', async () => {
    const stored = await encryptPrivateKeyBundle(bundle, wallet)
    await expect(decryptPrivateKeyBundle(stored, stranger)).rejects.toMatchObject({ name: 'PrivateKeyStoreError', reason: 'wrong-signature' })
  })

  it('refuses to store with a signer that is not the bundle owner', async () => {
    await expect(encryptPrivateKeyBundle(bundle, stranger)).rejects.toMatchObject({ reason: 'wallet-mismatch' })
  })

  it('malformed payloads and V2 plaintexts are typed errors', async () => {
    await expect(decryptPrivateKeyBundle(Uint8Array.of(0xff, 0xff, 0xff), wallet)).rejects.toBeInstanceOf(PrivateKeyStoreError)
    await expect(decryptPrivateKeyBundle(new Uint8Array(0), wallet)).rejects.toMatchObject({ reason: 'malformed' })
    const walletPreKey = new Uint8Array(32).fill(3)
    const secret = fromHex(await wallet.signMessage(enableIdentityText(walletPreKey)))
    const v2 = pb.PrivateKeyBundle.encode({ v2: { identityKey: { secp256k1: { bytes: new Uint8Array(32).fill(1) } } } }).finish()
    const storedV2 = pb.EncryptedPrivateKeyBundle.encode({ v1: { walletPreKey, ciphertext: await encrypt(v2, secret) } }).finish()
    await expect(decryptPrivateKeyBundle(storedV2, wallet)).rejects.toMatchObject({ reason: 'unsupported-version' })
    const junk = pb.EncryptedPrivateKeyBundle.encode({ v1: { walletPreKey, ciphertext: await encrypt(Uint8Array.of(1, 2, 3), secret) } }).finish()
    await expect(decryptPrivateKeyBundle(junk, wallet)).rejects.toMatchObject({ reason: 'malformed' })
    const tampered = await encryptPrivateKeyBundle(bundle, wallet)
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 1
    await expect(decryptPrivateKeyBundle(tampered, wallet)).rejects.toMatchObject({ reason: 'wrong-signature' })
  })
})
