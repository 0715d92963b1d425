// The conversation rows of one account's cache: how a ConversationState is sealed into a row
// and opened from one, and the one batched write every change of many rows goes through
// (upsert): read the rows in one transaction, decide and seal outside it (WebCrypto is
// asynchronous), then write in one transaction that lands only on rows still holding the bytes
// that were read; a row changed meanwhile is decided again. Used by the cache (cache.ts) and
// by the library's ConversationStore (conversation-store.ts), so both write the same row.
import { unwrap } from 'idb'
import { CacheRecordError, type RecordCipher } from './cipher.ts'
import type { CacheDatabase, ConversationRow, MessageRow } from './database.ts'
import { applyMessage, sortKeyOf, type ConversationState, type StoredMessage } from './conversation-state.ts'

export type CorruptListener = (error: CacheRecordError, where: { topic?: string }) => void

/** Bounds the optimistic write loops: a record rewritten this often meanwhile is a bug, not a race. */
export const MAX_WRITE_ATTEMPTS = 20

/**
 * What an upsert does with one conversation, given what is stored (null: no readable row):
 * `next` to write (null: leave the row as it is); `reset` when the row belonged to another
 * peer, so its cached messages and sync cursor go in the same transaction.
 */
export type UpsertDecision = { next: ConversationState; reset?: boolean } | null

export interface UpsertResult {
  /** What is stored now. */
  state: ConversationState
  /** What was stored before (null: nothing readable). */
  previous: ConversationState | null
  written: boolean
  reset: boolean
}

export class ConversationRows {
  readonly #db: CacheDatabase
  readonly #cipher: RecordCipher
  readonly #onCorrupt: CorruptListener

  constructor(db: CacheDatabase, cipher: RecordCipher, onCorrupt: CorruptListener) {
    this.#db = db
    this.#cipher = cipher
    this.#onCorrupt = onCorrupt
  }

  id(topic: string): string {
    return this.#cipher.blind('topic', topic)
  }

  async row(state: ConversationState): Promise<ConversationRow> {
    const id = this.id(state.topic)
    return { id, lastMessageAt: sortKeyOf(state), value: await this.#cipher.sealJson('conversations', id, state) }
  }

  open(row: ConversationRow): Promise<ConversationState> {
    return this.#cipher.openJson<ConversationState>('conversations', row.id, row.value)
  }

  /** The state in `row`, or null (reported) when it cannot be opened. */
  async tryOpen(row: ConversationRow, topic?: string): Promise<ConversationState | null> {
    try {
      return await this.open(row)
    } catch (error) {
      if (!(error instanceof CacheRecordError)) throw error
      this.#onCorrupt(error, topic === undefined ? {} : { topic })
      return null
    }
  }

  /**
   * Puts `row` only if the record at `key` still holds `expected` (undefined: no record), in
   * one transaction; false when it changed. Every seal has a fresh nonce, so equal bytes mean
   * nothing was written in between.
   */
  async putIfUnchanged(key: string, expected: Uint8Array | undefined, row: ConversationRow): Promise<boolean> {
    const tx = this.#db.transaction('conversations', 'readwrite')
    const now = await tx.store.get(key)
    const unchanged = sameBytes(now?.value, expected)
    if (unchanged) await tx.store.put(row)
    await tx.done
    return unchanged
  }

  #addAbsent(ids: string[], decide: (stored: ConversationState | null, i: number) => UpsertDecision, results: Array<UpsertResult | undefined>): Promise<number[]> {
    return addAbsent(this.#db, this.#cipher, ids, decide, results)
  }

  /**
   * Decides and writes many conversations together: new ones in one write transaction
   * (addAbsent; `likelyAbsent` says which topics to try that way), the others with one read
   * transaction, their rows sealed together, and one write transaction. A conversation
   * without a readable row whose messages are cached (its row was lost) takes its preview
   * from the newest of them. `decide`
   * may be called again for a row that changed meanwhile, so it must be pure. One result per
   * topic, in order (topics are distinct).
   */
  async upsert(
    topics: string[],
    decide: (stored: ConversationState | null, i: number) => UpsertDecision,
    me: string,
    openMessage: (row: MessageRow, topic: string) => Promise<StoredMessage | null>,
    likelyAbsent: (i: number) => boolean = () => true,
  ): Promise<UpsertResult[]> {
    const ids = topics.map((topic) => this.id(topic))
    const results: Array<UpsertResult | undefined> = topics.map(() => undefined)
    let pending = await this.#addAbsent(ids, (stored, i) => (likelyAbsent(i) ? decide(stored, i) : null), results)
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > MAX_WRITE_ATTEMPTS) throw new Error('the conversation records kept changing while they were being written')
      const read = this.#db.transaction(['conversations', 'messages'])
      const byConversation = read.objectStore('messages').index('byConversation')
      const found = await Promise.all(
        pending.map(async (i) => {
          const row = await read.objectStore('conversations').get(ids[i]!)
          const newest = row ? undefined : (await byConversation.openCursor(IDBKeyRange.bound([ids[i]!, -Infinity], [ids[i]!, Infinity]), 'prev'))?.value
          return { row, newest }
        }),
      )
      await read.done
      const present = found.flatMap(({ row }, j) => (row ? [{ j, row }] : []))
      const opened = await this.#cipher.openJsonMany<ConversationState>('conversations', present.map(({ row }) => ({ recordKey: row.id, value: row.value })))
      const stored: Array<ConversationState | null> = pending.map(() => null)
      for (const [k, { j }] of present.entries()) {
        const state = opened[k]!
        if (state instanceof CacheRecordError) this.#onCorrupt(state, { topic: topics[pending[j]!]! }) // replaced below
        else stored[j] = state
      }
      const plans = await Promise.all(
        pending.map(async (i, j) => {
          const decision = decide(stored[j]!, i)
          if (!decision) return null
          let next = decision.next
          const newestRow = stored[j] === null && !decision.reset ? found[j]!.newest : undefined
          const newest = newestRow ? await openMessage(newestRow, topics[i]!) : null
          if (newest) next = applyMessage(next, newest.view, me, false)
          return { next, reset: decision.reset === true }
        }),
      )
      const toSeal = plans.flatMap((plan, j) => (plan ? [{ j, plan }] : []))
      if (toSeal.length === 0) {
        // Nothing to change: no write transaction at all.
        for (const [j, i] of pending.entries()) results[i] = { state: stored[j]!, previous: stored[j]!, written: false, reset: false }
        break
      }
      const sealed = await this.#cipher.sealJsonMany('conversations', toSeal.map(({ j, plan }) => ({ recordKey: ids[pending[j]!]!, value: plan.next })))
      const rowOf = new Map(toSeal.map(({ j, plan }, k) => [j, { id: ids[pending[j]!]!, lastMessageAt: sortKeyOf(plan.next), value: sealed[k]! }]))

      const resets = toSeal.some(({ plan }) => plan.reset)
      const write = this.#db.transaction(resets ? ['conversations', 'messages', 'cursors'] : ['conversations'], 'readwrite')
      const conversations = write.objectStore('conversations')
      const again: number[] = []
      await Promise.all(
        pending.map(async (i, j) => {
          const now = await conversations.get(ids[i]!)
          if (!sameBytes(now?.value, found[j]!.row?.value)) {
            again.push(i) // written meanwhile (a stream's message, a mute): decided again on what is there now
            return
          }
          const plan = plans[j]
          if (!plan) {
            results[i] = { state: stored[j]!, previous: stored[j]!, written: false, reset: false }
            return
          }
          const writes: Array<Promise<unknown>> = [conversations.put(rowOf.get(j)!)]
          if (plan.reset) {
            const conv = ids[i]!
            const messages = write.objectStore('messages')
            const keys = await messages.index('byConversation').getAllKeys(IDBKeyRange.bound([conv, -Infinity], [conv, Infinity]))
            writes.push(...keys.map((key) => messages.delete(key)), write.objectStore('cursors').delete(conv))
          }
          await Promise.all(writes)
          results[i] = { state: plan.next, previous: stored[j]!, written: true, reset: plan.reset }
        }),
      )
      await write.done
      pending = again.sort((a, b) => a - b)
    }
    return results as UpsertResult[]
  }
}

