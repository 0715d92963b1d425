// The account list as pure transforms: each takes the stored AccountsRecord and returns the next
// one, so the wallet only reads, calls one of these, and writes. No I/O, no keys.
import type { AccountView } from '../../extension/views.ts'
import { toHex } from '../../wire/bytes.ts'
import { randomBytes } from './crypto.ts'
import { VaultError } from './errors.ts'
import type { AccountRecord, AccountsRecord } from './records.ts'

const MAX_LABEL = 64

export const EMPTY_ACCOUNTS: AccountsRecord = { accounts: [], activeAccountId: null, nextIndex: {}, primarySecretId: null }

/** Ids for accounts and sealed secrets: 64 random bits as hex (never derived from an address). */
export function newId(): string {
  return toHex(randomBytes(8))
}

export function accountView(a: AccountRecord): AccountView {
  const v: AccountView = { id: a.id, label: a.label, address: a.address, kind: a.kind }
  if (a.index !== undefined) v.index = a.index
  return v
}

export function checkLabel(label: string): string {
  const trimmed = label.trim()
  if (trimmed.length === 0 || trimmed.length > MAX_LABEL) throw new VaultError('invalid-secret', `An account name must be 1 to ${MAX_LABEL} characters.`)
  return trimmed
}

/** A new account record: `Account n` unless a label is given. */
export function newAccount(record: AccountsRecord, fields: Omit<AccountRecord, 'id' | 'label'>, label?: string): AccountRecord {
  return { id: newId(), label: label === undefined ? `Account ${record.accounts.length + 1}` : checkLabel(label), ...fields }
}

export function findAccount(record: AccountsRecord, id: string): AccountRecord {
  const account = record.accounts.find((a) => a.id === id)
  if (!account) throw new VaultError('not-found', 'There is no such account in this wallet.')
  return account
}

/**
 * Adds an account and makes it the active one. A phrase account moves its phrase's next index
 * past its own; the first phrase of a wallet becomes the one new accounts derive from.
 */
export function withAccount(record: AccountsRecord, account: AccountRecord): AccountsRecord {
  if (record.accounts.some((a) => a.address.toLowerCase() === account.address.toLowerCase())) {
    throw new VaultError('duplicate', 'That account is already in this wallet.')
  }
  const phrase = account.kind === 'phrase'
  return {
    accounts: [...record.accounts, account],
    activeAccountId: account.id,
    nextIndex: phrase ? { ...record.nextIndex, [account.secretId]: Math.max(record.nextIndex[account.secretId] ?? 0, account.index! + 1) } : record.nextIndex,
    primarySecretId: record.primarySecretId ?? (phrase ? account.secretId : null),
  }
}

export function withLabel(record: AccountsRecord, id: string, label: string): { next: AccountsRecord; account: AccountRecord } {
  const account = { ...findAccount(record, id), label: checkLabel(label) }
  return { next: { ...record, accounts: record.accounts.map((a) => (a.id === id ? account : a)) }, account }
}

/**
 * Removes an account (never the last). `orphanSecretId` names its sealed secret when no other
 * account uses it any more, for the caller to delete after writing the list.
 */
export function withoutAccount(record: AccountsRecord, id: string): { next: AccountsRecord; orphanSecretId: string | null } {
  const account = findAccount(record, id)
  if (record.accounts.length === 1) throw new VaultError('last-account', 'This is the only account: a wallet keeps at least one.')
  const accounts = record.accounts.filter((a) => a.id !== id)
  const orphan = !accounts.some((a) => a.secretId === account.secretId)
  const nextIndex = { ...record.nextIndex }
  let primarySecretId = record.primarySecretId
  if (orphan) {
    delete nextIndex[account.secretId]
    if (primarySecretId === account.secretId) primarySecretId = accounts.find((a) => a.kind === 'phrase')?.secretId ?? null
  }
  const activeAccountId = record.activeAccountId === id ? accounts[0]!.id : record.activeAccountId
  return { next: { accounts, activeAccountId, nextIndex, primarySecretId }, orphanSecretId: orphan ? account.secretId : null }
}

export function withActive(record: AccountsRecord, id: string): AccountsRecord {
  findAccount(record, id)
  return { ...record, activeAccountId: id }
}
