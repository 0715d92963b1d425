// When the active account keeps a live stream open (and the worker alive to serve it):
//  - while at least one Parley page is connected ("page" hold);
//  - for RECENT_FLOW_MS after the last message arrived ("recent" hold), also across a worker
//    restart: the last flow time is kept in storage.session, so a worker that stopped while
//    messages were flowing resumes the stream at start-up.
// Each hold opens the account data's stream and a keepalive hold together and releases both.
// Policy only: the owners (session manager, events hub) are told about by app.ts.

export interface StreamHolder {
  /** Opens the live stream until the returned function is called (AccountData.holdStream). */
  holdStream(reason: string): () => void
}

export interface StreamHoldsOptions {
  /** Keeps the worker alive until released (Keepalive.hold). */
  keepalive(reason: string): () => void
  /** Pages connected now (EventHub.connected). */
  pagesConnected(): number
  now(): number
  /** How long after the last message the stream stays open without a page. */
  recentFlowMs: number
  setTimeout?: (fn: () => void, ms: number) => unknown
  clearTimeout?: (handle: unknown) => void
}

/** How long after the last message the stream stays open without a page. */
export const RECENT_FLOW_MS = 3 * 60_000

export class StreamHolds {
  readonly #o: StreamHoldsOptions
  #holder: StreamHolder | null = null
  #pageHold: (() => void) | undefined
  #recentHold: { release: () => void; timer: unknown } | undefined

  constructor(options: StreamHoldsOptions) {
    if (!Number.isFinite(options.recentFlowMs) || options.recentFlowMs < 0) throw new RangeError('recentFlowMs must be a non-negative number')
    this.#o = options
  }

  /** The active account's data changed (null: locked or no session): every hold is released. */
  setHolder(holder: StreamHolder | null): void {
    this.releaseAll()
    this.#holder = holder
    this.pagesChanged()
  }

  /** Pages connected or disconnected: the page hold follows. */
  pagesChanged(): void {
    const holder = this.#holder
    const pages = this.#o.pagesConnected()
    if (holder && pages > 0 && !this.#pageHold) this.#pageHold = this.#hold(holder, 'page')
    if ((pages === 0 || !holder) && this.#pageHold) {
      this.#pageHold()
      this.#pageHold = undefined
    }
  }

  /** Messages arrived just now: the stream stays open for the next recentFlowMs. */
  messagesFlowed(): void {
    this.flowedAt(this.#o.now())
  }

  /** Messages arrived at `at` (e.g. remembered from before a worker restart). */
  flowedAt(at: number): void {
    const holder = this.#holder
    if (!holder) return
    const left = at + this.#o.recentFlowMs - this.#o.now()
    if (left <= 0) return
    const setTimer = this.#o.setTimeout ?? ((fn, ms) => setTimeout(fn, ms))
    if (this.#recentHold) this.#clearTimer(this.#recentHold.timer)
    const release = this.#recentHold?.release ?? this.#hold(holder, 'recent')
    const timer: unknown = setTimer(() => {
      const recent = this.#recentHold
      if (recent !== undefined && recent.timer === timer) {
        recent.release()
        this.#recentHold = undefined
      }
    }, left)
    this.#recentHold = { release, timer }
  }

  releaseAll(): void {
    this.#pageHold?.()
    this.#pageHold = undefined
    if (this.#recentHold) {
      this.#clearTimer(this.#recentHold.timer)
      this.#recentHold.release()
      this.#recentHold = undefined
    }
  }

  #hold(holder: StreamHolder, reason: string): () => void {
    const releaseData = holder.holdStream(reason)
    const releaseKeepalive = this.#o.keepalive(reason)
    return () => {
      releaseData()
      releaseKeepalive()
    }
  }

  #clearTimer(handle: unknown): void {
    ;(this.#o.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(handle)
  }
}
