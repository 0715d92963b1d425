// A stand-in for `window` in unit tests: postMessage structured-clones the message and
// delivers it asynchronously to this window's listeners, with this window as the source,
// like a browser does. Tests can also inject events from other sources with deliver().
import type { ChannelEvent, ChannelWindow } from '../window-channel.ts'

export class FakeWindow implements ChannelWindow {
  readonly location: { origin: string }
  /** window.origin: set apart from location.origin to act out a sandboxed (opaque-origin) page. */
  origin?: string
  readonly posted: Array<{ message: unknown; targetOrigin: string }> = []
  readonly #listeners = new Set<(event: ChannelEvent) => void>()

  constructor(origin = 'http://127.0.0.1:8080') {
    this.location = { origin }
  }

  addEventListener(_type: 'message', listener: (event: ChannelEvent) => void): void {
    this.#listeners.add(listener)
  }

  removeEventListener(_type: 'message', listener: (event: ChannelEvent) => void): void {
    this.#listeners.delete(listener)
  }

  postMessage(message: unknown, targetOrigin: string): void {
    this.posted.push({ message, targetOrigin })
    const data = structuredClone(message)
    setTimeout(() => this.deliver({ data, source: this, origin: this.origin ?? this.location.origin }), 0)
  }

  deliver(event: ChannelEvent): void {
    for (const listener of [...this.#listeners]) listener(event)
  }

  get listenerCount(): number {
    return this.#listeners.size
  }
}

/** Resolves after pending timers and microtasks have run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5))
}
