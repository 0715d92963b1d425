// What an account's key comes from, and how the key and its address are derived. Pure functions.
//
// - BIP-39 phrase → seed (PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic", no passphrase), then
//   BIP-32 along BIP-44's Ethereum path m/44'/60'/0'/0/i: the path MetaMask and every common wallet
//   use, so a phrase imported here shows the same addresses as there.
// - A raw private key: 32 bytes in hex (0x optional), a valid secp256k1 scalar (1 ≤ k < n).
import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { HDKey } from '@scure/bip32'
import { publicKeyToAddress } from '../../protocol/crypto/ethereum.ts'
import { getPublicKey, isValidPrivateKey } from '../../protocol/crypto/secp256k1.ts'
import { fromHex, fromUtf8, toHex, utf8 } from '../../wire/bytes.ts'
import { secretKey } from './records.ts'
import { VaultError } from './errors.ts'

export type Secret = { kind: 'phrase'; phrase: string } | { kind: 'privateKey'; privateKey: Uint8Array }

/** Highest account index we derive (BIP-32 non-hardened indexes stop at 2^31 - 1). */
export const MAX_ACCOUNT_INDEX = 2 ** 31 - 1

/** A new 12-word English phrase (128 bits of entropy from the platform's CSPRNG). */
export function newPhrase(): string {
  return generateMnemonic(wordlist, 128)
}

/** Lowercase words separated by single spaces: how people type phrases, and how BIP-39 wants them. */
export function normalizePhrase(text: string): string {
  return text.normalize('NFKD').trim().toLowerCase().split(/\s+/).join(' ')
}

export function isValidPhrase(phrase: string): boolean {
  return validateMnemonic(normalizePhrase(phrase), wordlist)
}

/**
 * Reads what a person pasted: a recovery phrase or a private key. Throws VaultError
 * 'invalid-secret' with a message that says which check failed, never echoing the input.
 */
export function parseSecret(text: string): Secret {
  if (typeof text !== 'string') throw new TypeError('secret must be a string')
  const trimmed = text.trim()
  const hex = trimmed.startsWith('0x') || trimmed.startsWith('0X') ? trimmed.slice(2) : trimmed
  if (/^[0-9a-fA-F]{64}$/.test(hex)) {
    const privateKey = fromHex(hex.toLowerCase())
    if (!isValidPrivateKey(privateKey)) {
      privateKey.fill(0)
      throw new VaultError('invalid-secret', 'That private key is out of range for secp256k1.')
    }
    return { kind: 'privateKey', privateKey }
  }
  const phrase = normalizePhrase(trimmed)
  const words = phrase.split(' ')
  if (![12, 15, 18, 21, 24].includes(words.length)) {
    throw new VaultError(
      'invalid-secret',
      'Enter a recovery phrase of 12 to 24 words, or a private key of 64 hex digits.',
    )
  }
  const unknown = words.filter((w) => !wordlist.includes(w)).length
  if (unknown > 0) {
    throw new VaultError('invalid-secret', `${unknown} of the words ${unknown === 1 ? 'is' : 'are'} not in the BIP-39 English word list.`)
  }
  if (!validateMnemonic(phrase, wordlist)) {
    throw new VaultError('invalid-secret', 'The recovery phrase does not check out (its last word is wrong, or a word is out of place).')
  }
  return { kind: 'phrase', phrase }
}

/** The private key of account `index` of a phrase (m/44'/60'/0'/0/index). The caller zeroes it. */
export function phraseAccountKey(phrase: string, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index > MAX_ACCOUNT_INDEX) {
    throw new RangeError(`index must be a whole number from 0 to ${MAX_ACCOUNT_INDEX}`)
  }
  const seed = mnemonicToSeedSync(normalizePhrase(phrase))
  try {
    const root = HDKey.fromMasterSeed(seed)
    const node = root.derive(`m/44'/60'/0'/0/${index}`)
    if (!node.privateKey) throw new VaultError('invalid-secret', 'This phrase yields no key at that index.')
    const key = new Uint8Array(node.privateKey)
    // HDKey keeps its own copies; wipe what we can reach.
    root.wipePrivateData()
    node.wipePrivateData()
    return key
  } finally {
    seed.fill(0)
  }
}

/** EIP-55 address of a private key. */
export function addressOfKey(privateKey: Uint8Array): string {
  return publicKeyToAddress(getPublicKey(privateKey))
}

/** The private key as 0x-prefixed hex (for "reveal"). */
export function privateKeyHex(privateKey: Uint8Array): string {
  return `0x${toHex(privateKey)}`
}

/** A secret as the plaintext of its sealed record (JSON; the key as hex). */
export function encodeSecret(secret: Secret): Uint8Array {
  return utf8(JSON.stringify(secret.kind === 'phrase' ? { kind: 'phrase', phrase: secret.phrase } : { kind: 'privateKey', privateKey: toHex(secret.privateKey) }))
}

/** The inverse of encodeSecret; zeroes the plaintext bytes. A record that does not parse is 'corrupt'. */
export function decodeSecret(bytes: Uint8Array, id: string): Secret {
  try {
    const v = JSON.parse(fromUtf8(bytes)) as Record<string, unknown>
    if (v.kind === 'phrase' && typeof v.phrase === 'string') return { kind: 'phrase', phrase: v.phrase }
    if (v.kind === 'privateKey' && typeof v.privateKey === 'string') return { kind: 'privateKey', privateKey: fromHex(v.privateKey) }
  } catch {
    // fall through
  } finally {
    bytes.fill(0)
  }
  throw new VaultError('corrupt', `The wallet's stored data is damaged (${secretKey(id)}).`)
}
