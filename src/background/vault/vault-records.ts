// Reading the vault's records from storage.local: the header (the wrapped master key and its
// KDF), the accounts list and the sealed secrets, each parsed and checked on the way in, and the
// password check against the header; and writing a new vault. No state of its own: the wallet
// (wallet.ts) holds the lock.
import type { StorageArea } from '../contracts.ts'
import { EMPTY_ACCOUNTS, findAccount, newId, withAccount } from './accounts.ts'
import { deriveKek, newKdfParams, open, randomBytes, seal, type KdfParams } from './crypto.ts'
import { accountOfSecret } from './derivation.ts'
import { VaultError } from './errors.ts'
import {
  ACCOUNTS_KEY,
  encodeHeader,
  encodeSealed,
  HEADER_KEY,
  parseAccounts,
  parseHeader,
  parseSecretRecord,
  secretKey,
  type AccountRecord,
  type AccountsRecord,
  type VaultHeader,
} from './records.ts'
import { decodeSecret, encodeSecret, type Secret } from './secrets.ts'

export class VaultRecords {
  readonly #local: StorageArea

  constructor(local: StorageArea) {
    this.#local = local
  }

  async header(): Promise<VaultHeader | null> {
    const { [HEADER_KEY]: raw } = await this.#local.get(HEADER_KEY)
    return raw === undefined ? null : parseHeader(raw)
  }

  async requireHeader(): Promise<VaultHeader> {
    const header = await this.header()
    if (!header) throw new VaultError('no-vault', 'There is no wallet yet: create or import one first.')
    return header
  }

  async accounts(): Promise<AccountsRecord> {
    const { [ACCOUNTS_KEY]: raw } = await this.#local.get(ACCOUNTS_KEY)
    if (raw === undefined) return EMPTY_ACCOUNTS
    return parseAccounts(raw)
  }

  async account(id: string): Promise<{ record: AccountsRecord; account: AccountRecord }> {
    const record = await this.accounts()
    return { record, account: findAccount(record, id) }
  }

  async openSecret(master: Uint8Array, id: string): Promise<Secret> {
    const key = secretKey(id)
    const { [key]: raw } = await this.#local.get(key)
    if (raw === undefined) throw new VaultError('corrupt', `The wallet's stored data is damaged (${key} is missing).`)
    const plain = await open(master, parseSecretRecord(raw, id), key)
    if (!plain) throw new VaultError('corrupt', `The wallet's stored data is damaged (${key} does not decrypt).`)
    return decodeSecret(plain, id)
  }

  /** Checks a password against the vault; returns the master key it unwraps (caller zeroes both). */
  async masterFromPassword(password: string, header: VaultHeader): Promise<{ master: Uint8Array; kek: Uint8Array }> {
    const kek = await deriveKek(password, header.kdf)
    const master = await open(kek, header.wrappedKey, HEADER_KEY)
    if (!master) {
      kek.fill(0)
      throw new VaultError('wrong-password', 'That password is not right.')
    }
    return { master, kek }
  }

  /** A password check that keeps nothing (the caller already holds the master key). */
  async checkPassword(password: string): Promise<void> {
    const checked = await this.masterFromPassword(password, await this.requireHeader())
    checked.master.fill(0)
    checked.kek.fill(0)
  }

  /**
   * Writes a new vault for `secret` under `password` in one write (a vault is there completely
   * or not at all): a random master key wrapped by the password's KEK, the sealed secret and its
   * first account. Zeroes an imported private key; returns the master key and KEK (caller owns them).
   */
  async writeNew(password: string, secret: Secret, iterations: number): Promise<{ master: Uint8Array; kek: Uint8Array; kdf: KdfParams }> {
    const master = randomBytes(32)
    const kdf = newKdfParams(iterations)
    const kek = await deriveKek(password, kdf)
    const secretId = newId()
    const accounts = withAccount(EMPTY_ACCOUNTS, accountOfSecret(EMPTY_ACCOUNTS, secret, secretId))
    const header: VaultHeader = { version: 1, kdf, wrappedKey: await seal(kek, master, HEADER_KEY) }
    const sealedSecret = await seal(master, encodeSecret(secret), secretKey(secretId))
    if (secret.kind === 'privateKey') secret.privateKey.fill(0)
    await this.#local.set({ [HEADER_KEY]: encodeHeader(header), [secretKey(secretId)]: encodeSealed(sealedSecret), [ACCOUNTS_KEY]: accounts })
    return { master, kek, kdf }
  }
}
