// Notifications for every unlocked account, not only the one on screen: on each polling tick
// the other accounts that have been opened on this node before (a cached identity and a
// cache) sync once, offline-first like a worker restart, and what arrives is handed to the
// notifier with the account it belongs to. One account at a time; nothing for an account
// never opened here (its first sync would replay its whole history).
import type { AccountView, ConversationView, MessageView } from '../extension/views.ts'
import type { Client, ClientOptions } from '../protocol/index.ts'
import { accountDatabaseName, createAccountData, openAccountStore, type AccountStore } from './data/index.ts'
import type { AccountData } from './contracts.ts'
import type { IdentityStore } from './session/identity-store.ts'
import { cachePurpose } from './session/session-manager.ts'

export interface OtherAccountsDeps {
  /** The unlocked wallet's accounts and the active one (empty when locked). */
  accounts(): Promise<{ accounts: AccountView[]; activeAccountId: string | null }>
  /** Opens an account's data offline-first (cached identity, cache), or null when it was never opened here. */
  open(account: AccountView): Promise<{ data: AccountData; close(): Promise<void> } | null>
  /** New messages of `account` (not the active one). */
  onMessages(account: AccountView, conversation: ConversationView, messages: MessageView[]): void
}

export class OtherAccounts {
  readonly #deps: OtherAccountsDeps
  #running: Promise<number> | null = null

  constructor(deps: OtherAccountsDeps) {
    this.#deps = deps
  }

  /** Syncs each other account once; resolves with how many were synced. Calls overlap into one. */
  poll(): Promise<number> {
    this.#running ??= this.#pollAll().finally(() => {
      this.#running = null
    })
    return this.#running
  }

  async #pollAll(): Promise<number> {
    const { accounts, activeAccountId } = await this.#deps.accounts()
    let synced = 0
    for (const account of accounts) {
      if (account.id === activeAccountId) continue
      const opened = await this.#deps.open(account).catch(() => null)
      if (!opened) continue
      const off = opened.data.onMessages((_topic, messages, conversation) => this.#deps.onMessages(account, conversation, messages))
      try {
        await opened.data.syncNow()
        synced++
      } catch {
        // the node is down or the cache unreadable: the next tick tries again
      } finally {
        off()
        await opened.close().catch(() => {})
      }
    }
    return synced
  }
}

export interface OpenerDeps {
  nodeUrl(): Promise<string>
  indexedDB: IDBFactory
  identities: Pick<IdentityStore, 'load'>
  deriveKey(purpose: string): Promise<Uint8Array>
  /** Client.create(null, …) with the worker's fetch; gets apiUrl, the cached keys and the persistence. */
  createClient(options: Pick<ClientOptions, 'apiUrl' | 'privateKeyOverride' | 'skipContactPublishing' | 'persistence' | 'conversationStore'>): Promise<Client>
  now: () => number
  fetchAttachment(url: string): Promise<Response>
}

/** Opens another account offline-first, as a restarted worker opens the active one; null if never opened here. */
export function accountOpener(deps: OpenerDeps): OtherAccountsDeps['open'] {
  return async (account) => {
    const url = await deps.nodeUrl()
    const databaseName = accountDatabaseName(url, account.address)
    if (typeof deps.indexedDB.databases === 'function' && !(await deps.indexedDB.databases()).some((d) => d.name === databaseName)) return null
    const cached = await deps.identities.load(url, account.address)
    if (!cached) return null
    const cacheKey = await deps.deriveKey(cachePurpose(url, account.address))
    let store: AccountStore | undefined
    let client: Client | undefined
    try {
      store = await openAccountStore({ indexedDB: deps.indexedDB, databaseName, cacheKey })
      try {
        client = await deps.createClient({ apiUrl: url, privateKeyOverride: cached, skipContactPublishing: true, persistence: store.persistence, conversationStore: store.conversationStore })
      } finally {
        cached.fill(0)
      }
      const opened = client
      const data = await createAccountData({ client: opened, indexedDB: deps.indexedDB, databaseName, cacheKey, now: deps.now, fetch: deps.fetchAttachment, store })
      return {
        data,
        close: async () => {
          await data.close()
          await opened.close()
        },
      }
    } catch (error) {
      store?.close()
      await client?.close().catch(() => {})
      throw error
    } finally {
      cacheKey.fill(0)
    }
  }
}
