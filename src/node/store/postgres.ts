// EnvelopeStore on PostgreSQL (node-postgres): for a node that outgrows one SQLite file, or
// several node processes behind one address sharing one database (see pg-fan-out.ts).
//
// Semantics match the SQLite store (the shared suite in store-contract.ts runs on both). An
// insert is ONE statement, so it is atomic without an explicit transaction, and with
// PostgreSQL's default synchronous_commit=on it returns only once the commit is flushed to
// the WAL on disk: the node answers 200 after that, so an acknowledged envelope is durable.
// Concurrent requests run on separate pooled connections, and PostgreSQL groups their WAL
// flushes itself.

import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { envelopeDigest } from './digest.ts'
import { StoreUnavailableError } from './errors.ts'
import { migrate } from './migrations.ts'
import { PgFanOut } from './pg-fan-out.ts'
import type { EnvelopeKey, EnvelopeStore, ProvenEnvelope, StoreHealth, StoreQuery, StoredEnvelope, TopicRange } from './types.ts'

export interface StoreLogger {
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
}

export interface PostgresStoreOptions {
  /** postgres://user[:password]@host:port/database (libpq-style query options work too). */
  url: string
  /** Pooled connections for requests (default 10); the LISTEN connection is one more. */
  poolSize?: number
  logger?: StoreLogger
  /** How long open() keeps retrying an unreachable database (default 30 s). */
  connectTimeoutMs?: number
}

// Sender timestamps are uint64; a bigint is int64. Storing ts − 2^63 keeps every uint64
// exactly and in order (node-go's bigint column wraps the top half instead).
const OFFSET = 1n << 63n
const toDb = (ts: bigint): string => (ts - OFFSET).toString()
const fromDb = (value: string): bigint => BigInt(value) + OFFSET

/** count(*) reads the whole primary key; past this many rows the planner's estimate is used. */
const EXACT_COUNT_LIMIT = 200_000

// Errors that mean "the database is not there" (as opposed to a bad statement): network
// errors, the server shutting down or refusing connections (SQLSTATE 57P0x, 08xxx, 53300).
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300'])
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i.test(err.message)
}

function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  if (err instanceof AggregateError && err.errors.length > 0) return reasonOf(err.errors[0])
  return err.message || (err as { code?: string }).code || err.name
}

