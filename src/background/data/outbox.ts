// The durable outbox. A message is sealed once (Conversation.prepareMessage), so its id is
// final before anything is published; the sealed envelopes are kept in the outbox store
// (sealed again at rest) until the node has them. Publishing retries with exponential
// backoff across node outages and worker restarts (createAccountData resumes the
// outbox); a permanent error, or too many attempts, marks the message failed, and
// retry() puts it back. Publishing the same envelopes twice is harmless: every reader,
// this cache included, reconciles by message id.
import type { Client } from '../../protocol/index.ts'
import { backoffDelay, isTransient } from '../../protocol/api/retry.ts'
import type { Envelope } from '../../protocol/api/index.ts'
import { fromBase64, toBase64 } from '../../wire/bytes.ts'
import type { RecordCipher } from './cipher.ts'
import type { CacheDatabase, OutboxRow } from './database.ts'
import type { StoredMessage } from './conversation-state.ts'

export interface OutboxPolicy {
  /** Attempts before a message is marked failed (transient errors only; permanent ones fail at once). Default 8. */
  maxAttempts: number
  /** Backoff before the second attempt; doubles each time (with jitter). Default 2 s. */
  baseDelayMs: number
  /** Cap on one backoff. Default 5 min. */
  maxDelayMs: number
}

/** What the outbox asks of each publish: one attempt (it retries, with its own backoff). */
export const PUBLISH_ONCE = Object.freeze({ retry: Object.freeze({ maxAttempts: 1 }) })

export const DEFAULT_OUTBOX_POLICY: Readonly<OutboxPolicy> = Object.freeze({ maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 300_000 })

interface OutboxEntry {
  topic: string
  envelopes: Array<{ contentTopic: string; timestampNs: string; message: string }>
  message: StoredMessage
  attempts: number
  state: 'queued' | 'failed'
  error?: string
}

export interface OutboxHooks {
  /** The message's delivery changed (pending → sent, → failed, failed → pending). */
  onDelivery(topic: string, message: StoredMessage): Promise<void>
}

export class Outbox {
  readonly #db: CacheDatabase
  readonly #cipher: RecordCipher
  readonly #client: Client
  readonly #hooks: OutboxHooks
  readonly #policy: OutboxPolicy
  readonly #now: () => number
  #timer: ReturnType<typeof setTimeout> | undefined
  #running: Promise<void> | undefined
  #again = false
  #closed = false

  constructor(db: CacheDatabase, cipher: RecordCipher, client: Client, hooks: OutboxHooks, policy: Partial<OutboxPolicy> = {}, now: () => number = Date.now) {
    this.#db = db
    this.#cipher = cipher
    this.#client = client
    this.#hooks = hooks
    this.#policy = { ...DEFAULT_OUTBOX_POLICY, ...policy }
    this.#now = now
  }

  /** Keeps a prepared message until it is published; the caller has already cached it as pending. */
  async enqueue(topic: string, envelopes: Envelope[], message: StoredMessage, options: { kick?: boolean } = {}): Promise<void> {
    const entry: OutboxEntry = {
      topic,
      envelopes: envelopes.map((e) => ({ contentTopic: e.contentTopic, timestampNs: e.timestampNs.toString(), message: toBase64(e.message) })),
      message,
      attempts: 0,
      state: 'queued',
    }
    await this.#put(message.view.id, entry, this.#now())
    if (options.kick !== false) this.kick()
  }

  /** Puts a failed (or stuck) message back in line; returns its pending copy, or null when the outbox does not hold it. */
  async retry(id: string): Promise<StoredMessage | null> {
    const row = await this.#db.get('outbox', id)
    if (!row) return null
    const entry = await this.#open(row)
    entry.state = 'queued'
    entry.attempts = 0
    delete entry.error
    entry.message = { ...entry.message, view: withoutError({ ...entry.message.view, delivery: 'pending' }) }
    await this.#put(id, entry, this.#now())
    await this.#hooks.onDelivery(entry.topic, entry.message)
    this.kick()
    return entry.message
  }

  /** The node has this message (seen by sync or stream): nothing left to publish. */
  async delivered(id: string): Promise<void> {
    await this.#db.delete('outbox', id)
  }

  /** Messages still waiting (queued or failed). */
  async size(): Promise<number> {
    return this.#db.count('outbox')
  }

