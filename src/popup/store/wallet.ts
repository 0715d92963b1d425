// The store's wallet actions: creating, importing, unlocking, locking and restoring the wallet,
// its accounts, and revealing a secret behind the password. Each status the background answers
// goes through applyWallet, which decides what the rest of the state does about it. Failures
// reject with the background's error; screens say it with errorText.
import type { AccountView, WalletStatus } from '../../extension/views.ts'
import { StoreActions } from './state.ts'

/** An account's secret, shown once behind the password and never kept in the store's state. */
export interface RevealedSecret {
  kind: 'phrase' | 'privateKey'
  secret: string
}

export class WalletActions extends StoreActions {
  private async apply(status: Promise<WalletStatus>): Promise<void> {
    this.parts.applyWallet(await status)
  }

  /** A fresh recovery phrase to show during onboarding (the wallet is not created yet). */
  async generatePhrase(): Promise<string> {
    return (await this.rpc.call('wallet_generatePhrase')).phrase
  }

  /** Creates the wallet from the phrase the person wrote down. */
  create(password: string, phrase: string): Promise<void> {
    return this.onboard(this.rpc.call('wallet_create', { password, phrase }))
  }

  /** Creates the wallet from an existing phrase or private key. */
  importWallet(password: string, secret: string): Promise<void> {
    return this.onboard(this.rpc.call('wallet_import', { password, secret }))
  }

  private async onboard(status: Promise<WalletStatus>): Promise<void> {
    const created = await status
    // In the same turn as the status: no screen ever shows the new wallet without knowing
    // this page made it.
    this.set({ onboardedHere: true })
    this.parts.applyWallet(created)
  }

  unlock(password: string): Promise<void> {
    return this.apply(this.rpc.call('wallet_unlock', { password }))
  }

  lock(): Promise<void> {
    return this.apply(this.rpc.call('wallet_lock'))
  }

  /** Replaces the wallet in this browser with what the phrase or key restores. */
  restore(password: string, secret: string): Promise<void> {
    return this.apply(this.rpc.call('wallet_restore', { password, secret }))
  }

  /** Starts the XMTP session again after an error (the identity screen's and banner's Retry). */
  retrySession(): Promise<void> {
    return this.apply(this.rpc.call('session_retry'))
  }

  /** The person is active: auto-lock waits. A failure changes nothing the person can act on. */
  async touch(): Promise<void> {
    await this.rpc.call('wallet_touch').catch(() => {})
  }

  /** The active account's phrase or key, for the caller to show and forget. */
  reveal(password: string, accountId: string): Promise<RevealedSecret> {
    return this.rpc.call('wallet_reveal', { password, accountId })
  }

  selectAccount(accountId: string): Promise<void> {
    return this.apply(this.rpc.call('accounts_select', { accountId }))
  }

  async renameAccount(accountId: string, label: string): Promise<void> {
    await this.rpc.call('accounts_rename', { accountId, label })
    await this.apply(this.rpc.call('wallet_status'))
  }

  /** Adds the phrase's next account. */
  async addAccount(label?: string): Promise<void> {
    await this.rpc.call('accounts_add', label ? { label } : {})
    await this.apply(this.rpc.call('wallet_status'))
  }

  /** Imports another phrase or private key into the wallet, behind the wallet password. */
  async importAccount(args: { secret: string; label?: string; password: string }): Promise<void> {
    await this.rpc.call('accounts_import', args)
    await this.apply(this.rpc.call('wallet_status'))
  }

  removeAccount(account: AccountView, password: string): Promise<void> {
    return this.apply(this.rpc.call('accounts_remove', { accountId: account.id, password }))
  }

  /** Unread counts per account; a failure leaves the last known counts. */
  async loadUnread(): Promise<void> {
    try {
      const { counts } = await this.rpc.call('accounts_unread')
      this.set({ unreadByAccount: counts })
    } catch {
      // The counts are a hint; the accounts work without them.
    }
  }
}