/** The URL with any password replaced, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'postgres://(unparsable URL)'
  }
}

interface Row {
  topic: string
  sender_ts: string
  digest: Buffer
  payload: Buffer
  proof: string | null
}

const INSERT_SQL = `
  INSERT INTO envelopes (topic, sender_ts, digest, receiver_ts, payload, proof)
  SELECT topic, sender_ts, digest, $5::bigint, payload, proof
    FROM unnest($1::text[], $2::bigint[], $3::bytea[], $4::bytea[], $6::text[]) AS t(topic, sender_ts, digest, payload, proof)
  ON CONFLICT DO NOTHING`

export class PostgresEnvelopeStore implements EnvelopeStore {
  readonly url: string
  readonly fanOut: PgFanOut
  private readonly pool: pg.Pool
  private readonly logger: StoreLogger | undefined
  private outage: { reason: string; since: number } | undefined
  private closed = false
  private schemaVersion = 0
  private countIsEstimate = false

  /** Connects (retrying while the database is unreachable), migrates the schema, starts listening. */
  static async open(options: PostgresStoreOptions): Promise<PostgresEnvelopeStore> {
    const store = new PostgresEnvelopeStore(options)
    try {
      await store.start(options.connectTimeoutMs ?? 30_000)
    } catch (err) {
      await store.close()
      throw err
    }
    return store
  }

  private constructor(options: PostgresStoreOptions) {
    this.url = redactUrl(options.url)
    this.logger = options.logger
    const config: pg.PoolConfig = {
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // A statement that hangs (a locked or stopped server) fails instead of holding a request.
      query_timeout: 30_000,
      application_name: 'parley-node',
    }
    this.pool = new pg.Pool(config)
    // An idle pooled connection that dies (server restart) is reported here; unhandled, it
    // would crash the process. It is also the earliest sign of an outage.
    this.pool.on('error', (err) => {
      if (isConnectionError(err)) this.markUnavailable(reasonOf(err))
    })
    const origin = randomBytes(8).toString('hex')
    this.fanOut = new PgFanOut({
      origin,
      pool: this.pool,
      newClient: () => new pg.Client({ connectionString: options.url, connectionTimeoutMillis: 5_000, application_name: 'parley-node-listen' }),
      guard: (work) => this.run(work),
      toDb,
      fromDb,
      log: (level, fields, message) => this.logger?.[level](fields, message),
    })
  }

  private async start(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let delay = 100
    for (;;) {
      let client: pg.PoolClient | undefined
      try {
        client = await this.pool.connect()
        const result = await migrate(client)
        this.schemaVersion = result.version
        if (result.applied.length > 0) this.logger?.info({ applied: result.applied, version: result.version }, 'database schema migrated')
        client.release()
        break
      } catch (err) {
        client?.release(true)
        if (!isConnectionError(err)) throw err
        if (Date.now() + delay > deadline) throw new Error(`cannot reach PostgreSQL at ${this.url} within ${Math.round(timeoutMs / 1000)} s: ${reasonOf(err)}`, { cause: err })
        this.logger?.warn({ db: this.url, reason: reasonOf(err), retryInMs: delay }, 'waiting for the database')
        await new Promise((resolve) => setTimeout(resolve, delay))
        delay = Math.min(delay * 2, 5_000)
      }
    }
    await this.fanOut.start()
  }

  async insert(envelopes: readonly ProvenEnvelope[]): Promise<number> {
    if (envelopes.length === 0) return 0
    const receivedNs = BigInt(Date.now()) * 1_000_000n
    const withDigest = envelopes.map((e) => ({ ...e, digest: envelopeDigest(e.contentTopic, e.message) }))
    const values = [
      withDigest.map((e) => e.contentTopic),
      withDigest.map((e) => toDb(e.timestampNs)),
      withDigest.map((e) => Buffer.from(e.digest)),
      withDigest.map((e) => Buffer.from(e.message.buffer, e.message.byteOffset, e.message.byteLength)),
      toDb(receivedNs),
      withDigest.map((e) => e.proof ?? null),
    ]
    const result = await this.run(() => this.pool.query({ name: 'parley-insert', text: INSERT_SQL, values }))
    // Committed: now the other processes may hear of it. Every envelope of the request is
    // announced, duplicates too: the sink delivers them all locally (as node-go does), and the
    // other processes do the same.
    this.fanOut.announceStored(withDigest)
    return result.rowCount ?? 0
  }

  async query(q: StoreQuery): Promise<StoredEnvelope[]> {
    if (q.topics.length === 0 || q.limit <= 0) return []
    const hasStart = q.startTimeNs !== undefined && q.startTimeNs !== 0n
    const hasEnd = q.endTimeNs !== undefined && q.endTimeNs !== 0n
    // Cursor semantics of node-go (spec §13.4): no digest → ignored; time 0 → digest only.
    const cursor = q.cursor && q.cursor.digest.length > 0 ? q.cursor : undefined
    const cursorKind = !cursor ? 'none' : cursor.senderTimeNs === 0n ? 'digest' : 'full'
    const single = q.topics.length === 1
    const values: unknown[] = [single ? q.topics[0] : [...q.topics]]
    const where = [single ? 'topic = $1' : 'topic = ANY($1::text[])']
    const cmp = q.ascending ? '>' : '<'
    const dir = q.ascending ? 'ASC' : 'DESC'
    const param = (value: unknown, cast: string) => {
      values.push(value)
      return `$${values.length}::${cast}`
    }
    if (hasStart) where.push(`sender_ts >= ${param(toDb(q.startTimeNs!), 'bigint')}`)
    if (hasEnd) where.push(`sender_ts <= ${param(toDb(q.endTimeNs!), 'bigint')}`)
    if (cursorKind === 'full') where.push(`(sender_ts, digest) ${cmp} (${param(toDb(cursor!.senderTimeNs), 'bigint')}, ${param(Buffer.from(cursor!.digest), 'bytea')})`)
    if (cursorKind === 'digest') where.push(`digest ${cmp} ${param(Buffer.from(cursor!.digest), 'bytea')}`)
    const limit = param(q.limit, 'int')
    const text = `SELECT topic, sender_ts, digest, payload, proof FROM envelopes WHERE ${where.join(' AND ')} ORDER BY sender_ts ${dir}, digest ${dir} LIMIT ${limit}`
    // One prepared statement per query shape (at most 2·2·2·3·2 = 48), named by that shape.
    const name = `parley-q-${single ? 1 : 'n'}${+hasStart}${+hasEnd}${cursorKind[0]}${q.ascending ? 'a' : 'd'}`
    const { rows } = await this.run(() => this.pool.query<Row>({ name, text, values }))
    return rows.map((r) => ({
      contentTopic: r.topic,
      timestampNs: fromDb(r.sender_ts),
      message: new Uint8Array(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength),
      digest: new Uint8Array(r.digest.buffer, r.digest.byteOffset, r.digest.byteLength),
      ...(r.proof !== null && { proof: r.proof }),
    }))
  }

  async count(): Promise<number> {
    return this.run(async () => {
      const estimate = await this.pool.query<{ n: string }>("SELECT reltuples::bigint AS n FROM pg_class WHERE oid = 'envelopes'::regclass")
      const estimated = Number(estimate.rows[0]?.n ?? -1)
      this.countIsEstimate = estimated >= EXACT_COUNT_LIMIT
      if (this.countIsEstimate) return estimated
      const exact = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM envelopes')
      return Number(exact.rows[0]!.n)
    })
  }

  /** Peer catch-up (p2p/catchup.ts): topics after `after` with an envelope at or after startTimeNs. */
  async listTopics(range: { startTimeNs: bigint; after: string; limit: number }): Promise<string[]> {
    const { rows } = await this.run(() =>
      this.pool.query<{ topic: string }>({
        name: 'parley-list-topics',
        text: 'SELECT DISTINCT topic FROM envelopes WHERE topic > $1 AND sender_ts >= $2::bigint ORDER BY topic LIMIT $3::int',
        values: [range.after, toDb(range.startTimeNs), range.limit],
      }),
    )
    return rows.map((r) => r.topic)
  }

  async deleteOlder(range: TopicRange, beforeNs: bigint, limit: number): Promise<{ deleted: number; lastTopic: string | undefined }> {
    const { rows } = await this.run(() =>
      this.pool.query<{ topic: string }>({
        name: 'parley-prune',
        // The primary key (topic, sender_ts, digest) serves the range, in topic order.
        text: `DELETE FROM envelopes WHERE (topic, sender_ts, digest) IN (
                 SELECT topic, sender_ts, digest FROM envelopes
                  WHERE topic >= $1 AND topic < $2 AND sender_ts < $3::bigint ORDER BY topic LIMIT $4::int)
               RETURNING topic`,
        values: [range.from, range.to, toDb(beforeNs), limit],
      }),
    )
    const lastTopic = rows.reduce<string | undefined>((max, r) => (max === undefined || r.topic > max ? r.topic : max), undefined)
    return { deleted: rows.length, lastTopic }
  }

  async countOlder(range: TopicRange, beforeNs: bigint): Promise<number> {
    const { rows } = await this.run(() =>
      this.pool.query<{ n: string }>({
        name: 'parley-prune-count',
        text: 'SELECT count(*) AS n FROM envelopes WHERE topic >= $1 AND topic < $2 AND sender_ts < $3::bigint',
        values: [range.from, range.to, toDb(beforeNs)],
      }),
    )
    return Number(rows[0]!.n)
  }

  /** Anti-entropy (p2p/anti-entropy.ts): envelope keys in a time range, in primary-key order. */
  async scanKeys(range: { startTimeNs: bigint; endTimeNs: bigint; after?: EnvelopeKey; limit: number }): Promise<EnvelopeKey[]> {
    const after = range.after ?? { contentTopic: '', timestampNs: 0n, digest: new Uint8Array(0) }
    const { rows } = await this.run(() =>
      this.pool.query<{ topic: string; sender_ts: string; digest: Buffer }>({
        name: 'parley-scan-keys',
        text: `SELECT topic, sender_ts, digest FROM envelopes
                WHERE sender_ts BETWEEN $1::bigint AND $2::bigint AND (topic, sender_ts, digest) > ($3::text, $4::bigint, $5::bytea)
                ORDER BY topic, sender_ts, digest LIMIT $6::int`,
        values: [toDb(range.startTimeNs), toDb(range.endTimeNs), after.contentTopic, toDb(after.timestampNs), Buffer.from(after.digest), range.limit],
      }),
    )
    return rows.map((r) => ({ contentTopic: r.topic, timestampNs: fromDb(r.sender_ts), digest: new Uint8Array(r.digest.buffer, r.digest.byteOffset, r.digest.byteLength) }))
  }

  async health(): Promise<StoreHealth> {
    if (!this.outage && !this.closed) await this.run(() => this.pool.query('SELECT 1')).catch(() => undefined)
    const health: StoreHealth = { kind: 'postgres', available: !this.outage && !this.closed, schemaVersion: this.schemaVersion }
    if (this.outage) health.error = this.outage.reason
    if (this.closed) health.error = 'closed'
    if (this.countIsEstimate) health.countIsEstimate = true
    return health
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.fanOut.close()
    await this.pool.end()
  }

  /** Raw pool for benchmarks and tests. */
  get database(): pg.Pool {
    return this.pool
  }

  /**
   * Runs work against the database. While an outage is known, requests fail at once with
   * 503 instead of each waiting for a connection timeout; a background probe with backoff
   * ends the outage when the database answers again.
   */
  private async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the envelope store is closed')
    if (this.outage) throw new StoreUnavailableError(this.outage.reason)
    try {
      return await work()
    } catch (err) {
      if (!isConnectionError(err)) throw err
      this.markUnavailable(reasonOf(err))
      throw new StoreUnavailableError(reasonOf(err))
    }
  }

  private markUnavailable(reason: string): void {
    if (this.closed || this.outage) return
    const outage = { reason, since: Date.now() }
    this.outage = outage
    this.logger?.warn({ db: this.url, reason }, 'database unavailable: answering 503 and retrying with backoff')
    void (async () => {
      let delay = 100
      while (!this.closed && this.outage === outage) {
        await new Promise((resolve) => setTimeout(resolve, delay).unref())
        delay = Math.min(delay * 2, 5_000)
        try {
          await this.pool.query('SELECT 1')
          this.outage = undefined
          // warn, like the outage line: a log read at warn level must show the outage ended.
          this.logger?.warn({ db: this.url, downMs: Date.now() - outage.since }, 'database reachable again')
        } catch (err) {
          outage.reason = reasonOf(err)
        }
      }
    })()
  }
}