/**
 * The common case first (a listing's new conversations): each row sealed as if absent, then ONE
 * write transaction puts those still absent with no cached messages (nothing to preview) — on a
 * first sync (no messages cached at all) with one add() per row and no reads. The
 * rest (present, or absent with messages: a lost row) is left for the read-decide-write loop;
 * returns their indexes.
 */
async function addAbsent(db: CacheDatabase, cipher: RecordCipher, ids: string[], decide: (stored: ConversationState | null, i: number) => UpsertDecision, results: Array<UpsertResult | undefined>): Promise<number[]> {
  const fresh = ids.map((_id, i) => decide(null, i))
  const candidates = fresh.flatMap((decision, i) => (decision && !decision.reset ? [{ i, next: decision.next }] : []))
  if (candidates.length === 0) return ids.map((_id, i) => i) // none expected to be new: no transaction here
  const sealed = await cipher.sealJsonMany('conversations', candidates.map(({ i, next }) => ({ recordKey: ids[i]!, value: next })))
  const tx = db.transaction(['conversations', 'messages'], 'readwrite')
  const conversations = tx.objectStore('conversations')
  const messages = tx.objectStore('messages')
  const noMessages = (await messages.count()) === 0 // a first sync: no conversation has any yet
  const added = new Set<number>()
  const addRow = (i: number, next: ConversationState, k: number) => {
    added.add(i)
    results[i] = { state: next, previous: null, written: true, reset: false }
    return { id: ids[i]!, lastMessageAt: sortKeyOf(next), value: sealed[k]! }
  }
  if (noMessages) {
    // One request per row: add() refuses a key that exists (a row a stream wrote meanwhile),
    // and that refusal is handled here so the transaction carries on; the refused go to the
    // read-decide-write loop. (idb's promise would let the error abort the transaction.)
    const raw = rawStore(conversations)
    await Promise.all(
      candidates.map(
        ({ i, next }, k) =>
          new Promise<void>((resolve) => {
            const request = raw.add(addRow(i, next, k))
            request.onsuccess = () => resolve()
            request.onerror = (event) => {
              event.preventDefault()
              event.stopPropagation()
              added.delete(i)
              results[i] = undefined
              resolve()
            }
          }),
      ),
    )
  } else {
    await Promise.all(
      candidates.map(async ({ i, next }, k) => {
        if ((await conversations.getKey(ids[i]!)) !== undefined) return
        if ((await messages.index('byConversation').getKey(IDBKeyRange.bound([ids[i]!, -Infinity], [ids[i]!, Infinity]))) !== undefined) return
        await conversations.put(addRow(i, next, k))
      }),
    )
  }
  await tx.done
  return ids.flatMap((_id, i) => (added.has(i) ? [] : [i]))
}

/** The IDBObjectStore under idb's wrapper (or wrappers: a test may wrap the database's methods again). */
function rawStore(store: object): IDBObjectStore {
  const under = unwrap as unknown as (value: object) => object | undefined
  let raw = store
  for (let next = under(raw); next && next !== raw; next = under(raw)) raw = next
  return raw as IDBObjectStore
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
