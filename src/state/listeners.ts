// A set of listeners with the one policy every Parley emitter follows:
//  - listeners run in the order they were added, synchronously, with the same arguments;
//  - a listener that throws (or returns a promise that rejects) is reported through the
//    `onError` hook and never stops the others or the emitter: one broken screen or page must
//    not silence the rest of the extension;
//  - removing a listener is idempotent, and a listener added or removed during an emit takes
//    effect from the next emit (the emit walks a snapshot).
// Pure TypeScript: the background, the popup and the protocol library all use it.

export type Listener<Args extends unknown[]> = (...args: Args) => unknown

/** Where a throwing listener is reported unless an emitter is given its own hook. */
export type ListenerErrorHook = (error: unknown, event: string) => void

const defaultHook: ListenerErrorHook = (error, event) => {
  // Only the error's class and message: listener errors never carry key material, but a
  // message is all a log needs.
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  console.error(`[parley] a ${event} listener failed: ${text}`)
}

export class Listeners<Args extends unknown[]> {
  readonly #event: string
  readonly #onError: ListenerErrorHook
  readonly #listeners = new Set<Listener<Args>>()

  /** `event` names the emitter in error reports (e.g. 'settings change'). */
  constructor(event: string, options: { onError?: ListenerErrorHook } = {}) {
    if (typeof event !== 'string' || event.length === 0) throw new TypeError('event must be a non-empty string')
    if (options.onError !== undefined && typeof options.onError !== 'function') throw new TypeError('onError must be a function')
    this.#event = event
    this.#onError = options.onError ?? defaultHook
  }

  get size(): number {
    return this.#listeners.size
  }

  /** Adds a listener; the returned function removes it (calling it twice is harmless). */
  add(listener: Listener<Args>): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function')
    // A wrapper per add, so the same function added twice is called twice and removed once each.
    const entry: Listener<Args> = (...args) => listener(...args)
    this.#listeners.add(entry)
    return () => {
      this.#listeners.delete(entry)
    }
  }

  /** Calls every listener with `args`; failures go to the error hook, never to the caller. */
  emit(...args: Args): void {
    for (const listener of [...this.#listeners]) {
      try {
        const result = listener(...args)
        if (result instanceof Promise) result.catch((error: unknown) => this.#report(error))
      } catch (error) {
        this.#report(error)
      }
    }
  }

  clear(): void {
    this.#listeners.clear()
  }

  #report(error: unknown): void {
    try {
      this.#onError(error, this.#event)
    } catch {
      // A failing error hook has nowhere left to report to.
    }
  }
}
