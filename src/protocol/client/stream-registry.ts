// The streams a client opened, so Client.close() can end every one of them.
import type { AsyncStream } from './async-stream.ts'
import type { StreamTracker } from './deps.ts'

export class StreamRegistry implements StreamTracker {
  readonly #streams = new Set<AsyncStream<unknown>>()

  /** Registers a stream (forgetting those already closed) and returns it. */
  track<T>(stream: AsyncStream<T>): AsyncStream<T> {
    for (const s of this.#streams) if (s.closed) this.#streams.delete(s)
    this.#streams.add(stream as AsyncStream<unknown>)
    return stream
  }

  /** Ends every registered stream. */
  async closeAll(): Promise<void> {
    const streams = [...this.#streams]
    this.#streams.clear()
    await Promise.all(streams.map((s) => s.return()))
  }
}
