// The vault's records in storage.local and storage.session, and their strict parsing.
// A record that does not parse is reported as VaultError 'corrupt' naming the record, and the
// wallet refuses to guess: nothing is overwritten because something else failed to read.
//
// storage.local
//   vault.header            KDF parameters, the master key wrapped under the password's KEK
//   vault.secret.<id>       one phrase or private key, sealed under the master key
//   vault.accounts          account list (labels, addresses, derivation indexes) and the active id
//   vault.autolock          idle minutes before auto-lock
// storage.session (cleared when the browser closes)
//   vault.unlocked          the KEK (never the password) and the auto-lock deadline
import { fromBase64Portable, toBase64Portable } from '../../wire/bytes.ts'
import type { AccountKind } from '../../extension/views.ts'
import { IV_LENGTH, KEY_LENGTH, SALT_LENGTH, type KdfParams, type Sealed } from './crypto.ts'
import { VaultError } from './errors.ts'

export const HEADER_KEY = 'vault.header'
export const ACCOUNTS_KEY = 'vault.accounts'
export const AUTOLOCK_KEY = 'vault.autolock'
export const UNLOCKED_KEY = 'vault.unlocked'
export const secretKey = (id: string) => `vault.secret.${id}`

export interface VaultHeader {
  version: 1
  kdf: KdfParams
  /** The random master key, sealed under the KEK (associated data: HEADER_KEY). */
  wrappedKey: Sealed
}

export interface AccountRecord {
  id: string
  label: string
  address: string
  kind: AccountKind
  secretId: string
  index?: number
}

export interface AccountsRecord {
  accounts: AccountRecord[]
  activeAccountId: string | null
  /** Next unused derivation index per phrase secret. */
  nextIndex: Record<string, number>
  /** The phrase new accounts come from (the first phrase of the wallet). */
  primarySecretId: string | null
}

export interface UnlockedRecord {
  kek: Uint8Array
  /** The header's salt when the KEK was derived: a password change elsewhere makes it stale. */
  salt: Uint8Array
  deadline: number | null
}

const b64 = toBase64Portable

function corrupt(record: string): VaultError {
  return new VaultError('corrupt', `The wallet's stored data is damaged (${record}). Nothing was changed; restore from your recovery phrase if this persists.`)
}

function bytesField(value: unknown, record: string, length?: number, minLength = 1): Uint8Array {
  if (typeof value !== 'string') throw corrupt(record)
  let bytes: Uint8Array
  try {
    bytes = fromBase64Portable(value)
  } catch {
    throw corrupt(record)
  }
  if (length !== undefined ? bytes.length !== length : bytes.length < minLength) throw corrupt(record)
  return bytes
}

function sealedField(value: unknown, record: string): Sealed {
  if (typeof value !== 'object' || value === null) throw corrupt(record)
  const v = value as Record<string, unknown>
  return { iv: bytesField(v.iv, record, IV_LENGTH), ciphertext: bytesField(v.ciphertext, record, undefined, 16) }
}

export function encodeSealed(sealed: Sealed): { iv: string; ciphertext: string } {
  return { iv: b64(sealed.iv), ciphertext: b64(sealed.ciphertext) }
}

export function encodeHeader(header: VaultHeader): unknown {
  return {
    version: 1,
    kdf: { name: header.kdf.name, iterations: header.kdf.iterations, salt: b64(header.kdf.salt) },
    wrappedKey: encodeSealed(header.wrappedKey),
  }
}

export function parseHeader(value: unknown): VaultHeader {
  if (typeof value !== 'object' || value === null) throw corrupt(HEADER_KEY)
  const v = value as Record<string, unknown>
  const kdf = v.kdf as Record<string, unknown> | undefined
  if (v.version !== 1 || typeof kdf !== 'object' || kdf === null || kdf.name !== 'PBKDF2-SHA256') throw corrupt(HEADER_KEY)
  if (typeof kdf.iterations !== 'number' || !Number.isInteger(kdf.iterations) || kdf.iterations < 1) throw corrupt(HEADER_KEY)
  return {
    version: 1,
    kdf: { name: 'PBKDF2-SHA256', iterations: kdf.iterations, salt: bytesField(kdf.salt, HEADER_KEY, undefined, SALT_LENGTH) },
    wrappedKey: sealedField(v.wrappedKey, HEADER_KEY),
  }
}

export function parseSecretRecord(value: unknown, id: string): Sealed {
  return sealedField(value, secretKey(id))
}

const ID = /^[a-z0-9]{1,32}$/

export function parseAccounts(value: unknown): AccountsRecord {
  if (typeof value !== 'object' || value === null) throw corrupt(ACCOUNTS_KEY)
  const v = value as Record<string, unknown>
  if (!Array.isArray(v.accounts)) throw corrupt(ACCOUNTS_KEY)
  const accounts = v.accounts.map((a): AccountRecord => {
    if (typeof a !== 'object' || a === null) throw corrupt(ACCOUNTS_KEY)
    const r = a as Record<string, unknown>
    if (typeof r.id !== 'string' || !ID.test(r.id)) throw corrupt(ACCOUNTS_KEY)
    if (typeof r.label !== 'string' || typeof r.address !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(r.address)) throw corrupt(ACCOUNTS_KEY)
    if (r.kind !== 'phrase' && r.kind !== 'privateKey') throw corrupt(ACCOUNTS_KEY)
    if (typeof r.secretId !== 'string' || !ID.test(r.secretId)) throw corrupt(ACCOUNTS_KEY)
    if (r.kind === 'phrase' && (typeof r.index !== 'number' || !Number.isInteger(r.index) || r.index < 0)) throw corrupt(ACCOUNTS_KEY)
    const out: AccountRecord = { id: r.id, label: r.label, address: r.address, kind: r.kind, secretId: r.secretId }
    if (r.kind === 'phrase') out.index = r.index as number
    return out
  })
  const active = v.activeAccountId
  if (active !== null && (typeof active !== 'string' || !accounts.some((a) => a.id === active))) throw corrupt(ACCOUNTS_KEY)
  const nextIndex: Record<string, number> = {}
  if (typeof v.nextIndex !== 'object' || v.nextIndex === null) throw corrupt(ACCOUNTS_KEY)
  for (const [k, n] of Object.entries(v.nextIndex as Record<string, unknown>)) {
    if (!ID.test(k) || typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw corrupt(ACCOUNTS_KEY)
    nextIndex[k] = n
  }
  const primary = v.primarySecretId
  if (primary !== null && (typeof primary !== 'string' || !ID.test(primary))) throw corrupt(ACCOUNTS_KEY)
  return { accounts, activeAccountId: active as string | null, nextIndex, primarySecretId: primary as string | null }
}

export function encodeUnlocked(u: UnlockedRecord): unknown {
  return { kek: b64(u.kek), salt: b64(u.salt), deadline: u.deadline }
}

/** The session record, or null when it is missing or unreadable (then the user unlocks again). */
export function parseUnlocked(value: unknown): UnlockedRecord | null {
  if (typeof value !== 'object' || value === null) return null
  const v = value as Record<string, unknown>
  try {
    const deadline = v.deadline
    if (deadline !== null && typeof deadline !== 'number') return null
    return { kek: bytesField(v.kek, UNLOCKED_KEY, KEY_LENGTH), salt: bytesField(v.salt, UNLOCKED_KEY, undefined, SALT_LENGTH), deadline }
  } catch {
    return null
  }
}
