// An in-memory chrome.storage area for Node tests. Values are deep-copied in and out through
// JSON (as chrome.storage serialises them), and a test can make the next writes fail to act
// out a worker killed before a write lands.
import type { StorageArea } from '../services.ts'

export class MemoryStorageArea implements StorageArea {
  readonly items = new Map<string, string>()
  /** Writes that will throw before storing anything (a killed worker's lost write). */
  failNextSets = 0
  setCalls = 0

  async get(keys: string | string[] | null): Promise<Record<string, unknown>> {
    const names = keys === null ? [...this.items.keys()] : Array.isArray(keys) ? keys : [keys]
    const out: Record<string, unknown> = {}
    for (const k of names) {
      const v = this.items.get(k)
      if (v !== undefined) out[k] = JSON.parse(v)
    }
    return out
  }

  async set(items: Record<string, unknown>): Promise<void> {
    this.setCalls++
    if (this.failNextSets > 0) {
      this.failNextSets--
      throw new Error('storage write lost (simulated worker kill)')
    }
    for (const [k, v] of Object.entries(items)) this.items.set(k, JSON.stringify(v))
  }

  async remove(keys: string | string[]): Promise<void> {
    for (const k of Array.isArray(keys) ? keys : [keys]) this.items.delete(k)
  }

  /** Everything stored, as one string (for "is this plaintext anywhere?" checks). */
  dump(): string {
    return [...this.items.entries()].map(([k, v]) => `${k}=${v}`).join('\n')
  }
}
