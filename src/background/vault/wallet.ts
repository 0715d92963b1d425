// The wallet: an encrypted vault of recovery phrases and private keys, the accounts derived from
// them, and the lock. Storage areas are passed in (chrome.storage.local / .session in the
// extension, in-memory maps in tests), so the same code runs in the worker and in Node.
//
// Key hierarchy. A random 32-byte master key encrypts every secret record; the password only
// wraps the master key (vault.header). So changing the password rewrites one record in one
// storage write: until that write lands the old password opens the vault, after it the new one
// does, and a worker killed in between loses nothing. Purpose keys (the cache's) come from the
// master key by HKDF and so survive a password change.
//
// Lock state. While unlocked the master key is held in memory and the KEK (derived from the
// password, never the password itself) sits in storage.session, so a restarted worker resumes
// without asking again until the auto-lock deadline. Locking zeroes the key and wipes the session.
import type { AccountView } from '../../extension/views.ts'
import type { StorageArea, WalletService, WalletStatusCore } from '../contracts.ts'
import { toHex } from '../../wire/bytes.ts'
import { ObservableState, type ReadableState } from '../../state/observable-state.ts'
import { deriveKek, MIN_PBKDF2_ITERATIONS, newKdfParams, open, purposeKey, seal, type KdfParams } from './crypto.ts'
import { VaultError } from './errors.ts'
import { ACCOUNTS_KEY, encodeHeader, encodeSealed, encodeUnlocked, HEADER_KEY, parseUnlocked, secretKey, UNLOCKED_KEY, type AccountRecord, type AccountsRecord, type VaultHeader } from './records.ts'
import { accountView as view, newId, withAccount, withActive, withLabel, withoutAccount } from './accounts.ts'
import { encodeSecret, newPhrase, parseSecret, privateKeyHex, type Secret } from './secrets.ts'
import { AutoLockDeadline, DEADLINE_KEY } from './auto-lock.ts'
import { VaultRecords } from './vault-records.ts'
import { accountOfSecret, derivedAddresses, keyOfAccount } from './derivation.ts'

export { DEFAULT_AUTOLOCK_MINUTES } from './auto-lock.ts'

export interface WalletOptions {
  local: StorageArea
  sessionStorage: StorageArea
  now?: () => number
  /** PBKDF2 rounds for new and re-wrapped vaults (default and floor in production: 900,000). */
  iterations?: number
}

export const MIN_PASSWORD_LENGTH = 8

type Listener = (status: WalletStatusCore) => void

/** What the wallet announces before it has read its records (and while there is none). */
const UNKNOWN_STATUS: WalletStatusCore = Object.freeze({ initialized: false, locked: true, accounts: [], activeAccountId: null, autoLockAt: null })
/** Statuses are plain JSON views: equal when they say the same. */
const sameStatus = (a: WalletStatusCore, b: WalletStatusCore) => JSON.stringify(a) === JSON.stringify(b)

export class Wallet implements WalletService {
  readonly #local: StorageArea
  readonly #sessionStorage: StorageArea
  readonly #now: () => number
  readonly #iterations: number
  /** The status last announced; set after each change the wallet makes. */
  readonly #state = new ObservableState<WalletStatusCore>('wallet', UNKNOWN_STATUS, { equals: sameStatus })
  readonly #records: VaultRecords
  readonly #deadline: AutoLockDeadline
  #master: Uint8Array | null = null
  #queue: Promise<unknown> = Promise.resolve()

