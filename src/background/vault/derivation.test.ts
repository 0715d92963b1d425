import { describe, expect, it } from 'vitest'
import { EMPTY_ACCOUNTS } from './accounts.ts'
import { accountOfSecret, derivedAddresses, keyOfAccount } from './derivation.ts'
import { VaultError } from './errors.ts'
import { parseSecret } from './secrets.ts'

// The well-known test phrase and its first two BIP-44 addresses (m/44'/60'/0'/0/0 and /1).
const PHRASE = 'test test test test test test test test test test test junk'
const ADDRESSES = ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8']

describe('derivation', () => {
  it("gives a phrase's addresses by index, and its account record at an index", () => {
    expect(derivedAddresses(PHRASE, 0, 2)).toEqual(ADDRESSES)
    expect(derivedAddresses(PHRASE, 1, 1)).toEqual([ADDRESSES[1]])
    const account = accountOfSecret(EMPTY_ACCOUNTS, parseSecret(PHRASE), 's1', 'Second', 1)
    expect(account).toMatchObject({ address: ADDRESSES[1], kind: 'phrase', secretId: 's1', index: 1, label: 'Second' })
  })

  it("returns an account's key only when it matches the stored address", () => {
    const secret = parseSecret(PHRASE)
    const account = accountOfSecret(EMPTY_ACCOUNTS, secret, 's1')
    expect(keyOfAccount(secret, account)).toHaveLength(32)
    const tampered = { ...account, address: ADDRESSES[1]! }
    expect(() => keyOfAccount(secret, tampered)).toThrow(VaultError)
  })
})
