// EnvelopeStore on embedded SQLite (better-sqlite3): a file or `:memory:`.

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { Worker } from 'node:worker_threads'
import { StoreUnavailableError } from './errors.ts'
import { configure, createWriter, fromDb, toDb, type InsertOutcome, type SqliteWriter } from './sqlite-writes.ts'
import type { WriterReply, WriterRequest } from './sqlite-writer.worker.ts'
import { packBatch } from './insert-batch.ts'
import { CommitPacer } from './commit-pacer.ts'
import type { EnvelopeKey, EnvelopeStore, ProvenEnvelope, StoreHealth, StoreQuery, StoredEnvelope, TopicRange } from './types.ts'

export type SyncMode = 'full' | 'normal'

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. The parent folder is created. */
  path: string
  /**
   * `full` (default): every commit fsyncs the WAL, so an acknowledged envelope survives a
   * process kill AND a power loss or kernel crash. `normal`: the WAL is fsynced only at
   * checkpoints; a commit is still written to the OS before it returns, so it survives
   * kill -9 but the last commits may be lost if the machine itself goes down.
   */
  sync?: SyncMode
}

/** SQLite's default limit on bound parameters (SQLITE_MAX_VARIABLE_NUMBER); 5 more besides topics. */
const MAX_TOPIC_SLOTS = 16_384

/** IN-list size for `count` topics: the next power of two (1, 2, 4, …). */
export function topicSlots(count: number): number {
  if (count > MAX_TOPIC_SLOTS) throw new RangeError(`a query may name at most ${MAX_TOPIC_SLOTS} topics (got ${count})`)
  let slots = 1
  while (slots < count) slots *= 2
  return slots
}

interface PendingInsert {
  envelopes: readonly ProvenEnvelope[]
  resolve(inserted: number): void
  reject(error: unknown): void
}

interface Row {
  topic: string
  sender_ts: bigint
  digest: Buffer
  payload: Buffer
  proof: string | null
}

/** Commits made and requests they carried (the benchmark prints the mean group). */
export interface CommitStats {
  commits: number
  requests: number
}

const BOOT = new URL('./sqlite-writer.boot.mjs', import.meta.url)

/**
 * Batches sent to the writer and not yet answered: one. What arrives while the writer commits
 * waits here and goes as the next batch when it answers (paced by CommitPacer), so a commit
 * carries everything that arrived during the one before.
 */
const BATCHES_IN_FLIGHT = 1

export class SqliteEnvelopeStore implements EnvelopeStore {
  readonly path: string
  /** The main thread's connection: queries, counts, schema. Writes go to the writer. */
  private readonly db: Database.Database
  private readonly countStatement: Database.Statement
  private topicsStatement: Database.Statement | undefined
  private countOlderStatement: Database.Statement | undefined
  /** A database file: the writer thread. :memory: (one connection only): writes in this thread. */
  private readonly worker: Worker | undefined
  private readonly local: SqliteWriter | undefined
  /** Batches sent to the writer, by id: their requests in order. */
  private readonly waiting = new Map<number, PendingInsert[]>()
  private readonly pruning = new Map<number, { resolve(r: { deleted: number; lastTopic: string | undefined }): void; reject(e: unknown): void }>()
  private nextId = 0
  private keysStatement: Database.Statement | undefined
  /** Requests of this turn (and, while the writer is busy, of the turns since), not yet sent. */
  private pending: PendingInsert[] = []
  private flushScheduled = false
  private readonly flushSoon = () => this.flush()
  private readonly pacer = new CommitPacer({ fraction: 0.5, maxHoldMs: 10 })
  /** A hold in progress: a timer, or one event-loop turn. */
  private holdTimer: { timeout: NodeJS.Timeout } | { immediate: NodeJS.Immediate } | undefined
  private readonly holdOver = () => {
    this.holdTimer = undefined
    this.pacer.release()
    this.send(false)
  }
  private writerFailure: string | undefined
  private workerClosed: Promise<void> | undefined
  readonly commitStats: CommitStats = { commits: 0, requests: 0 }
  /** Row count, read once and then kept up to date by inserts (COUNT(*) scans an index). */
  private rowCount: number | undefined
  private readonly queryStatements = new Map<string, Database.Statement>()

