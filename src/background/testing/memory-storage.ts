// An in-memory StorageArea with chrome.storage's semantics (values are structured-cloned in and
// out, get(null) returns everything), for Node tests of the background's modules. A test can make
// the next writes fail, to act out a worker killed before a write lands.
import type { StorageArea } from '../contracts.ts'

export class MemoryStorageArea implements StorageArea {
  readonly items = new Map<string, unknown>()
  /** Writes that will throw before storing anything (a killed worker's lost write). */
  failNextSets = 0

  async get(keys: string | string[] | null): Promise<Record<string, unknown>> {
    const names = keys === null ? [...this.items.keys()] : typeof keys === 'string' ? [keys] : keys
    const out: Record<string, unknown> = {}
    for (const name of names) if (this.items.has(name)) out[name] = structuredClone(this.items.get(name))
    return out
  }

  async set(items: Record<string, unknown>): Promise<void> {
    if (this.failNextSets > 0) {
      this.failNextSets--
      throw new Error('storage write lost (simulated worker kill)')
    }
    for (const [name, value] of Object.entries(items)) this.items.set(name, structuredClone(value))
  }

  async remove(keys: string | string[]): Promise<void> {
    for (const name of typeof keys === 'string' ? [keys] : keys) this.items.delete(name)
  }

  /** Everything stored, as one string (for "is this plaintext anywhere?" checks). */
  dump(): string {
    return [...this.items.entries()].map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n')
  }
}
