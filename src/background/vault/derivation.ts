// Keys and addresses from the wallet's secrets: a phrase's accounts at their BIP-44 indexes, an
// imported private key's one account. Every derived key is zeroed as soon as its address is known.
import { ACCOUNTS_KEY, type AccountRecord, type AccountsRecord } from './records.ts'
import { newAccount } from './accounts.ts'
import { VaultError } from './errors.ts'
import { addressOfKey, phraseAccountKey, type Secret } from './secrets.ts'

/** The new account record for a secret's key (a phrase's at `index`, or the private key), under `secretId`. */
export function accountOfSecret(record: AccountsRecord, secret: Secret, secretId: string, label?: string, index = 0): AccountRecord {
  const key = secret.kind === 'phrase' ? phraseAccountKey(secret.phrase, index) : new Uint8Array(secret.privateKey)
  try {
    return newAccount(record, { address: addressOfKey(key), kind: secret.kind, secretId, ...(secret.kind === 'phrase' ? { index } : {}) }, label)
  } finally {
    key.fill(0)
  }
}

/** The addresses of a phrase's accounts at indexes start … start + count - 1. */
export function derivedAddresses(phrase: string, start: number, count: number): string[] {
  const addresses: string[] = []
  for (let i = start; i < start + count; i++) {
    const key = phraseAccountKey(phrase, i)
    addresses.push(addressOfKey(key))
    key.fill(0)
  }
  return addresses
}

/**
 * The account's 32-byte private key (a copy the caller must zero), checked against the address
 * stored with the account: a mismatch means damaged records, never a silently wrong key.
 */
export function keyOfAccount(secret: Secret, account: AccountRecord): Uint8Array {
  const key = secret.kind === 'phrase' ? phraseAccountKey(secret.phrase, account.index ?? 0) : secret.privateKey
  if (addressOfKey(key).toLowerCase() !== account.address.toLowerCase()) {
    key.fill(0)
    throw new VaultError('corrupt', `The wallet's stored data is damaged (${ACCOUNTS_KEY}: an address does not match its key).`)
  }
  return key
}
