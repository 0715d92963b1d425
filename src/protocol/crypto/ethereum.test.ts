import { describe, expect, it } from 'vitest'
import { privateKeyToAccount } from 'viem/accounts'
import { fromHex, toHex } from '../../wire/bytes.ts'
import {
  formatWalletSignature,
  hashPersonalMessage,
  isAddress,
  parseWalletSignature,
  publicKeyToAddress,
  recoverWalletAddress,
  toChecksumAddress,
} from './ethereum.ts'
import { SignatureError } from './errors.ts'

describe('ethereum helpers', () => {
  it('derives the spec §15.3 address from its public key', () => {
    const pub = fromHex('04836b35a026743e823a90a0ee3b91bf615c6a757e2b60b9e1dc1826fd0dd16106f7bc1e8179f665015f43c6c81f39062fc2086ed849625c06e04697698b21855e')
    expect(publicKeyToAddress(pub)).toBe('0x0BED7ABd61247635c1973eB38474A2516eD1D884')
  })

  it('checksums the EIP-55 reference addresses', () => {
    for (const addr of [
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
      '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
      '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
    ]) {
      expect(toChecksumAddress(addr.toLowerCase())).toBe(addr)
      expect(isAddress(addr)).toBe(true)
    }
    expect(isAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed')).toBe(true)
    expect(isAddress('0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe(false)
    expect(isAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA')).toBe(false)
    expect(() => toChecksumAddress('5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toThrow(TypeError)
  })

  it('remembered checksums: the same answer for any case of the input, and still right past the bound', () => {
    const addr = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359'
    for (const form of [addr.toLowerCase(), `0x${addr.slice(2).toUpperCase()}`, addr, addr.toLowerCase()]) expect(toChecksumAddress(form)).toBe(addr)
    // 3,000 other addresses push the first out of the bounded memory; it is computed again, the same.
    for (let i = 0; i < 3000; i++) toChecksumAddress(`0x${i.toString(16).padStart(40, '0')}`)
    expect(toChecksumAddress(addr.toLowerCase())).toBe(addr)
    expect(isAddress(addr)).toBe(true)
    expect(isAddress(`0x${addr.slice(2, 41)}${addr[41] === 'd' ? 'D' : 'd'}`.replace('0xfB', '0xFb'))).toBe(false)
  })

  it('EIP-191 hash + recovery agrees with a viem wallet, for text and bytes, with v = 27/28 or 0/1', async () => {
    const account = privateKeyToAccount('0x8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f')
    for (const message of ['XMTP : Enable Identity\nab', 'ünïcödé']) {
      const sig = await account.signMessage({ message })
      expect(recoverWalletAddress(message, sig)).toBe(account.address)
      const raw = fromHex(sig)
      raw[64] = raw[64]! - 27
      expect(recoverWalletAddress(message, raw)).toBe(account.address)
      expect(formatWalletSignature(parseWalletSignature(sig))).toBe(sig)
    }
    const bytesSig = await account.signMessage({ message: { raw: Uint8Array.of(1, 2, 3) } })
    expect(recoverWalletAddress(Uint8Array.of(1, 2, 3), bytesSig)).toBe(account.address)
    expect(toHex(hashPersonalMessage('hello'))).toBe('50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750')
  })

  it('maps v to the proto recovery id (27→0, 28→1) and rejects other v values and lengths', () => {
    const rs = new Uint8Array(64).fill(7)
    expect(parseWalletSignature(Uint8Array.of(...rs, 27)).recovery).toBe(0)
    expect(parseWalletSignature(Uint8Array.of(...rs, 28)).recovery).toBe(1)
    expect(parseWalletSignature(Uint8Array.of(...rs, 1)).recovery).toBe(1)
    expect(() => parseWalletSignature(Uint8Array.of(...rs, 29))).toThrow(SignatureError)
    expect(() => parseWalletSignature(rs)).toThrow('signature must be 65 bytes')
    expect(() => parseWalletSignature('0xzz')).toThrow(TypeError)
  })

  it('a tampered message recovers a different address', async () => {
    const account = privateKeyToAccount('0x8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f')
    const sig = await account.signMessage({ message: 'original' })
    expect(recoverWalletAddress('originaL', sig)).not.toBe(account.address)
  })
})
