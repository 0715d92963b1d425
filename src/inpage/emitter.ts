// A small EIP-1193-style event emitter for window.xmtp (`on` / `removeListener`), with
// Node EventEmitter semantics: a listener added twice runs twice, removeListener removes the
// most recently added copy, and a listener removed during an emit still runs for that emit.
// A throwing listener never stops the others nor the provider: its error is reported apart.
import { ERROR_MESSAGES } from '../extension/dapp-visible.ts'

export type Listener = (...args: unknown[]) => void

function reportAsync(error: unknown): void {
  // Surface it like an uncaught page error, after the emit has finished.
  queueMicrotask(() => {
    throw error
  })
}

export class EventEmitter {
  readonly #listeners = new Map<string, Listener[]>()
  readonly #reportError: (error: unknown) => void

  constructor(reportError: (error: unknown) => void = reportAsync) {
    this.#reportError = reportError
  }

  on(event: string, listener: Listener): void {
    checkArgs(event, listener)
    const list = this.#listeners.get(event)
    if (list) list.push(listener)
    else this.#listeners.set(event, [listener])
  }

  removeListener(event: string, listener: Listener): void {
    checkArgs(event, listener)
    const list = this.#listeners.get(event)
    if (!list) return
    const index = list.lastIndexOf(listener)
    if (index === -1) return
    list.splice(index, 1)
    if (list.length === 0) this.#listeners.delete(event)
  }

  /** Calls each listener of `event` in order; returns whether there was any. */
  emit(event: string, ...args: unknown[]): boolean {
    const list = this.#listeners.get(event)
    if (!list) return false
    for (const listener of [...list]) {
      try {
        listener(...args)
      } catch (error) {
        this.#reportError(error)
      }
    }
    return true
  }

  listenerCount(event: string): number {
    return this.#listeners.get(event)?.length ?? 0
  }
}

function checkArgs(event: unknown, listener: unknown): void {
  if (typeof event !== 'string' || event.length === 0) throw new TypeError(ERROR_MESSAGES.eventNotString)
  if (typeof listener !== 'function') throw new TypeError(ERROR_MESSAGES.listenerNotFunction)
}
