// Unread counts for the account switcher: the active account's from its live data, each other
// account's from its encrypted cache on this node (as of its last sync). An account with no
// cache here counts 0 (nothing is created for it). Counts what the badge counts: unread
// messages in accepted, unmuted conversations.
import type { AccountView } from '../extension/views.ts'
import { accountDatabaseName, listCachedConversations, openAccountStore } from './data/index.ts'
import { cachePurpose } from './session/session-manager.ts'

export interface AccountUnreadDeps {
  accounts: AccountView[]
  activeAccountId: string | null
  /** The active account's unread total from its open session, or null without one. */
  activeUnread(): Promise<number | null>
  nodeUrl: string
  indexedDB: IDBFactory
  deriveKey(purpose: string): Promise<Uint8Array>
}

export async function unreadByAccount(deps: AccountUnreadDeps): Promise<Record<string, number>> {
  const existing = typeof deps.indexedDB.databases === 'function' ? new Set((await deps.indexedDB.databases()).map((d) => d.name)) : null
  const counts: Record<string, number> = {}
  for (const account of deps.accounts) {
    if (account.id === deps.activeAccountId) {
      const live = await deps.activeUnread()
      if (live !== null) {
        counts[account.id] = live
        continue
      }
    }
    const databaseName = accountDatabaseName(deps.nodeUrl, account.address)
    if (existing && !existing.has(databaseName)) {
      counts[account.id] = 0
      continue
    }
    const cacheKey = await deps.deriveKey(cachePurpose(deps.nodeUrl, account.address))
    try {
      const store = await openAccountStore({ indexedDB: deps.indexedDB, databaseName, cacheKey })
      try {
        const list = await listCachedConversations(store, 'messages')
        counts[account.id] = list.reduce((n, c) => n + (c.muted ? 0 : c.unreadCount), 0)
      } finally {
        store.close()
      }
    } catch {
      counts[account.id] = 0 // an unreadable cache is re-learnt by that account's next sync
    } finally {
      cacheKey.fill(0)
    }
  }
  return counts
}

export interface UnreadCounterDeps {
  /** The wallet's accounts now (Wallet.status). */
  status(): Promise<{ accounts: AccountView[]; activeAccountId: string | null }>
  activeUnread(): Promise<number | null>
  nodeUrl(): Promise<string>
  indexedDB: IDBFactory
  deriveKey(purpose: string): Promise<Uint8Array>
}

/** accounts_unread's answer over the wallet's accounts and the node in use, asked each time. */
export function unreadCounter(deps: UnreadCounterDeps): () => Promise<Record<string, number>> {
  return async () => {
    const status = await deps.status()
    return unreadByAccount({
      accounts: status.accounts,
      activeAccountId: status.activeAccountId,
      activeUnread: deps.activeUnread,
      nodeUrl: await deps.nodeUrl(),
      indexedDB: deps.indexedDB,
      deriveKey: deps.deriveKey,
    })
  }
}