  constructor(options: SqliteStoreOptions) {
    this.path = options.path
    const inMemory = options.path === ':memory:' || options.path === ''
    if (!inMemory) mkdirSync(dirname(options.path), { recursive: true })
    this.db = new Database(options.path)
    // Durability: see SqliteStoreOptions.sync. FULL is the default because "acknowledged"
    // should mean "on disk", as Postgres's synchronous_commit=on does for node-go.
    configure(this.db, options.sync ?? 'full')
    // Query latency: a 64 MiB page cache and memory-mapped reads (256 MiB) keep index and
    // recent rows out of read() calls; the OS page cache stays the real cache behind them.
    this.db.pragma('cache_size = -65536')
    this.db.pragma('mmap_size = 268435456')
    // A rowid table (payloads reach 1 MiB, too big for a WITHOUT ROWID b-tree) with a unique
    // index on (topic, sender_ts, digest): the dedup key of node-go (its primary key
    // (senderTimestamp, id) with id covering the topic) and an index that serves the query
    // order in both directions for a topic.
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS envelopes (
        topic TEXT NOT NULL,
        sender_ts INTEGER NOT NULL,
        digest BLOB NOT NULL,
        receiver_ts INTEGER NOT NULL,
        payload BLOB NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS envelopes_topic_time_digest ON envelopes (topic, sender_ts, digest);
    `)
    // Migration: the owner proof of contact-/privatestore- envelopes (p2p catch-up carries it).
    // Files written before it have no such column; their envelopes keep a NULL proof. Done here,
    // before the writer thread opens its connection and prepares its INSERT.
    const columns = this.db.pragma('table_info(envelopes)') as { name: string }[]
    if (!columns.some((c) => c.name === 'proof')) this.db.exec('ALTER TABLE envelopes ADD COLUMN proof TEXT')
    this.countStatement = this.db.prepare('SELECT COUNT(*) AS n FROM envelopes').pluck()
    if (inMemory) {
      this.local = createWriter(this.db)
      return
    }
    this.worker = new Worker(BOOT, { workerData: { path: options.path, sync: options.sync ?? 'full' } })
    this.worker.on('message', (reply: WriterReply) => this.onReply(reply))
    this.worker.on('error', (err) => this.writerStopped(`the SQLite writer failed: ${err.message}`))
    this.worker.on('exit', (code) => this.writerStopped(`the SQLite writer exited (code ${code})`))
  }

  insert(envelopes: readonly ProvenEnvelope[]): Promise<number> {
    if (envelopes.length === 0) return Promise.resolve(0)
    if (this.workerClosed || !this.db.open) return Promise.reject(new Error('the envelope store is closed'))
    if (this.writerFailure) return Promise.reject(new StoreUnavailableError(this.writerFailure))
    // Every insert() of one event-loop turn shares a commit: with the writer thread, they go to
    // it as one message when the turn ends (or when it answers, while it is busy).
    return new Promise((resolve, reject) => {
      this.pending.push({ envelopes, resolve, reject })
      if (!this.flushScheduled) {
        this.flushScheduled = true
        setImmediate(this.flushSoon)
      }
    })
  }

  private flush(): void {
    this.flushScheduled = false
    if (this.worker) return this.send(false)
    const group = this.pending
    this.pending = []
    if (group.length === 0) return
    let outcomes: InsertOutcome[]
    try {
      if (!this.db.open) throw new Error('the envelope store is closed')
      outcomes = this.local!.commitGroup(group.map((g) => g.envelopes))
    } catch (error) {
      for (const item of group) item.reject(error)
      return
    }
    this.countCommit(group.length)
    group.forEach((item, i) => this.settle(item, outcomes[i]!))
  }

  /** Sends what is pending to the writer as one batch, unless BATCHES_IN_FLIGHT are (`force`: anyway). */
  private send(force: boolean): void {
    if (this.pending.length === 0 || (!force && this.waiting.size >= BATCHES_IN_FLIGHT)) return
    const hold = force ? 0 : this.pacer.holdMs(this.pending.length)
    if (hold > 0) {
      // Timers count whole milliseconds: a shorter hold is one more event-loop turn instead
      // (what arrives in it joins), not a millisecond of a fast disk's time.
      this.holdTimer ??= hold >= 1 ? { timeout: setTimeout(this.holdOver, Math.round(hold)) } : { immediate: setImmediate(this.holdOver) }
      return
    }
    this.clearHold()
    this.pacer.sent()
    const group = this.pending
    this.pending = []
    if (this.writerFailure) {
      for (const item of group) item.reject(new StoreUnavailableError(this.writerFailure))
      return
    }
    const id = ++this.nextId
    const { batch, transfer } = packBatch(group.map((g) => g.envelopes))
    this.waiting.set(id, group)
    this.worker!.postMessage({ type: 'insert', id, batch } satisfies WriterRequest, transfer)
  }

  private clearHold(): void {
    if (this.holdTimer === undefined) return
    if ('timeout' in this.holdTimer) clearTimeout(this.holdTimer.timeout)
    else clearImmediate(this.holdTimer.immediate)
    this.holdTimer = undefined
  }

  private countCommit(requests: number): void {
    this.commitStats.commits++
    this.commitStats.requests += requests
  }

  private settle(item: PendingInsert, outcome: InsertOutcome): void {
    if ('error' in outcome) item.reject(new Error(outcome.error))
    else {
      if (this.rowCount !== undefined) this.rowCount += outcome.inserted
      item.resolve(outcome.inserted)
    }
  }

  private onReply(reply: WriterReply): void {
    if (reply.type === 'inserted') {
      let requests = 0
      for (const { id, outcomes } of reply.batches) {
        const group = this.waiting.get(id)
        if (!group) continue
        this.waiting.delete(id)
        requests += group.length
        group.forEach((item, i) => this.settle(item, outcomes[i]!))
      }
      this.countCommit(requests)
      // The writer has room again: what waited for it goes now, or after a short hold.
      this.pacer.answered(requests, this.pending.length)
      this.send(false)
    } else if (reply.type === 'pruned') {
      const waiter = this.pruning.get(reply.id)
      this.pruning.delete(reply.id)
      if (reply.error) waiter?.reject(new Error(reply.error))
      else {
        if (this.rowCount !== undefined) this.rowCount -= reply.deleted
        waiter?.resolve({ deleted: reply.deleted, lastTopic: reply.lastTopic })
      }
    }
  }

  /** The writer is gone: what it had not answered is not acknowledged, and nothing more is taken. */
  private writerStopped(reason: string): void {
    if (this.workerClosed) return // closed on purpose
    this.writerFailure ??= reason
    const error = new StoreUnavailableError(reason)
    for (const group of this.waiting.values()) for (const item of group) item.reject(error)
    for (const item of this.pending) item.reject(error)
    this.pending = []
    for (const waiter of this.pruning.values()) waiter.reject(error)
    this.waiting.clear()
    this.pruning.clear()
  }

  async query(q: StoreQuery): Promise<StoredEnvelope[]> {
    if (q.topics.length === 0 || q.limit <= 0) return []
    const hasStart = q.startTimeNs !== undefined && q.startTimeNs !== 0n
    const hasEnd = q.endTimeNs !== undefined && q.endTimeNs !== 0n
    // Cursor semantics of node-go (spec §13.4): no digest → ignored; time 0 → digest only.
    const cursor = q.cursor && q.cursor.digest.length > 0 ? q.cursor : undefined
    const cursorKind = !cursor ? 'none' : cursor.senderTimeNs === 0n ? 'digest' : 'full'
    // The statement's size must not follow the client's topic count: the IN list is padded
    // (repeating the last topic, which changes nothing) up to the next power of two, so a
    // handful of shapes serve every query and the statement cache stays small.
    const slots = topicSlots(q.topics.length)
    const statement = this.queryStatement(slots, hasStart, hasEnd, cursorKind, q.ascending)
    const params: unknown[] = [...q.topics]
    while (params.length < slots) params.push(q.topics[q.topics.length - 1])
    if (hasStart) params.push(toDb(q.startTimeNs!))
    if (hasEnd) params.push(toDb(q.endTimeNs!))
    if (cursorKind === 'full') params.push(toDb(cursor!.senderTimeNs), cursor!.digest)
    if (cursorKind === 'digest') params.push(cursor!.digest)
    params.push(q.limit)
    const rows = statement.all(...params) as Row[]
    return rows.map((r) => ({
      contentTopic: r.topic,
      timestampNs: fromDb(r.sender_ts),
      message: new Uint8Array(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength),
      digest: new Uint8Array(r.digest.buffer, r.digest.byteOffset, r.digest.byteLength),
      ...(r.proof !== null && { proof: r.proof }),
    }))
  }

  async count(): Promise<number> {
    this.rowCount ??= Number(this.countStatement.get())
    return this.rowCount
  }

  async health(): Promise<StoreHealth> {
    if (this.writerFailure) return { kind: 'sqlite', available: false, error: this.writerFailure }
    return this.db.open ? { kind: 'sqlite', available: true } : { kind: 'sqlite', available: false, error: 'closed' }
  }

  async listTopics(range: { startTimeNs: bigint; after: string; limit: number }): Promise<string[]> {
    // The (topic, sender_ts, digest) index answers this: per topic, one seek for sender_ts.
    this.topicsStatement ??= this.db.prepare(
      'SELECT DISTINCT topic FROM envelopes WHERE topic > ? AND sender_ts >= ? ORDER BY topic LIMIT ?',
    ).pluck()
    return this.topicsStatement.all(range.after, toDb(range.startTimeNs), range.limit) as string[]
  }

  async deleteOlder(range: TopicRange, beforeNs: bigint, limit: number): Promise<{ deleted: number; lastTopic: string | undefined }> {
    if (this.writerFailure) throw new StoreUnavailableError(this.writerFailure)
    if (!this.worker) {
      const result = this.local!.deleteOlder(range, beforeNs, limit)
      if (this.rowCount !== undefined) this.rowCount -= result.deleted
      return result
    }
    const id = ++this.nextId
    return new Promise((resolve, reject) => {
      this.pruning.set(id, { resolve, reject })
      this.worker!.postMessage({ type: 'prune', id, range, beforeNs, limit } satisfies WriterRequest)
    })
  }

  async countOlder(range: TopicRange, beforeNs: bigint): Promise<number> {
    this.countOlderStatement ??= this.db.prepare('SELECT COUNT(*) FROM envelopes WHERE topic >= ? AND topic < ? AND sender_ts < ?').pluck()
    return Number(this.countOlderStatement.get(range.from, range.to, toDb(beforeNs)))
  }

  async scanKeys(range: { startTimeNs: bigint; endTimeNs: bigint; after?: EnvelopeKey; limit: number }): Promise<EnvelopeKey[]> {
    // The (topic, sender_ts, digest) index covers this: no payload is read.
    this.keysStatement ??= this.db
      .prepare('SELECT topic, sender_ts, digest FROM envelopes WHERE sender_ts BETWEEN ? AND ? AND (topic, sender_ts, digest) > (?, ?, ?) ORDER BY topic, sender_ts, digest LIMIT ?')
      .safeIntegers(true)
    const after = range.after ?? { contentTopic: '', timestampNs: 0n, digest: new Uint8Array(0) }
    const rows = this.keysStatement.all(toDb(range.startTimeNs), toDb(range.endTimeNs), after.contentTopic, toDb(after.timestampNs), after.digest, range.limit) as Row[]
    return rows.map((r) => ({ contentTopic: r.topic, timestampNs: fromDb(r.sender_ts), digest: new Uint8Array(r.digest.buffer, r.digest.byteOffset, r.digest.byteLength) }))
  }

  async close(): Promise<void> {
    if (this.worker) {
      // The writer commits what it was sent before it closes: accepted inserts are not dropped.
      this.workerClosed ??= new Promise<void>((resolve) => {
        this.worker!.once('exit', () => resolve())
        this.clearHold()
        this.send(true) // accepted inserts go before the close
        this.worker!.postMessage({ type: 'close' } satisfies WriterRequest)
      })
      await this.workerClosed
    } else this.flush() // inserts already accepted are committed, not dropped
    if (this.db.open) this.db.close()
  }

  /** Raw handle for benchmarks and tests (e.g. to measure the SQLite ceiling). */
  get database(): Database.Database {
    return this.db
  }

  private queryStatement(topicCount: number, hasStart: boolean, hasEnd: boolean, cursor: 'none' | 'digest' | 'full', ascending: boolean) {
    const key = `${topicCount}|${hasStart}|${hasEnd}|${cursor}|${ascending}`
    let statement = this.queryStatements.get(key)
    if (statement) return statement
    const cmp = ascending ? '>' : '<'
    const dir = ascending ? 'ASC' : 'DESC'
    const where = [topicCount === 1 ? 'topic = ?' : `topic IN (${Array(topicCount).fill('?').join(', ')})`]
    if (hasStart) where.push('sender_ts >= ?')
    if (hasEnd) where.push('sender_ts <= ?')
    if (cursor === 'full') where.push(`(sender_ts, digest) ${cmp} (?, ?)`)
    if (cursor === 'digest') where.push(`digest ${cmp} ?`)
    const sql = `SELECT topic, sender_ts, digest, payload, proof FROM envelopes WHERE ${where.join(' AND ')} ORDER BY sender_ts ${dir}, digest ${dir} LIMIT ?`
    statement = this.db.prepare(sql).safeIntegers(true)
    // Few shapes exist (topic slots are powers of two, and the node caps topics per query).
    if (this.queryStatements.size > 256) this.queryStatements.clear()
    this.queryStatements.set(key, statement)
    return statement
  }
}
