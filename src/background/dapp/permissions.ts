// Per-origin, per-account site permissions in storage.local: which scopes a site holds for
// which account and when each was granted. What `read` covers follows from the origin alone
// (access.ts, the namespace rule), so nothing else is kept. One storage key per origin (`dapp/site/<origin>`), so a change to one
// site never rewrites the others. Writes are serialised, so two quick grants cannot lose one.
import { Listeners } from '../../state/listeners.ts'
import type { DappPermission, SiteScope, SiteView } from '../../extension/views.ts'
import type { ActiveSession, StorageArea } from '../contracts.ts'

const KEY_PREFIX = 'dapp/site/'

export interface SiteGrant {
  /** The account address as the wallet reports it (EIP-55). */
  accountAddress: string
  scopes: SiteScope[]
  /** scope → when it was granted (ms). */
  grantedAt: Partial<Record<SiteScope, number>>
  connectedAt: number
}

interface SiteRecord {
  origin: string
  /** Keyed by lowercased address. */
  accounts: Record<string, SiteGrant>
}

const keyOf = (origin: string) => KEY_PREFIX + origin
const accountKey = (address: string) => address.toLowerCase()

function isSiteRecord(value: unknown): value is SiteRecord {
  return typeof value === 'object' && value !== null && typeof (value as SiteRecord).origin === 'string' &&
    typeof (value as SiteRecord).accounts === 'object' && (value as SiteRecord).accounts !== null
}

export class SitePermissions {
  readonly #storage: StorageArea
  readonly #now: () => number
  readonly #changes = new Listeners<[origin: string]>('site permissions change')
  #queue: Promise<unknown> = Promise.resolve()

  constructor(storage: StorageArea, now: () => number = Date.now) {
    this.#storage = storage
    this.#now = now
  }

  /** Called with the origin after every change (grant, revoke). */
  onChange(listener: (origin: string) => void): () => void {
    return this.#changes.add(listener)
  }

  async get(origin: string, accountAddress: string): Promise<SiteGrant | null> {
    const record = await this.#read(origin)
    return record?.accounts[accountKey(accountAddress)] ?? null
  }

  /**
   * Adds scopes (keeping those held); connects the site to the account if it was not.
   * `sendWithoutConfirm` brings `send` with it: one never means anything without the other.
   */
  grant(origin: string, accountAddress: string, requested: readonly SiteScope[]): Promise<SiteGrant> {
    const scopes = requested.includes('sendWithoutConfirm') && !requested.includes('send') ? [...requested, 'send' as const] : requested
    return this.#update(origin, (record) => {
      const now = this.#now()
      const key = accountKey(accountAddress)
      const grant = record.accounts[key] ?? { accountAddress, scopes: [], grantedAt: {}, connectedAt: now }
      for (const scope of scopes) {
        if (!grant.scopes.includes(scope)) grant.scopes.push(scope)
        grant.grantedAt[scope] = grant.grantedAt[scope] ?? now
      }
      record.accounts[key] = grant
      return grant
    })
  }

  /** Drops scopes (`send` takes `sendWithoutConfirm` along); a site left with none is disconnected from that account. */
  revoke(origin: string, accountAddress: string, dropped: readonly SiteScope[]): Promise<SiteGrant | null> {
    const scopes = dropped.includes('send') && !dropped.includes('sendWithoutConfirm') ? [...dropped, 'sendWithoutConfirm' as const] : dropped
    return this.#update(origin, (record) => {
      const key = accountKey(accountAddress)
      const grant = record.accounts[key]
      if (!grant) return null
      grant.scopes = grant.scopes.filter((scope) => !scopes.includes(scope))
      for (const scope of scopes) delete grant.grantedAt[scope]
      if (grant.scopes.length === 0) {
        delete record.accounts[key]
        return null
      }
      return grant
    })
  }

  /** Forgets the site for every account (Settings → Connected sites → Revoke). */
  async revokeSite(origin: string): Promise<void> {
    await this.#serialised(async () => {
      await this.#storage.remove(keyOf(origin))
    })
    this.#emit(origin)
  }

  /** Every connected site and account, newest connection first. */
  async list(): Promise<SiteView[]> {
    const sites: SiteView[] = []
    for (const record of await this.#all()) {
      for (const grant of Object.values(record.accounts)) {
        sites.push({ origin: record.origin, accountAddress: grant.accountAddress, scopes: [...grant.scopes], connectedAt: grant.connectedAt })
      }
    }
    return sites.sort((a, b) => b.connectedAt - a.connectedAt || a.origin.localeCompare(b.origin))
  }

  async #all(): Promise<SiteRecord[]> {
    const items = await this.#storage.get(null)
    return Object.entries(items)
      .filter(([key, value]) => key.startsWith(KEY_PREFIX) && isSiteRecord(value))
      .map(([, value]) => value as SiteRecord)
  }

  async #read(origin: string): Promise<SiteRecord | null> {
    const items = await this.#storage.get(keyOf(origin))
    const value = items[keyOf(origin)]
    return isSiteRecord(value) ? value : null
  }

  async #update<T>(origin: string, change: (record: SiteRecord) => T): Promise<T> {
    const result = await this.#serialised(async () => {
      const record = (await this.#read(origin)) ?? { origin, accounts: {} }
      const out = change(record)
      if (Object.keys(record.accounts).length === 0) await this.#storage.remove(keyOf(origin))
      else await this.#storage.set({ [keyOf(origin)]: record })
      return out
    })
    this.#emit(origin)
    return result
  }

  #serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task)
    this.#queue = run.catch(() => undefined)
    return run
  }

  #emit(origin: string): void {
    this.#changes.emit(origin)
  }
}

/** EIP-2255 view of a grant. */
export function permissionsOf(origin: string, grant: SiteGrant | null): DappPermission[] {
  if (!grant) return []
  return grant.scopes.map((scope) => ({
    invoker: origin,
    parentCapability: scope,
    caveats: [{ type: 'restrictReturnedAccounts', value: [grant.accountAddress] }],
    date: grant.grantedAt[scope] ?? grant.connectedAt,
  }))
}

/**
 * A site's connection to the wallet: the active account's XMTP session (SessionManager) and the
 * origin's grant for that account (null: the site is not connected to it).
 */
export interface SiteConnection {
  session: ActiveSession
  grant: SiteGrant | null
}
