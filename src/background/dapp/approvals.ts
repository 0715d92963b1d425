// Pending dapp requests that wait for the user, each shown in its own approval window
// (src/approval/index.html?id=…): at most one window per site at a time, a site's later
// requests queued behind it in arrival order (as MetaMask does); another site's window is never
// held up. A guard (site-guard.ts) may refuse a site a window (embargo, block) and is told of
// every answer the user gives. Every pending request
// is kept in storage.session with what approving it does, so a worker restart loses none:
// the restarted worker finds the records, re-opens a window if none is showing, and when the
// user answers, performs the approved action even though the original caller is gone.
// Closing a window counts as "Reject".
import { dappErrors } from './errors.ts'
import type { ApprovalView } from '../../extension/views.ts'
import type { StorageArea } from '../contracts.ts'

const KEY_PREFIX = 'dapp/approval/'
export const APPROVAL_PAGE = 'src/approval/index.html'
export const APPROVAL_WINDOW_SIZE = { width: 400, height: 600 }
/** The approval window's page for one request. */
export const approvalPath = (id: string): string => `${APPROVAL_PAGE}?id=${encodeURIComponent(id)}`
/** At most this many requests of one site wait at a time; more get -32005. */
export const MAX_PENDING_PER_ORIGIN = 3

export interface Decision {
  approved: boolean
  /** For send approvals: e.g. 'sendWithoutConfirm' ("don't ask again for this site"). */
  remember?: string
}

/** A pending request: the view the window renders plus what approving it does (JSON). */
export interface ApprovalRecord<A = unknown> {
  view: ApprovalView
  action: A
  windowId?: number
  /**
   * Set just before the window is asked for: a worker stopped between windows.create and saving
   * the id leaves this, and the next worker looks for that window instead of opening a second.
   */
  opening?: boolean
  /** Arrival order (times can tie). */
  seq: number
}

export interface ApprovalsOptions<A> {
  sessionStorage: StorageArea
  openWindow(path: string, size: { width: number; height: number }): Promise<number>
  onWindowClosed(listener: (windowId: number) => void): () => void
  /** Whether an approval window is still open; absent = assume it is. */
  windowExists?(windowId: number): Promise<boolean>
  /** The id of an open window showing this extension page (path with query), or null; absent = none known. */
  findWindow?(path: string): Promise<number | null>
  /** Carries out an approved action; its result goes to the waiting caller, if one still waits. */
  perform(record: ApprovalRecord<A>, decision: Decision): Promise<unknown>
  now?: () => number
  newId?: () => string
  /** Refuses a site a window (throws), and counts the user's answers; absent = no limits. */
  guard?: ApprovalGuard
}

export interface ApprovalGuard {
  check(origin: string): Promise<void>
  /** Resolves true when the site's other waiting requests are to be refused too (an embargo began). */
  rejected(origin: string): Promise<boolean>
  approved(origin: string): Promise<void>
}

/** Who answered: the user (Approve, Reject, closing the window) or Parley itself (revoke, no window). */
export type AnsweredBy = 'user' | 'parley'

interface Waiter {
  resolve(value: unknown): void
  reject(error: unknown): void
}

export class Approvals<A = unknown> {
  readonly #options: ApprovalsOptions<A>
  readonly #now: () => number
  readonly #newId: () => string
  readonly #waiters = new Map<string, Waiter>()
  /** Per site (origin): the id whose window is showing (or being opened). */
  readonly #showing = new Map<string, string>()
  #showChain: Promise<void> = Promise.resolve()
  #lastSeq = 0
  #admitChain: Promise<unknown> = Promise.resolve()
  #ready: Promise<void>

