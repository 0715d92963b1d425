// Keeps a site from spamming the user with approval windows. Three rejections (or closed
// windows) in a row from one site put it under an embargo: for an hour its requests that need
// a window are answered 4001 at once, without a window. "Block this site" in the approval
// window does the same until the user unblocks the site in Settings. Every record is per
// origin, so another site is never affected.
//
// Strikes and embargoes live in storage.session (they survive worker restarts, not a browser
// restart); blocks in storage.local. Writes are serialised, so two quick rejections both count.
import { dappErrors } from './errors.ts'
import type { BlockedSiteView } from '../../extension/views.ts'
import type { StorageArea } from '../contracts.ts'

const STRIKES_PREFIX = 'dapp/strikes/'
const BLOCKED_PREFIX = 'dapp/blocked/'
/** Rejections or closed windows in a row that start an embargo. */
export const STRIKES_BEFORE_EMBARGO = 3
/** How long an embargo lasts. */
export const EMBARGO_MS = 60 * 60 * 1000

interface StrikeRecord {
  strikes: number
  /** While set and in the future, the site gets no window. */
  embargoUntil?: number
}

export interface SiteGuardOptions {
  sessionStorage: StorageArea
  local: StorageArea
  now?: () => number
}

export class SiteGuard {
  readonly #sessionStorage: StorageArea
  readonly #local: StorageArea
  readonly #now: () => number
  #queue: Promise<unknown> = Promise.resolve()

  constructor(options: SiteGuardOptions) {
    this.#sessionStorage = options.sessionStorage
    this.#local = options.local
    this.#now = options.now ?? Date.now
  }

  /** Throws 4001 when the site may not open an approval window now. */
  async check(origin: string): Promise<void> {
    if (await this.isBlocked(origin)) throw dappErrors.siteBlocked()
    const until = (await this.#strikes(origin)).embargoUntil
    if (until !== undefined && until > this.#now()) throw dappErrors.siteEmbargoed()
  }

  /**
   * The user rejected a request or closed its window. Resolves true when this started an
   * embargo (the caller then answers the site's other waiting requests).
   */
  rejected(origin: string): Promise<boolean> {
    return this.#serialised(async () => {
      const record = await this.#strikes(origin)
      const now = this.#now()
      // A finished embargo starts the count afresh.
      const strikes = (record.embargoUntil !== undefined && record.embargoUntil <= now ? 0 : record.strikes) + 1
      if (strikes >= STRIKES_BEFORE_EMBARGO) {
        await this.#sessionStorage.set({ [STRIKES_PREFIX + origin]: { strikes: 0, embargoUntil: now + EMBARGO_MS } satisfies StrikeRecord })
        return true
      }
      await this.#sessionStorage.set({ [STRIKES_PREFIX + origin]: { strikes } satisfies StrikeRecord })
      return false
    })
  }

  /** The user approved a request: the count starts again. */
  approved(origin: string): Promise<void> {
    return this.#serialised(() => this.#sessionStorage.remove(STRIKES_PREFIX + origin))
  }

  block(origin: string): Promise<void> {
    return this.#serialised(() => this.#local.set({ [BLOCKED_PREFIX + origin]: { origin, blockedAt: this.#now() } satisfies BlockedSiteView }))
  }

  /** Lifts a block and any embargo: the site starts with a clean slate. */
  unblock(origin: string): Promise<void> {
    return this.#serialised(async () => {
      await this.#local.remove(BLOCKED_PREFIX + origin)
      await this.#sessionStorage.remove(STRIKES_PREFIX + origin)
    })
  }

  async isBlocked(origin: string): Promise<boolean> {
    return BLOCKED_PREFIX + origin in (await this.#local.get(BLOCKED_PREFIX + origin))
  }

  /** Blocked sites, most recently blocked first. */
  async blocked(): Promise<BlockedSiteView[]> {
    const items = await this.#local.get(null)
    return Object.entries(items)
      .filter(([key, value]) => key.startsWith(BLOCKED_PREFIX) && isBlockedSite(value))
      .map(([, value]) => value as BlockedSiteView)
      .sort((a, b) => b.blockedAt - a.blockedAt || a.origin.localeCompare(b.origin))
  }

  async #strikes(origin: string): Promise<StrikeRecord> {
    const value = (await this.#sessionStorage.get(STRIKES_PREFIX + origin))[STRIKES_PREFIX + origin] as Partial<StrikeRecord> | undefined
    return {
      strikes: typeof value?.strikes === 'number' ? value.strikes : 0,
      ...(typeof value?.embargoUntil === 'number' ? { embargoUntil: value.embargoUntil } : {}),
    }
  }

  #serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task)
    this.#queue = run.catch(() => undefined)
    return run
  }
}

function isBlockedSite(value: unknown): value is BlockedSiteView {
  return typeof value === 'object' && value !== null && typeof (value as BlockedSiteView).origin === 'string' && typeof (value as BlockedSiteView).blockedAt === 'number'
}
