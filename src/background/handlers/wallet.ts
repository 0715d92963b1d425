// Handlers of the wallet methods (src/extension/methods/wallet.ts): the vault, accounts,
// settings, the node's status and diagnostics. Every answer that carries a WalletStatus
// includes the XMTP session's progress; changes that affect the session (unlock, lock,
// account switch, node URL) bring it in line before answering.
import type { AccountView, DiagnosticsView, NodeStatusView, WalletStatus } from '../../extension/views.ts'
import type { HandlerTable } from '../rpc-router.ts'
import type { Wallet } from '../vault/index.ts'
import type { Settings } from '../settings.ts'
import type { SessionManager } from '../session/session-manager.ts'

/** The vault's API as these handlers use it (src/background/vault, class Wallet). */
export type VaultApi = Pick<
  Wallet,
  | 'status'
  | 'generatePhrase'
  | 'create'
  | 'importWallet'
  | 'restoreWallet'
  | 'unlock'
  | 'lock'
  | 'changePassword'
  | 'reveal'
  | 'addAccount'
  | 'importAccount'
  | 'renameAccount'
  | 'removeAccount'
  | 'selectAccount'
  | 'setAutoLockMinutes'
  | 'autoLockMinutes'
  | 'touch'
>

export interface WalletHandlerDeps {
  vault: VaultApi
  settings: Settings
  sessions: SessionManager
  checkNode(url: string): Promise<NodeStatusView>
  /** Deletes what Parley stored for an account (cached identity, IndexedDB caches). */
  forgetAccount(account: AccountView): Promise<void>
  diagnostics(): DiagnosticsView | Promise<DiagnosticsView>
  /** After an import or restore: adds the phrase's further accounts that are on XMTP (account-discovery.ts). */
  discoverAccounts?(): Promise<unknown>
  /** Unread counts per account id (account-unread.ts). */
  unreadByAccount?(): Promise<Record<string, number>>
  /**
   * Told as an existing key starts coming in (an import, a restore): the account it opens has
   * a history to sync, so whatever that sync needs (the invitation workers) can start during
   * the key derivation instead of after it. Never awaited; never fails the request.
   */
  expectFirstSync?(): void
}

type WalletMethods =
  | 'wallet_status'
  | 'wallet_generatePhrase'
  | 'wallet_create'
  | 'wallet_import'
  | 'wallet_restore'
  | 'wallet_unlock'
  | 'wallet_lock'
  | 'wallet_changePassword'
  | 'wallet_reveal'
  | 'accounts_add'
  | 'accounts_import'
  | 'accounts_rename'
  | 'accounts_remove'
  | 'accounts_select'
  | 'accounts_unread'
  | 'settings_get'
  | 'settings_update'
  | 'node_status'
  | 'session_retry'
  | 'wallet_touch'
  | 'diagnostics_get'

export function createWalletHandlers(deps: WalletHandlerDeps): Pick<HandlerTable, WalletMethods> {
  const { vault, settings, sessions } = deps
  const expectFirstSync = () => {
    try {
      deps.expectFirstSync?.()
    } catch {
      // Only a head start: the sync starts what it needs itself.
    }
  }

  const status = async (): Promise<WalletStatus> => ({ ...(await vault.status()), session: sessions.view() })
  /** After a change: bring the session in line, then answer with the new status. */
  const synced = async (): Promise<WalletStatus> => {
    await sessions.sync()
    return status()
  }

  return {
    wallet_status: () => status(),
    wallet_generatePhrase: () => ({ phrase: vault.generatePhrase() }),
    wallet_create: async ({ password, phrase }) => {
      await vault.create(password, phrase)
      return synced()
    },
    wallet_import: async ({ password, secret }) => {
      expectFirstSync()
      await vault.importWallet(password, secret)
      void deps.discoverAccounts?.().catch(() => {}) // in the background: the first account opens meanwhile
      return synced()
    },
    accounts_unread: async () => ({ counts: (await deps.unreadByAccount?.()) ?? {} }),
    wallet_restore: async ({ password, secret }) => {
      expectFirstSync()
      // The old vault's keys go: its cached identities and messages could not be read again.
      await vault.restoreWallet(password, secret, async (replaced) => {
        for (const account of replaced) await deps.forgetAccount(account).catch(() => {})
      })
      void deps.discoverAccounts?.().catch(() => {})
      return synced()
    },
    wallet_unlock: async ({ password }) => {
      await vault.unlock(password)
      return synced()
    },
    wallet_lock: async () => {
      await vault.lock()
      return synced()
    },
    wallet_changePassword: async ({ oldPassword, newPassword }) => {
      await vault.changePassword(oldPassword, newPassword)
      return { changed: true as const }
    },
    wallet_reveal: ({ password, accountId }) => vault.reveal(password, accountId),
    accounts_add: async ({ label }) => {
      const account = await vault.addAccount(label)
      await sessions.sync()
      return account
    },
    accounts_import: async ({ password, secret, label }) => {
      expectFirstSync()
      const account = await vault.importAccount(password, secret, label)
      await sessions.sync()
      return account
    },
    accounts_rename: async ({ accountId, label }) => {
      const account = await vault.renameAccount(accountId, label)
      await sessions.sync()
      return account
    },
    accounts_remove: async ({ accountId, password }) => {
      const account = (await vault.status()).accounts.find((a) => a.id === accountId)
      await vault.removeAccount(accountId, password)
      await sessions.sync()
      if (account) await deps.forgetAccount(account)
      return status()
    },
    accounts_select: async ({ accountId }) => {
      await vault.selectAccount(accountId)
      return synced()
    },
    settings_get: async () => ({ ...(await settings.get()), autoLockMinutes: await vault.autoLockMinutes() }),
    settings_update: async (changes) => {
      // The vault owns the idle minutes (its deadline lives beside its key); settings keeps the rest.
      if (changes.autoLockMinutes !== undefined) await vault.setAutoLockMinutes(changes.autoLockMinutes)
      const next = await settings.update(changes)
      if (changes.nodeUrl !== undefined) await sessions.sync()
      return { ...next, autoLockMinutes: await vault.autoLockMinutes() }
    },
    session_retry: async () => {
      sessions.retryNow()
      await sessions.sync()
      return status()
    },
    node_status: async () => deps.checkNode((await settings.get()).nodeUrl),
    wallet_touch: async () => ({ autoLockAt: await vault.touch() }),
    diagnostics_get: () => deps.diagnostics(),
  }
}
