// The auto-lock deadline: the idle minutes (storage.local, the user's setting) and this unlock's
// deadline, mirrored in storage.session so a restarted worker keeps it. Touching moves the
// deadline to now + the minutes; 0 minutes means no deadline.
import type { StorageArea } from '../contracts.ts'
import { AUTOLOCK_KEY } from './records.ts'

export const DEFAULT_AUTOLOCK_MINUTES = 15
/** storage.session key of the deadline (the wallet reads it with the unlocked key on resume). */
export const DEADLINE_KEY = 'vault.deadline'
const MAX_MINUTES = 7 * 24 * 60

export class AutoLockDeadline {
  readonly #local: StorageArea
  readonly #sessionStorage: StorageArea
  readonly #now: () => number
  /** This instance's deadline (ms since epoch), or null for none. */
  at: number | null = null

  constructor(local: StorageArea, sessionStorage: StorageArea, now: () => number) {
    this.#local = local
    this.#sessionStorage = sessionStorage
    this.#now = now
  }

  async minutes(): Promise<number> {
    const { [AUTOLOCK_KEY]: m } = await this.#local.get(AUTOLOCK_KEY)
    return typeof m === 'number' && Number.isInteger(m) && m >= 0 ? m : DEFAULT_AUTOLOCK_MINUTES
  }

  async setMinutes(minutes: number): Promise<void> {
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_MINUTES) throw new RangeError('autoLockMinutes must be a whole number from 0 to 10080')
    await this.#local.set({ [AUTOLOCK_KEY]: minutes })
  }

  /** Moves the deadline to now + the idle minutes (stored for the next worker); returns it. */
  async touch(): Promise<number | null> {
    const minutes = await this.minutes()
    const deadline = minutes === 0 ? null : this.#now() + minutes * 60_000
    this.at = deadline
    if (deadline === null) await this.#sessionStorage.remove(DEADLINE_KEY)
    else await this.#sessionStorage.set({ [DEADLINE_KEY]: deadline })
    return deadline
  }

  /** Whether the deadline has passed. */
  passed(): boolean {
    return this.at !== null && this.#now() >= this.at
  }
}
