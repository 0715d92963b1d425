// Keeps the MV3 service worker alive while it holds a live stream. A streaming fetch does not
// reset the worker's 30 s idle timer, extension API calls do (../shared/notes/mv3-worker.md §1),
// so while at least one hold is open a cheap API call runs every ~20 s. Holds are counted;
// the timer stops with the last release.

export interface KeepaliveOptions {
  /** A cheap extension API call, e.g. () => chrome.runtime.getPlatformInfo(). */
  ping(): Promise<unknown>
  intervalMs?: number
  setInterval?: (fn: () => void, ms: number) => unknown
  clearInterval?: (handle: unknown) => void
}

export class Keepalive {
  readonly #o: KeepaliveOptions
  readonly #holds = new Map<number, string>()
  #nextId = 0
  #timer: unknown

  constructor(options: KeepaliveOptions) {
    this.#o = options
  }

  /** Keeps the worker alive until the returned function is called (calling it twice is harmless). */
  hold(reason: string): () => void {
    const id = this.#nextId++
    this.#holds.set(id, reason)
    if (this.#timer === undefined) {
      const set = this.#o.setInterval ?? ((fn, ms) => setInterval(fn, ms))
      this.#timer = set(() => void this.#o.ping().catch(() => {}), this.#o.intervalMs ?? 20_000)
    }
    return () => {
      if (!this.#holds.delete(id) || this.#holds.size > 0 || this.#timer === undefined) return
      ;(this.#o.clearInterval ?? ((h) => clearInterval(h as ReturnType<typeof setInterval>)))(this.#timer)
      this.#timer = undefined
    }
  }

  /** The reasons currently holding the worker (for diagnostics and tests). */
  reasons(): string[] {
    return [...this.#holds.values()]
  }

  get active(): boolean {
    return this.#timer !== undefined
  }
}
