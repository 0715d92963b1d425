// EnvelopeStore on embedded SQLite (better-sqlite3): a file or `:memory:`.

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { envelopeDigest } from './digest.ts'
import type { EnvelopeKey, EnvelopeStore, ProvenEnvelope, StoreHealth, StoreQuery, StoredEnvelope } from './types.ts'

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

// Sender timestamps are uint64 but SQLite integers are int64. Storing ts − 2^63 maps
// [0, 2^64) onto [−2^63, 2^63) keeping the order, so every value a client can send is
// stored exactly and sorts correctly (node-go's Postgres bigint wraps the top half).
const OFFSET = 1n << 63n
const toDb = (ts: bigint) => ts - OFFSET
const fromDb = (v: bigint) => v + OFFSET

interface PendingInsert {
  envelopes: readonly ProvenEnvelope[]
  resolve(inserted: number): void
  reject(error: unknown): void
  outcome?: { inserted: number } | { error: unknown }
}

interface Row {
  topic: string
  sender_ts: bigint
  digest: Buffer
  payload: Buffer
  proof: string | null
}

export class SqliteEnvelopeStore implements EnvelopeStore {
  readonly path: string
  private readonly db: Database.Database
  private readonly insertStatement: Database.Statement
  private readonly countStatement: Database.Statement
  private topicsStatement: Database.Statement | undefined
  private keysStatement: Database.Statement | undefined
  private readonly insertMany: (envelopes: readonly ProvenEnvelope[]) => number
  private readonly commitGroup: (group: PendingInsert[]) => void
  private pending: PendingInsert[] = []
  /** Row count, read once and then kept up to date by inserts (COUNT(*) scans an index). */
  private rowCount: number | undefined
  private flushScheduled = false
  private readonly queryStatements = new Map<string, Database.Statement>()

  constructor(options: SqliteStoreOptions) {
    this.path = options.path
    if (options.path !== ':memory:' && options.path !== '') mkdirSync(dirname(options.path), { recursive: true })
    this.db = new Database(options.path)
    // WAL: readers never block the writer and a commit is one sequential append.
    // Durability: see SqliteStoreOptions.sync. FULL is the default because "acknowledged"
    // should mean "on disk", as Postgres's synchronous_commit=on does for node-go.
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${options.sync === 'normal' ? 'NORMAL' : 'FULL'}`)
    this.db.pragma('busy_timeout = 5000')
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
    // Files written before it have no such column; their envelopes keep a NULL proof.
    const columns = this.db.pragma('table_info(envelopes)') as { name: string }[]
    if (!columns.some((c) => c.name === 'proof')) this.db.exec('ALTER TABLE envelopes ADD COLUMN proof TEXT')
    this.insertStatement = this.db.prepare(
      'INSERT OR IGNORE INTO envelopes (topic, sender_ts, digest, receiver_ts, payload, proof) VALUES (?, ?, ?, ?, ?, ?)',
    )
    this.countStatement = this.db.prepare('SELECT COUNT(*) AS n FROM envelopes').pluck()
    this.insertMany = this.db.transaction((envelopes: readonly ProvenEnvelope[]) => {
      const receivedNs = BigInt(Date.now()) * 1_000_000n
      let inserted = 0
      for (const e of envelopes) {
        const digest = envelopeDigest(e.contentTopic, e.message)
        inserted += this.insertStatement.run(e.contentTopic, toDb(e.timestampNs), digest, receivedNs, e.message, e.proof ?? null).changes
      }
      return inserted
    })
    // Group commit: every insert() that arrives in the same event-loop turn shares one
    // transaction and so one WAL fsync, which is what a publish costs with sync=full (~4 ms
    // on a VM disk). Each request stays atomic inside its own SAVEPOINT (better-sqlite3 nests
    // transactions that way), so one failing request does not fail its neighbours, and every
    // promise resolves only after the shared COMMIT has returned, i.e. once durable.
    this.commitGroup = this.db.transaction((group: PendingInsert[]) => {
      for (const item of group) {
        try {
          item.outcome = { inserted: this.insertMany(item.envelopes) }
        } catch (error) {
          item.outcome = { error }
        }
      }
    })
  }

  insert(envelopes: readonly ProvenEnvelope[]): Promise<number> {
    if (envelopes.length === 0) return Promise.resolve(0)
    return new Promise((resolve, reject) => {
      this.pending.push({ envelopes, resolve, reject })
      if (!this.flushScheduled) {
        this.flushScheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private flush(): void {
    this.flushScheduled = false
    const group = this.pending
    this.pending = []
    if (group.length === 0) return
    try {
      if (!this.db.open) throw new Error('the envelope store is closed')
      this.commitGroup(group)
    } catch (error) {
      for (const item of group) item.reject(error)
      return
    }
    for (const item of group) {
      const outcome = item.outcome!
      if ('error' in outcome) item.reject(outcome.error)
      else {
        if (this.rowCount !== undefined) this.rowCount += outcome.inserted
        item.resolve(outcome.inserted)
      }
    }
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
    return this.db.open ? { kind: 'sqlite', available: true } : { kind: 'sqlite', available: false, error: 'closed' }
  }

  async listTopics(range: { startTimeNs: bigint; after: string; limit: number }): Promise<string[]> {
    // The (topic, sender_ts, digest) index answers this: per topic, one seek for sender_ts.
    this.topicsStatement ??= this.db.prepare(
      'SELECT DISTINCT topic FROM envelopes WHERE topic > ? AND sender_ts >= ? ORDER BY topic LIMIT ?',
    ).pluck()
    return this.topicsStatement.all(range.after, toDb(range.startTimeNs), range.limit) as string[]
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
    this.flush() // inserts already accepted are committed, not dropped
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
