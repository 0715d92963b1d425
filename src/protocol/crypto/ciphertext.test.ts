import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { randomBytes } from './random.ts'
import { toHex, utf8 } from '../../wire/bytes.ts'
import { gcm as referenceGcm } from '@noble/ciphers/aes.js'
import { decodeCiphertext, decrypt, encodeCiphertext, encrypt } from './ciphertext.ts'
import { hkdfSha256 } from './hashes.ts'
import { CiphertextFormatError, DecryptionError } from './errors.ts'

const xmtpjs = createRequire(import.meta.url)('@xmtp/xmtp-js')

describe('Ciphertext (aes256_gcm_hkdf_sha256)', () => {
  const secret = randomBytes(195)
  const aad = utf8('header bytes')

  it('round-trips with and without AAD, with a fresh 32-byte salt and 12-byte nonce each time', async () => {
    const plaintext = utf8('gm')
    const a = await encrypt(plaintext, secret, aad)
    const b = await encrypt(plaintext, secret, aad)
    expect(a.aes256GcmHkdfSha256!.hkdfSalt.length).toBe(32)
    expect(a.aes256GcmHkdfSha256!.gcmNonce.length).toBe(12)
    expect(a.aes256GcmHkdfSha256!.payload.length).toBe(plaintext.length + 16)
    expect(toHex(a.aes256GcmHkdfSha256!.hkdfSalt)).not.toBe(toHex(b.aes256GcmHkdfSha256!.hkdfSalt))
    expect(await decrypt(a, secret, aad)).toEqual(plaintext)
    const noAad = await encrypt(plaintext, secret)
    expect(await decrypt(decodeCiphertext(encodeCiphertext(noAad)), secret)).toEqual(plaintext)
  })

  it('matches an independent AES-GCM (noble\'s pure-JS aes.js) under the HKDF key, for empty, small and large payloads', async () => {
    for (const size of [0, 1000, 70_000]) {
      const plaintext = new Uint8Array(size).map((_, i) => i * 7)
      const ours = await encrypt(plaintext, secret, aad)
      const { hkdfSalt, gcmNonce, payload } = ours.aes256GcmHkdfSha256
      const key = hkdfSha256(secret, hkdfSalt, new Uint8Array(0), 32)
      expect(referenceGcm(key, gcmNonce, aad).decrypt(payload)).toEqual(plaintext)
      const theirs = referenceGcm(key, gcmNonce, aad).encrypt(plaintext)
      expect(toHex(theirs)).toBe(toHex(payload))
      const fromReference = { aes256GcmHkdfSha256: { hkdfSalt, gcmNonce, payload: theirs } }
      expect(await decrypt(fromReference, secret, aad)).toEqual(plaintext)
    }
  })

  it('interoperates with xmtp-js 13 encrypt/decrypt in both directions', async () => {
    const plaintext = utf8('cross-check')
    const theirs = await xmtpjs.encrypt(plaintext, secret, aad)
    const bytes: Uint8Array = theirs.toBytes()
    expect(await decrypt(decodeCiphertext(bytes), secret, aad)).toEqual(plaintext)
    const ours = await encrypt(plaintext, secret, aad)
    const parsed = xmtpjs.Ciphertext.fromBytes(encodeCiphertext(ours))
    expect(new Uint8Array(await xmtpjs.decrypt(parsed, secret, aad))).toEqual(plaintext)
  })

  it('fails with DecryptionError on a wrong secret, wrong or missing AAD, or any flipped byte', async () => {
    const plaintext = utf8('secret text')
    const ct = await encrypt(plaintext, secret, aad)
    await expect(decrypt(ct, randomBytes(195), aad)).rejects.toBeInstanceOf(DecryptionError)
    await expect(decrypt(ct, secret, utf8('header bytez'))).rejects.toBeInstanceOf(DecryptionError)
    await expect(decrypt(ct, secret)).rejects.toBeInstanceOf(DecryptionError)
    for (const field of ['payload', 'gcmNonce', 'hkdfSalt'] as const) {
      const copy = decodeCiphertext(encodeCiphertext(ct))
      const bytes = copy.aes256GcmHkdfSha256[field]
      bytes[0] = bytes[0]! ^ 1
      await expect(decrypt(copy, secret, aad)).rejects.toBeInstanceOf(DecryptionError)
    }
  })

  it('rejects structurally invalid Ciphertexts with CiphertextFormatError', async () => {
    const ct = await encrypt(utf8('x'), secret)
    const arm = ct.aes256GcmHkdfSha256!
    await expect(decrypt({ aes256GcmHkdfSha256: { ...arm, hkdfSalt: arm.hkdfSalt.slice(1) } }, secret)).rejects.toBeInstanceOf(CiphertextFormatError)
    await expect(decrypt({ aes256GcmHkdfSha256: { ...arm, gcmNonce: new Uint8Array(16) } }, secret)).rejects.toBeInstanceOf(CiphertextFormatError)
    await expect(decrypt({ aes256GcmHkdfSha256: { ...arm, payload: new Uint8Array(15) } }, secret)).rejects.toBeInstanceOf(CiphertextFormatError)
    await expect(decrypt({}, secret)).rejects.toBeInstanceOf(CiphertextFormatError)
    expect(() => decodeCiphertext(Uint8Array.of(0x0a, 0x05, 1))).toThrow(CiphertextFormatError)
    await expect(encrypt('text' as never, secret)).rejects.toThrow(TypeError)
    await expect(decrypt(ct, new Uint8Array(0))).rejects.toThrow(RangeError)
  })
})