  constructor(options: WalletOptions) {
    if (!options || typeof options.local?.get !== 'function' || typeof options.sessionStorage?.get !== 'function') {
      throw new TypeError('Wallet needs { local, sessionStorage } storage areas')
    }
    this.#local = options.local
    this.#sessionStorage = options.sessionStorage
    this.#now = options.now ?? Date.now
    this.#iterations = options.iterations ?? MIN_PBKDF2_ITERATIONS
    this.#records = new VaultRecords(this.#local)
    this.#deadline = new AutoLockDeadline(this.#local, this.#sessionStorage, this.#now)
    if (!Number.isInteger(this.#iterations) || this.#iterations < 1) throw new RangeError('iterations must be a positive whole number')
  }

  /** Whether the wallet is locked, known in memory (no storage read). */
  get locked(): boolean {
    return this.#master === null
  }

  /** The wallet's status as last announced (read `status()` for the stored accounts now). */
  get state(): ReadableState<WalletStatusCore> {
    return this.#state.readonly()
  }

  /** Runs mutations one at a time, so two clicks cannot interleave their writes. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn)
    this.#queue = run.catch(() => undefined)
    return run
  }

  /** Told the new status after each change (lock, unlock, accounts); see ObservableState. */
  onChange(listener: Listener): () => void {
    return this.#state.subscribe((next) => listener(next))
  }

  async #emit(): Promise<void> {
    this.#state.set(await this.status())
  }

  #requireMaster(): Uint8Array {
    if (!this.#master) throw new VaultError('locked', 'The wallet is locked: unlock it with your password.')
    return this.#master
  }

  autoLockMinutes(): Promise<number> {
    return this.#deadline.minutes()
  }

  async status(): Promise<WalletStatusCore> {
    const [header, record] = await Promise.all([this.#local.get(HEADER_KEY), this.#records.accounts()])
    const locked = this.#master === null
    return {
      initialized: header[HEADER_KEY] !== undefined,
      locked,
      accounts: record.accounts.map(view),
      activeAccountId: record.activeAccountId,
      autoLockAt: locked ? null : this.#deadline.at,
    }
  }

  generatePhrase(): string {
    return newPhrase()
  }

  // ── creating ──

  create(password: string, phrase: string): Promise<void> {
    return this.#serial(async () => {
      const secret = parseSecret(phrase)
      if (secret.kind !== 'phrase') throw new VaultError('invalid-secret', 'A new wallet starts from a recovery phrase; import a private key instead.')
      await this.#initialize(password, secret)
    })
  }

  importWallet(password: string, secret: string): Promise<void> {
    return this.#serial(() => this.#initialize(password, parseSecret(secret)))
  }

  /**
   * The lock screen's "Forgot password?": replaces this wallet with one restored from a phrase
   * or private key under a new password. Both are checked before anything is removed; then the
   * old vault's records go in one remove, `forget` is given the replaced accounts (their
   * cached data was sealed under the old keys), and the new vault is written in one set.
   */
  restoreWallet(password: string, secretText: string, forget: (replaced: AccountView[]) => Promise<void> = async () => {}): Promise<void> {
    return this.#serial(async () => {
      const secret = parseSecret(secretText)
      if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
        if (secret.kind === 'privateKey') secret.privateKey.fill(0)
        throw new VaultError('weak-password', `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`)
      }
      const previous = (await this.#records.header()) ? (await this.#records.accounts()).accounts.map(view) : []
      await this.#lockNow()
      const stored = await this.#local.get(null)
      const vaultKeys = Object.keys(stored).filter((k) => k === HEADER_KEY || k === ACCOUNTS_KEY || k.startsWith(secretKey('')))
      await this.#local.remove(vaultKeys)
      await forget(previous).catch(() => {})
      await this.#initialize(password, secret)
    })
  }

  async #initialize(password: string, secret: Secret): Promise<void> {
    if (await this.#records.header()) throw new VaultError('exists', 'A wallet already exists here: unlock it, or add accounts from Settings.')
    if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
      throw new VaultError('weak-password', `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`)
    }
    const { master, kek, kdf } = await this.#records.writeNew(password, secret, this.#iterations)
    await this.#becomeUnlocked(master, kek, kdf)
  }

  async #becomeUnlocked(master: Uint8Array, kek: Uint8Array, kdf: KdfParams): Promise<void> {
    this.#master?.fill(0)
    this.#master = master
    await this.#sessionStorage.set({ [UNLOCKED_KEY]: encodeUnlocked({ kek, salt: kdf.salt, deadline: null }) })
    kek.fill(0)
    await this.#deadline.touch()
    await this.#emit()
  }

  // ── lock ──

  unlock(password: string): Promise<void> {
    return this.#serial(async () => {
      let header = await this.#records.requireHeader()
      let { master, kek } = await this.#records.masterFromPassword(password, header)
      if (header.kdf.iterations < this.#iterations) {
        // Raise an older vault's KDF cost to today's: one write, as in changePassword.
        kek.fill(0)
        const kdf = newKdfParams(this.#iterations)
        kek = await deriveKek(password, kdf)
        header = { version: 1, kdf, wrappedKey: await seal(kek, master, HEADER_KEY) }
        await this.#local.set({ [HEADER_KEY]: encodeHeader(header) })
      }
      await this.#becomeUnlocked(master, kek, header.kdf)
    })
  }

  /** On worker start: unlocked again from storage.session, unless the deadline passed. */
  resume(): Promise<boolean> {
    return this.#serial(async () => {
      if (this.#master) return true
      // One round trip to each storage area, side by side: this is on every wake's path.
      const [{ [UNLOCKED_KEY]: raw, [DEADLINE_KEY]: d }, header] = await Promise.all([this.#sessionStorage.get([UNLOCKED_KEY, DEADLINE_KEY]), this.#records.header()])
      const unlocked = parseUnlocked(raw)
      if (!unlocked) return false
      const deadline = typeof d === 'number' ? d : null
      const stale = !header || toHex(header.kdf.salt) !== toHex(unlocked.salt)
      const master = !stale && (deadline === null || this.#now() < deadline) ? await open(unlocked.kek, header!.wrappedKey, HEADER_KEY) : null
      unlocked.kek.fill(0)
      if (!master) {
        await this.#sessionStorage.remove([UNLOCKED_KEY, DEADLINE_KEY])
        return false
      }
      this.#master = master
      this.#deadline.at = deadline
      await this.#emit()
      return true
    })
  }

  lock(): Promise<void> {
    return this.#serial(() => this.#lockNow())
  }

  async #lockNow(): Promise<void> {
    const was = this.#master !== null
    this.#master?.fill(0)
    this.#master = null
    this.#deadline.at = null
    await this.#sessionStorage.remove([UNLOCKED_KEY, DEADLINE_KEY])
    if (was) await this.#emit()
  }

  async setAutoLockMinutes(minutes: number): Promise<void> {
    await this.#deadline.setMinutes(minutes)
    if (this.#master) await this.#deadline.touch()
  }

  /** Records activity: the auto-lock deadline moves to now + the idle minutes. */
  touch(): Promise<number | null> {
    return this.#master ? this.#deadline.touch() : Promise.resolve(null)
  }

  /** Locks when the deadline has passed; true when the wallet is (now) locked. */
  checkAutoLock(): Promise<boolean> {
    return this.#serial(async () => {
      if (!this.#master) return true
      if (this.#deadline.passed()) {
        await this.#lockNow()
        return true
      }
      return false
    })
  }

  changePassword(oldPassword: string, newPassword: string): Promise<void> {
    return this.#serial(async () => {
      const header = await this.#records.requireHeader()
      if (typeof newPassword !== 'string' || newPassword.length < MIN_PASSWORD_LENGTH) {
        throw new VaultError('weak-password', `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`)
      }
      const { master, kek: oldKek } = await this.#records.masterFromPassword(oldPassword, header)
      oldKek.fill(0)
      const kdf = newKdfParams(Math.max(this.#iterations, header.kdf.iterations))
      const kek = await deriveKek(newPassword, kdf)
      const next: VaultHeader = { version: 1, kdf, wrappedKey: await seal(kek, master, HEADER_KEY) }
      // The one write that switches passwords (see the header comment).
      await this.#local.set({ [HEADER_KEY]: encodeHeader(next) })
      if (this.#master) {
        await this.#sessionStorage.set({ [UNLOCKED_KEY]: encodeUnlocked({ kek, salt: kdf.salt, deadline: null }) })
      }
      kek.fill(0)
      master.fill(0)
    })
  }

  async reveal(password: string, accountId: string): Promise<{ kind: 'phrase' | 'privateKey'; secret: string }> {
    const header = await this.#records.requireHeader()
    const { account } = await this.#records.account(accountId)
    const { master, kek } = await this.#records.masterFromPassword(password, header)
    kek.fill(0)
    try {
      const secret = await this.#records.openSecret(master, account.secretId)
      if (secret.kind === 'phrase') return { kind: 'phrase', secret: secret.phrase }
      const hex = privateKeyHex(secret.privateKey)
      secret.privateKey.fill(0)
      return { kind: 'privateKey', secret: hex }
    } finally {
      master.fill(0)
    }
  }

  // ── accounts ──

  addAccount(label?: string, options: { activate?: boolean } = {}): Promise<AccountView> {
    return this.#serial(async () => {
      const master = this.#requireMaster()
      const record = await this.#records.accounts()
      const secretId = record.primarySecretId
      if (!secretId) throw new VaultError('no-phrase', 'This wallet has no recovery phrase to derive accounts from; import a phrase or a key instead.')
      const secret = await this.#records.openSecret(master, secretId)
      if (secret.kind !== 'phrase') throw new VaultError('corrupt', `The wallet's stored data is damaged (${secretKey(secretId)}).`)
      const account = accountOfSecret(record, secret, secretId, label, record.nextIndex[secretId] ?? 0)
      const added = withAccount(record, account)
      // A discovered account joins the list; the one in use stays in use.
      await this.#local.set({ [ACCOUNTS_KEY]: options.activate === false ? { ...added, activeAccountId: record.activeAccountId } : added })
      await this.#emit()
      return view(account)
    })
  }

  /**
   * The addresses the wallet's phrase gives at the next `count` derivation indexes, without
   * adding them (account discovery asks the network which of them are in use). Empty for a
   * wallet without a phrase.
   */
  nextDerivedAddresses(count: number): Promise<string[]> {
    return this.#serial(async () => {
      if (!Number.isInteger(count) || count < 1 || count > 20) throw new RangeError('count must be a whole number from 1 to 20')
      const master = this.#requireMaster()
      const record = await this.#records.accounts()
      const secretId = record.primarySecretId
      if (!secretId) return []
      const secret = await this.#records.openSecret(master, secretId)
      if (secret.kind !== 'phrase') return []
      return derivedAddresses(secret.phrase, record.nextIndex[secretId] ?? 0, count)
    })
  }

  importAccount(password: string, secretText: string, label?: string): Promise<AccountView> {
    return this.#serial(async () => {
      const master = this.#requireMaster()
      await this.#records.checkPassword(password)
      const secret = parseSecret(secretText)
      const record = await this.#records.accounts()
      const secretId = newId()
      let account: AccountRecord
      let next: AccountsRecord
      try {
        account = accountOfSecret(record, secret, secretId, label)
        next = withAccount(record, account)
      } catch (error) {
        if (secret.kind === 'privateKey') secret.privateKey.fill(0)
        throw error
      }
      const sealed = await seal(master, encodeSecret(secret), secretKey(secretId))
      if (secret.kind === 'privateKey') secret.privateKey.fill(0)
      await this.#local.set({ [secretKey(secretId)]: encodeSealed(sealed), [ACCOUNTS_KEY]: next })
      await this.#emit()
      return view(account)
    })
  }

  renameAccount(id: string, label: string): Promise<AccountView> {
    return this.#serial(async () => {
      this.#requireMaster()
      const { next, account } = withLabel(await this.#records.accounts(), id, label)
      await this.#local.set({ [ACCOUNTS_KEY]: next })
      await this.#emit()
      return view(account)
    })
  }

  removeAccount(id: string, password: string): Promise<void> {
    return this.#serial(async () => {
      this.#requireMaster()
      await this.#records.requireHeader()
      const { record, account } = await this.#records.account(id)
      await this.#records.checkPassword(password)
      const { next, orphanSecretId } = withoutAccount(record, account.id)
      // Accounts first: a worker killed before the second write leaves an unused sealed secret
      // behind, never an account without its secret.
      await this.#local.set({ [ACCOUNTS_KEY]: next })
      if (orphanSecretId) await this.#local.remove(secretKey(orphanSecretId))
      await this.#emit()
    })
  }

  selectAccount(id: string): Promise<void> {
    return this.#serial(async () => {
      const record = await this.#records.accounts()
      if (withActive(record, id).activeAccountId === record.activeAccountId) return
      await this.#local.set({ [ACCOUNTS_KEY]: withActive(record, id) })
      await this.#emit()
    })
  }

  // ── keys for the rest of the background ──

  async privateKeyOf(accountId: string): Promise<Uint8Array> {
    const master = this.#requireMaster()
    const { account } = await this.#records.account(accountId)
    return keyOfAccount(await this.#records.openSecret(master, account.secretId), account)
  }

  async deriveKey(purpose: string): Promise<Uint8Array> {
    return purposeKey(this.#requireMaster(), purpose)
  }
}