  constructor(options: ApprovalsOptions<A>) {
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#newId = options.newId ?? (() => crypto.randomUUID())
    options.onWindowClosed((windowId) => void this.#onWindowClosed(windowId))
    this.#ready = this.#restore()
  }

  /** Resolves once records of an earlier worker instance are loaded and shown. */
  get ready(): Promise<void> {
    return this.#ready
  }

  /**
   * Queues a request and resolves with what `perform` returned once the user approves;
   * rejects with 4001 when the user rejects or closes the window.
   */
  async request(view: Omit<ApprovalView, 'id' | 'createdAt'>, action: A): Promise<unknown> {
    await this.#ready
    // An embargoed or blocked site is answered at once, without a window.
    await this.#options.guard?.check(view.origin)
    // Admission is serialised, so a burst of requests cannot slip past the per-site cap.
    const admitted = this.#admitChain.then(() => this.#admit(view, action))
    this.#admitChain = admitted.catch(() => undefined)
    const answer = await admitted
    void this.#showNext()
    return answer.promise
  }

  async #admit(view: Omit<ApprovalView, 'id' | 'createdAt'>, action: A): Promise<{ promise: Promise<unknown> }> {
    const pending = await this.#all()
    if (pending.filter((r) => r.view.origin === view.origin).length >= MAX_PENDING_PER_ORIGIN) throw dappErrors.tooManyApprovals()
    const id = this.#newId()
    const seq = pending.reduce((max, r) => Math.max(max, r.seq ?? 0), this.#lastSeq) + 1
    this.#lastSeq = seq
    const record: ApprovalRecord<A> = { view: { ...view, id, createdAt: this.#now() }, action, seq }
    const promise = new Promise<unknown>((resolve, reject) => this.#waiters.set(id, { resolve, reject }))
    await this.#options.sessionStorage.set({ [KEY_PREFIX + id]: record })
    return { promise }
  }

  async get(id: string): Promise<ApprovalView | null> {
    await this.#ready
    return (await this.#read(id))?.view ?? null
  }

  async pending(): Promise<ApprovalView[]> {
    await this.#ready
    return (await this.#all()).map((r) => r.view)
  }

  /** The user's answer from the approval window. Unknown ids (already answered) are a -32602. */
  async resolve(id: string, decision: Decision, by: AnsweredBy = 'user'): Promise<void> {
    await this.#ready
    const record = await this.#read(id)
    if (!record) throw dappErrors.invalidParams('approvals_resolve', 'no pending request has that id (it may have been answered already)')
    await this.#options.sessionStorage.remove(KEY_PREFIX + id)
    const origin = record.view.origin
    const waiter = this.#waiters.get(id)
    this.#waiters.delete(id)
    if (this.#showing.get(origin) === id) this.#showing.delete(origin)
    if (by === 'user' && this.#options.guard) {
      if (decision.approved) await this.#options.guard.approved(origin)
      else if (await this.#options.guard.rejected(origin)) {
        // An embargo began: the site's queued requests get their 4001 now, not a window each.
        waiter?.reject(dappErrors.userRejectedRequest())
        await this.rejectOrigin(origin)
        return void this.#showNext()
      }
    }
    if (decision.approved) {
      try {
        const result = await this.#options.perform(record, decision)
        waiter?.resolve(result)
      } catch (error) {
        waiter?.reject(error)
      }
    } else {
      waiter?.reject(dappErrors.userRejectedRequest())
    }
    void this.#showNext()
  }

  /** Rejects every pending request of a site (revoked, blocked or embargoed); not counted as the user's. */
  async rejectOrigin(origin: string): Promise<void> {
    for (const record of await this.#all()) {
      if (record.view.origin === origin) await this.resolve(record.view.id, { approved: false }, 'parley').catch(() => undefined)
    }
  }

  async #onWindowClosed(windowId: number): Promise<void> {
    await this.#ready
    const record = (await this.#all()).find((r) => r.windowId === windowId)
    if (record) await this.resolve(record.view.id, { approved: false })
  }

  async #restore(): Promise<void> {
    const records = await this.#all()
    // An earlier worker stopped while opening a window: the window may have opened all the
    // same. Find it by its URL and adopt it; only if it is not there is the request shown anew.
    for (const record of records.filter((r) => r.opening && r.windowId === undefined)) {
      const windowId = (await this.#options.findWindow?.(approvalPath(record.view.id))) ?? null
      const { opening: _, ...rest } = record
      await this.#options.sessionStorage.set({ [KEY_PREFIX + record.view.id]: windowId === null ? rest : { ...rest, windowId } })
    }
    return this.#restoreShown(await this.#all())
  }

  async #restoreShown(records: ApprovalRecord<A>[]): Promise<void> {
    // A window an earlier worker opened may still be showing; its close event still reaches us.
    // If it was closed while no worker ran, no event will come: that counts as a rejection,
    // or the site's queue would wait behind a window nobody can see.
    for (const open of records.filter((r) => r.windowId !== undefined)) {
      if ((await this.#options.windowExists?.(open.windowId!)) === false) {
        // No caller of an earlier worker can still be waiting: dropping the record rejects it.
        await this.#options.sessionStorage.remove(KEY_PREFIX + open.view.id)
      } else this.#showing.set(open.view.origin, open.view.id)
    }
    void this.#showNext(true)
  }

  /** Serialised: two requests of one site arriving together must not both open a window. */
  #showNext(restoring = false): Promise<void> {
    const run = this.#showChain.then(() => this.#showNextNow(restoring))
    this.#showChain = run.catch(() => undefined)
    return run
  }

  async #showNextNow(restoring: boolean): Promise<void> {
    if (!restoring) await this.#ready
    // The oldest waiting request of every site that has no window showing.
    const waiting = (await this.#all()).filter((r) => r.windowId === undefined && !this.#showing.has(r.view.origin))
    const firsts = waiting.filter((r, i) => waiting.findIndex((o) => o.view.origin === r.view.origin) === i)
    for (const next of firsts) await this.#show(next)
  }

  async #show(next: ApprovalRecord<A>): Promise<void> {
    const origin = next.view.origin
    if (this.#showing.has(origin)) return
    this.#showing.set(origin, next.view.id)
    try {
      const current = await this.#read(next.view.id)
      if (!current) {
        // Answered (a site's permissions revoked) before its window opened.
        this.#showing.delete(origin)
        return void this.#showNext()
      }
      await this.#options.sessionStorage.set({ [KEY_PREFIX + next.view.id]: { ...current, opening: true } })
      const windowId = await this.#options.openWindow(approvalPath(next.view.id), APPROVAL_WINDOW_SIZE)
      const still = await this.#read(next.view.id)
      if (still) {
        const { opening: _, ...rest } = still
        await this.#options.sessionStorage.set({ [KEY_PREFIX + next.view.id]: { ...rest, windowId } })
      }
    } catch {
      // No window could be opened: the request cannot be shown, so it is rejected (not the user's doing).
      if (this.#showing.get(origin) === next.view.id) this.#showing.delete(origin)
      await this.resolve(next.view.id, { approved: false }, 'parley').catch(() => undefined)
    }
  }

  async #read(id: string): Promise<ApprovalRecord<A> | null> {
    const items = await this.#options.sessionStorage.get(KEY_PREFIX + id)
    return (items[KEY_PREFIX + id] as ApprovalRecord<A> | undefined) ?? null
  }

  async #all(): Promise<ApprovalRecord<A>[]> {
    const items = await this.#options.sessionStorage.get(null)
    return Object.entries(items)
      .filter(([key]) => key.startsWith(KEY_PREFIX))
      .map(([, value]) => value as ApprovalRecord<A>)
      .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0) || a.view.createdAt - b.view.createdAt)
  }
}
