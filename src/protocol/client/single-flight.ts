// Keyed single-flight: concurrent callers asking for the same key share one in-flight
// promise, so e.g. two simultaneous newConversation(peer) calls publish one invitation.
// The entry is dropped when the work settles (success or failure), so a failed attempt
// can be retried and a finished one is re-run (the caller caches results elsewhere).

export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Promise<T>>()

  /** Runs `work` for `key` unless a run for the same key is already in flight, whose promise is returned instead. */
  run(key: string, work: () => Promise<T>): Promise<T> {
    if (typeof key !== 'string') throw new TypeError('key must be a string')
    if (typeof work !== 'function') throw new TypeError('work must be a function')
    const existing = this.#inFlight.get(key)
    if (existing) return existing
    const promise = (async () => work())().finally(() => {
      if (this.#inFlight.get(key) === promise) this.#inFlight.delete(key)
    })
    this.#inFlight.set(key, promise)
    return promise
  }

  /** Number of keys with work in flight. */
  get size(): number {
    return this.#inFlight.size
  }
}
