// One retry rule for Parley's pages and the content relay: a call that is safe to repeat
// (METHODS[…].repeatable) is sent again while the background could not be reached, because the
// MV3 worker may stop in the middle of any call and the next message wakes a new one.

export interface RetryOptions {
  /** Tries in all, the first included (default 3). */
  attempts?: number
  /** Wait between tries, ms (default 150). */
  delayMs?: number
}

/** Runs `call` until it succeeds, `retryable(error)` says no, or the attempts are used up. */
export async function retrying<T>(call: () => Promise<T>, retryable: (error: unknown) => boolean, { attempts = 3, delayMs = 150 }: RetryOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error
      await new Promise((resolve) => setTimeout(resolve, delayMs))
    }
  }
}
