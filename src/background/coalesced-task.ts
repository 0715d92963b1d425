// Runs a task at most once per window, however often it is asked for: the first request starts
// the window, requests inside it are absorbed, and the task runs once when it ends. The badge
// uses it: its count scans every cached conversation, and a first sync reports hundreds of
// conversations in a burst (one scan per report was O(n²)).

export interface CoalescedTask {
  /** Asks for a run; the run happens `delayMs` after the first request of this window. */
  request(): void
  /** Drops a pending run (e.g. the session it served closed). */
  cancel(): void
}

export interface CoalesceOptions {
  setTimeout?: (fn: () => void, ms: number) => unknown
  clearTimeout?: (handle: unknown) => void
}

export function coalesce(run: () => void, delayMs: number, options: CoalesceOptions = {}): CoalescedTask {
  if (typeof run !== 'function') throw new TypeError('run must be a function')
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError('delayMs must be a non-negative number')
  const setTimer = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms))
  const clearTimer = options.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>))
  let timer: unknown
  let pending = false
  return {
    request() {
      if (pending) return
      pending = true
      timer = setTimer(() => {
        pending = false
        timer = undefined
        run()
      }, delayMs)
    },
    cancel() {
      if (!pending) return
      pending = false
      clearTimer(timer)
      timer = undefined
    },
  }
}
