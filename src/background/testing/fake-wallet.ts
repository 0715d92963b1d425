// A WalletService for Node tests of the session and handlers, standing in for the vault
// (src/background/vault) where a test is about something else: real secp256k1 account keys,
// lock / unlock / select, and deriveKey as HKDF-SHA256 over a fixed test secret.
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { PrivateKeySigner } from '../../protocol/index.ts'
import type { AccountView } from '../../extension/views.ts'
import { Listeners } from '../../state/listeners.ts'
import type { WalletService, WalletStatusCore } from '../contracts.ts'
import { VaultError } from '../vault/errors.ts'

export class FakeWallet implements WalletService {
  readonly #keys = new Map<string, Uint8Array>()
  readonly #listeners = new Listeners<[status: WalletStatusCore]>('fake wallet change')
  readonly #secret = crypto.getRandomValues(new Uint8Array(32))
  accounts: AccountView[] = []
  activeAccountId: string | null = null
  locked = false

  addAccount(label = `Account ${this.accounts.length + 1}`): AccountView {
    const key = crypto.getRandomValues(new Uint8Array(32))
    const account: AccountView = { id: `acct-${this.accounts.length}`, label, address: new PrivateKeySigner(key).address, kind: 'privateKey' }
    this.#keys.set(account.id, key)
    this.accounts.push(account)
    this.activeAccountId ??= account.id
    this.#emit()
    return account
  }

  select(id: string): void {
    this.activeAccountId = id
    this.#emit()
  }

  lock(): void {
    this.locked = true
    this.#emit()
  }

  unlock(): void {
    this.locked = false
    this.#emit()
  }

  async status(): Promise<WalletStatusCore> {
    return {
      initialized: this.accounts.length > 0,
      locked: this.locked,
      accounts: this.accounts.map((a) => ({ ...a })),
      activeAccountId: this.activeAccountId,
      autoLockAt: null,
    }
  }

  async privateKeyOf(accountId: string): Promise<Uint8Array> {
    if (this.locked) throw new VaultError('locked', 'The wallet is locked.')
    const key = this.#keys.get(accountId)
    if (!key) throw new VaultError('not-found', 'No such account.')
    return new Uint8Array(key)
  }

  async deriveKey(purpose: string): Promise<Uint8Array> {
    if (this.locked) throw new VaultError('locked', 'The wallet is locked.')
    return hkdf(sha256, this.#secret, undefined, new TextEncoder().encode(purpose), 32)
  }

  onChange(listener: (status: WalletStatusCore) => void): () => void {
    return this.#listeners.add(listener)
  }

  #emit(): void {
    void this.status().then((status) => this.#listeners.emit(status))
  }
}
