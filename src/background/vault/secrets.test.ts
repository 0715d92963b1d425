import { describe, expect, it } from 'vitest'
import { mnemonicToSeedSync } from '@scure/bip39'
import { HDKey } from '@scure/bip32'
import { mnemonicToAccount } from 'viem/accounts'
import { toHex } from '../../wire/bytes.ts'
import { VaultError } from './errors.ts'
import { addressOfKey, isValidPhrase, newPhrase, normalizePhrase, parseSecret, phraseAccountKey } from './secrets.ts'

// The development mnemonic of Hardhat and Foundry: its first accounts are published everywhere.
const TEST_PHRASE = 'test test test test test test test test test test test junk'
const TEST_ACCOUNTS = [
  ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'],
  ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'],
  ['0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', '5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'],
] as const

describe('published vectors', () => {
  it('BIP-39 (Trezor vector: 7f×16 entropy, passphrase TREZOR)', () => {
    const phrase = 'legal winner thank year wave sausage worth useful legal winner thank yellow'
    expect(isValidPhrase(phrase)).toBe(true)
    expect(toHex(mnemonicToSeedSync(phrase, 'TREZOR'))).toBe(
      '2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607',
    )
  })

  it('BIP-32 test vector 1, m/0H/1/2H/2/1000000000', () => {
    const root = HDKey.fromMasterSeed(new Uint8Array(16).map((_, i) => i))
    expect(root.privateExtendedKey).toBe(
      'xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi',
    )
    expect(toHex(root.derive("m/0'/1/2'/2/1000000000").privateKey!)).toBe('471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8')
  })

  it("BIP-44 m/44'/60'/0'/0/i: the development mnemonic's published accounts", () => {
    TEST_ACCOUNTS.forEach(([address, key], i) => {
      const derived = phraseAccountKey(TEST_PHRASE, i)
      expect(toHex(derived)).toBe(key)
      expect(addressOfKey(derived)).toBe(address)
    })
  })

  it("agrees with viem's mnemonicToAccount on fresh phrases", () => {
    for (let n = 0; n < 3; n++) {
      const phrase = newPhrase()
      for (const i of [0, 1, 7]) {
        expect(addressOfKey(phraseAccountKey(phrase, i))).toBe(mnemonicToAccount(phrase, { addressIndex: i }).address)
      }
    }
  })
})

describe('parseSecret', () => {
  it('reads phrases however they were typed', () => {
    const s = parseSecret(`  Test test\ttest test test test test test test test test  JUNK \n`)
    expect(s).toEqual({ kind: 'phrase', phrase: TEST_PHRASE })
    expect(normalizePhrase('A  b')).toBe('a b')
  })

  it('reads private keys with or without 0x, any case', () => {
    for (const text of [TEST_ACCOUNTS[0][1], `0x${TEST_ACCOUNTS[0][1]}`, `0X${TEST_ACCOUNTS[0][1].toUpperCase()}`]) {
      const s = parseSecret(text)
      expect(s.kind).toBe('privateKey')
      if (s.kind === 'privateKey') expect(toHex(s.privateKey)).toBe(TEST_ACCOUNTS[0][1])
    }
  })

  const reject = (text: string, message: RegExp) => {
    let error: unknown
    try {
      parseSecret(text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(VaultError)
    expect((error as VaultError).reason).toBe('invalid-secret')
    expect((error as VaultError).message).toMatch(message)
    // The input is never quoted back.
    expect((error as VaultError).message).not.toContain(text.trim().split(' ')[0]!.slice(0, 6) + ' ')
  }

  it('explains what is wrong without echoing the input', () => {
    reject('test test test', /12 to 24 words/)
    reject('test test test test test test test test test test test test', /does not check out/)
    reject('test test test test test test test test test test test jumk', /1 of the words is not in/)
    reject('0'.repeat(64), /out of range/)
    reject('f'.repeat(64), /out of range/)
    reject('0x1234', /12 to 24 words/)
  })
})
