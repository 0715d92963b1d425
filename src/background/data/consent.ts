// Consent per peer for one account, with one owner: the ConsentBook. It holds the states in
// memory (an ObservableState the views and the badge read) and keeps each peer's state as one
// sealed row in the cache's `consent` store, written once per change (sync-records.ts). What
// it holds comes from the network through the protocol library's contact list: the consent
// list each sync pass loads, what the user sets, and the allow the library records when this
// account invites someone. Nothing else keeps consent: the cached list read before a Client
// exists (cached-list.ts) reads the same rows. Consent belongs to a peer, not to a
// conversation (one peer can have many V2 conversations), so it is a row per peer rather than
// a field of each conversation row: a change is one write however many conversations it moves.
import type { ConsentView } from '../../extension/views.ts'
import { ObservableState, type ReadableState } from '../../state/observable-state.ts'
import type { ConsentRecords } from './sync-records.ts'

export type ConsentMap = ReadonlyMap<string, ConsentView>

export class ConsentBook {
  readonly #records: ConsentRecords
  readonly #state = new ObservableState<ConsentMap>('consent', new Map(), { equals: Object.is })

  constructor(records: ConsentRecords) {
    this.#records = records
  }

  /** Every peer's state (addresses lower-cased), and its changes. */
  get state(): ReadableState<ConsentMap> {
    return this.#state.readonly()
  }

  /** Reads the stored states (once, when the account's data opens). */
  async load(): Promise<void> {
    const stored = await this.#records.all()
    this.#state.update((current) => new Map([...stored, ...current]))
  }

  /** What is known of `address` (undefined: nothing yet). */
  get(address: string): ConsentView | undefined {
    return this.#state.value.get(address.toLowerCase())
  }

  /** Takes in states learnt from the network or set by the user; stores the changed ones together. Returns the addresses that changed. */
  async apply(states: ReadonlyMap<string, ConsentView>): Promise<Set<string>> {
    const changed = new Map<string, ConsentView>()
    for (const [address, state] of states) {
      const key = address.toLowerCase()
      if (this.get(key) !== state) changed.set(key, state)
    }
    if (changed.size === 0) return new Set()
    await this.#records.setMany(changed)
    this.#state.update((current) => new Map([...current, ...changed]))
    return new Set(changed.keys())
  }
}
