// One piece of state with one owner, in the manner of MetaMask's controllers: the owner holds
// an ObservableState privately and calls `set`/`update`; everyone else reads `value` and
// subscribes to changes. A change is announced once, with the new and the previous value, and
// only when the value differs (by `equals`, shallow by default), so a write that changes
// nothing wakes nobody. Listeners follow the Listeners policy (src/state/listeners.ts).
import { Listeners, type ListenerErrorHook } from './listeners.ts'

export type Equality<S> = (a: S, b: S) => boolean

/** Equal when the same value, or plain objects whose own enumerable keys hold the same values. */
export function shallowEqual<S>(a: S, b: S): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const keysA = Object.keys(a)
  const keysB = Object.keys(b)
  if (keysA.length !== keysB.length) return false
  return keysA.every((key) => Object.hasOwn(b, key) && Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
}

export interface ReadableState<S> {
  readonly value: S
  /** Called with (next, previous) after each change; returns the unsubscribe function. */
  subscribe(listener: (next: S, previous: S) => unknown): () => void
}

export class ObservableState<S> implements ReadableState<S> {
  #value: S
  readonly #equals: Equality<S>
  readonly #listeners: Listeners<[next: S, previous: S]>

  /** `name` labels error reports from listeners (e.g. 'settings'). */
  constructor(name: string, initial: S, options: { equals?: Equality<S>; onListenerError?: ListenerErrorHook } = {}) {
    if (options.equals !== undefined && typeof options.equals !== 'function') throw new TypeError('equals must be a function')
    this.#value = initial
    this.#equals = options.equals ?? shallowEqual
    this.#listeners = new Listeners(`${name} change`, options.onListenerError ? { onError: options.onListenerError } : {})
  }

  get value(): S {
    return this.#value
  }

  /** Replaces the value; announces it when it differs. Returns whether it changed. */
  set(next: S): boolean {
    const previous = this.#value
    if (this.#equals(previous, next)) return false
    this.#value = next
    this.#listeners.emit(next, previous)
    return true
  }

  /** `set(change(value))`: for owners that derive the next value from the current one. */
  update(change: (current: S) => S): boolean {
    if (typeof change !== 'function') throw new TypeError('change must be a function')
    return this.set(change(this.#value))
  }

  subscribe(listener: (next: S, previous: S) => unknown): () => void {
    return this.#listeners.add(listener)
  }

  /** A read-only face of this state, to hand to those who may watch but not write. */
  readonly(): ReadableState<S> {
    const state = this
    return {
      get value() {
        return state.value
      },
      subscribe: (listener) => state.subscribe(listener),
    }
  }
}
