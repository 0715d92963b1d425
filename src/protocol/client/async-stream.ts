// A push-fed async iterator: producers push values (or an error), one consumer pulls
// them with for-await. `return()` (or breaking out of for-await) runs the close hook
// once, which tears down the underlying subscription. Values pushed after close are
// dropped. Nothing is ever lost while open: the buffer is unbounded, because the
// producers are network subscriptions whose volume the node already bounds.

export class AsyncStream<T> implements AsyncIterableIterator<T> {
  readonly #buffer: T[] = []
  readonly #waiters: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }> = []
  #closed = false
  #error: unknown = undefined
  #onClose: (() => void | Promise<void>) | undefined

  constructor(onClose?: () => void | Promise<void>) {
    this.#onClose = onClose
  }

  /** True once ended, failed or returned. */
  get closed(): boolean {
    return this.#closed
  }

  push(value: T): void {
    if (this.#closed) return
    const waiter = this.#waiters.shift()
    if (waiter) waiter.resolve({ value, done: false })
    else this.#buffer.push(value)
  }

  /** Ends the stream with an error: buffered values are still delivered, then next() rejects once. */
  fail(error: unknown): void {
    if (this.#closed) return
    this.#error = error ?? new Error('stream failed')
    this.#finish()
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#buffer.length > 0) return Promise.resolve({ value: this.#buffer.shift()!, done: false })
    if (this.#error !== undefined) {
      const error = this.#error
      this.#error = undefined
      return Promise.reject(error)
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }))
  }

  async return(): Promise<IteratorResult<T>> {
    this.#buffer.length = 0
    this.#error = undefined
    await this.#finish()
    return { value: undefined, done: true }
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this
  }

  async #finish(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const error = this.#error
    for (const waiter of this.#waiters.splice(0)) {
      if (error !== undefined) {
        this.#error = undefined
        waiter.reject(error)
      } else waiter.resolve({ value: undefined, done: true })
    }
    const onClose = this.#onClose
    this.#onClose = undefined
    await onClose?.()
  }
}