  /**
   * The node answered (a sync pass got through): messages waiting out a backoff are due
   * now instead of minutes later. Failed ones stay failed until retry().
   */
  async wake(): Promise<void> {
    if (this.#closed) return
    const now = this.#now()
    const tx = this.#db.transaction('outbox', 'readwrite')
    const waiting = await tx.store.index('nextAttemptAt').getAll(IDBKeyRange.bound(now, Number.MAX_SAFE_INTEGER, true, true))
    await Promise.all([...waiting.map((row) => tx.store.put({ ...row, nextAttemptAt: now })), tx.done])
    this.kick()
  }

  /** Runs a pass now (after the current one, if one is running). */
  kick(): void {
    if (this.#closed) return
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = this.#pass()
      .catch(() => {
        // The database failed under us (e.g. closing): try again later rather than lose the entry.
        if (!this.#closed) this.#timer = setTimeout(() => this.kick(), this.#policy.baseDelayMs)
      })
      .finally(() => {
        this.#running = undefined
        if (this.#again) {
          this.#again = false
          this.kick()
        }
      })
  }

  /** Resolves when no pass is running (for close and tests). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running
  }

  async close(): Promise<void> {
    this.#closed = true
    if (this.#timer) clearTimeout(this.#timer)
    await this.idle()
  }

  async #pass(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    const due = await this.#db.getAllFromIndex('outbox', 'nextAttemptAt', IDBKeyRange.upperBound(this.#now()))
    // Oldest first, so a conversation's messages keep their order.
    due.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
    for (const row of due) {
      if (this.#closed) return
      await this.#attempt(row)
    }
    await this.#schedule()
  }

  async #attempt(row: OutboxRow): Promise<void> {
    let entry: OutboxEntry
    try {
      entry = await this.#open(row)
    } catch {
      await this.#db.delete('outbox', row.id) // unreadable: nothing could ever publish it
      return
    }
    const conversation = this.#client.conversations.get(entry.topic)
    let error: unknown
    if (!conversation) error = new Error('the conversation is not known to this account any more')
    else {
      try {
        // One publish attempt per outbox attempt: the outbox owns the retries of a send
        // (its backoff spans outages and restarts), the API client must not multiply them.
        await conversation.publishPrepared(
          {
            topic: entry.topic,
            envelopes: entry.envelopes.map((e) => ({ contentTopic: e.contentTopic, timestampNs: BigInt(e.timestampNs), message: fromBase64(e.message) })),
          },
          PUBLISH_ONCE,
        )
      } catch (cause) {
        error = cause
      }
    }
    if (error === undefined) {
      await this.#db.delete('outbox', row.id)
      await this.#hooks.onDelivery(entry.topic, { ...entry.message, view: withoutError({ ...entry.message.view, delivery: 'sent' }) })
      return
    }
    entry.attempts += 1
    const transient = isTransient(error)
    if (transient && entry.attempts < this.#policy.maxAttempts) {
      await this.#replace(row.id, entry, this.#now() + backoffDelay(entry.attempts - 1, this.#policy.baseDelayMs, this.#policy.maxDelayMs))
      return
    }
    entry.state = 'failed'
    entry.error = transient ? `not delivered after ${entry.attempts} attempts: ${describe(error)}` : `not delivered: ${describe(error)}`
    entry.message = { ...entry.message, view: { ...entry.message.view, delivery: 'failed', error: entry.error } }
    if (await this.#replace(row.id, entry, Number.MAX_SAFE_INTEGER)) await this.#hooks.onDelivery(entry.topic, entry.message)
  }

  async #schedule(): Promise<void> {
    if (this.#closed) return
    const next = await this.#db.transaction('outbox').store.index('nextAttemptAt').openCursor()
    if (!next || next.value.nextAttemptAt === Number.MAX_SAFE_INTEGER) return
    const delay = Math.max(0, next.value.nextAttemptAt - this.#now())
    this.#timer = setTimeout(() => this.kick(), delay)
  }

  /**
   * Writes the entry back only if it is still there: while an attempt was in flight, sync
   * or the stream may have seen the message on the node (delivered() removed it).
   */
  async #replace(id: string, entry: OutboxEntry, nextAttemptAt: number): Promise<boolean> {
    const conv = this.#cipher.blind('topic', entry.topic)
    const value = await this.#cipher.sealJson('outbox', id, entry)
    const tx = this.#db.transaction('outbox', 'readwrite')
    const present = (await tx.store.getKey(id)) !== undefined
    if (present) await tx.store.put({ id, conv, nextAttemptAt, value })
    await tx.done
    return present
  }

  async #put(id: string, entry: OutboxEntry, nextAttemptAt: number): Promise<void> {
    const conv = this.#cipher.blind('topic', entry.topic)
    const value = await this.#cipher.sealJson('outbox', id, entry)
    await this.#db.put('outbox', { id, conv, nextAttemptAt, value })
  }

  #open(row: OutboxRow): Promise<OutboxEntry> {
    return this.#cipher.openJson<OutboxEntry>('outbox', row.id, row.value)
  }
}

function withoutError<T extends { error?: string }>(view: T): T {
  const copy = { ...view }
  delete copy.error
  return copy
}

/** A short reason for a person (the error's own message; the library keeps key material out of it). */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message.length > 200 ? `${error.message.slice(0, 199)}…` : error.message
  return 'unknown error'
}
