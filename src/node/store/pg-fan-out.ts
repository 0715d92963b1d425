// Cross-process fan-out for the PostgreSQL store: several node processes on one database
// deliver to their subscribers what any of them accepted.
//
// Why LISTEN/NOTIFY (and not the peer-to-peer relay): the database the processes already
// share is the one thing they all reach, so no extra service, address list or membership
// protocol is needed, and every listener gets every notification in the order it was sent.
// The relay of the peer-to-peer issue links separate nodes, each with its own store; it is
// the wrong tool for processes behind one address.
//
// A stored envelope is announced right AFTER its insert committed, not by a NOTIFY inside
// the insert's transaction: NOTIFY takes a database-wide lock that is held through the
// commit's WAL flush, so every publishing transaction would commit one after the other
// (measured here: 2,033 single-row inserts/s from 8 clients without, 214 with it inside).
// Announcements made in the same event-loop turn share one NOTIFY statement, in the order
// their inserts returned. So a listener never hears of a rolled-back envelope; what a process
// crash between commit and announcement costs is the live delivery of that envelope on the
// other processes (it is stored, and a query returns it).
//
// A NOTIFY payload is at most 8000 bytes, so it carries references, not envelopes: the
// (topic, timestamp, digest) key of stored envelopes, which listeners read back by primary
// key. Ephemeral envelopes are never stored; small ones travel inline, larger ones through
// the short-lived `ephemeral_relay` table. Like node-go's streams this is live delivery
// only: a process whose listening connection is down misses what is published meanwhile
// (clients catch up by querying), and it reconnects with backoff by itself.

import pg from 'pg'
import type { Envelope } from '../../wire/message-api.ts'
import type { StoreFanOut } from './types.ts'

export const CHANNEL = 'parley_envelopes'
/** Under PostgreSQL's 8000-byte NOTIFY limit, leaving room for the JSON frame. */
const MAX_PAYLOAD_CHARS = 7800
const RELAY_ROW_LIFETIME = "interval '5 minutes'"
const NOTIFY_SQL = 'SELECT count(pg_notify($1, p)) FROM unnest($2::text[]) AS p'

type StoredKey = [topic: string, senderTsDb: string, digestHex: string]
type InlineEnvelope = [topic: string, senderTs: string, messageBase64: string]
interface Notice {
  /** Origin: the process that sent it ignores its own notices. */
  o: string
  s?: StoredKey[]
  e?: InlineEnvelope[]
  r?: string[]
}

/** Splits items into JSON notices that each fit one NOTIFY payload. */
export function packNotices<T>(origin: string, field: 's' | 'e' | 'r', items: readonly T[]): string[] {
  const out: string[] = []
  const frame = (chunk: T[]) => JSON.stringify({ o: origin, [field]: chunk })
  let chunk: T[] = []
  let size = frame([]).length
  for (const item of items) {
    const itemSize = JSON.stringify(item).length + 1
    if (chunk.length > 0 && size + itemSize > MAX_PAYLOAD_CHARS) {
      out.push(frame(chunk))
      chunk = []
      size = frame([]).length
    }
    chunk.push(item)
    size += itemSize
  }
  if (chunk.length > 0) out.push(frame(chunk))
  return out
}

export interface FanOutDeps {
  origin: string
  pool: pg.Pool
  /** A fresh, unconnected client for the LISTEN connection (the pool's are shared). */
  newClient(): pg.Client
  /** Runs a pool query under the store's availability guard (503 while the database is down). */
  guard<T>(work: () => Promise<T>): Promise<T>
  /** uint64 → the stored bigint text, and back (postgres.ts owns the mapping). */
  toDb(ts: bigint): string
  fromDb(value: string): bigint
  log(level: 'info' | 'warn', fields: Record<string, unknown>, message: string): void
}

export class PgFanOut implements StoreFanOut {
  private readonly listeners = new Set<(envelopes: Envelope[]) => void>()
  private client: pg.Client | undefined
  private reconnecting = false
  private closed = false
  private queue: Promise<void> = Promise.resolve()
  private lastRelayCleanup = 0
  private pendingNotices: string[] = []
  private sending: Promise<void> = Promise.resolve()

  constructor(private readonly deps: FanOutDeps) {}

  /** Opens the LISTEN connection; if that fails, keeps retrying in the background. */
  async start(): Promise<void> {
    try {
      await this.connect()
    } catch (err) {
      this.lost(err)
    }
  }

  onRemote(listener: (envelopes: Envelope[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Announces committed envelopes (by key); sent with the others of this event-loop turn. */
  announceStored(envelopes: readonly { contentTopic: string; timestampNs: bigint; digest: Uint8Array }[]): void {
    const keys = envelopes.map((e): StoredKey => [e.contentTopic, this.deps.toDb(e.timestampNs), Buffer.from(e.digest).toString('hex')])
    const first = this.pendingNotices.length === 0
    this.pendingNotices.push(...packNotices(this.deps.origin, 's', keys))
    if (first) setImmediate(() => this.sendPending())
  }

  private sendPending(): void {
    const notices = this.pendingNotices
    this.pendingNotices = []
    if (notices.length === 0) return
    // One statement at a time, so notices leave in the order their inserts committed.
    this.sending = this.sending.then(async () => {
      try {
        await this.deps.pool.query({ name: 'parley-notify', text: NOTIFY_SQL, values: [CHANNEL, notices] })
      } catch (err) {
        this.deps.log('warn', { reason: err instanceof Error ? err.message : String(err), notices: notices.length }, 'cross-process fan-out: could not announce stored envelopes')
      }
    })
  }

  async announce(envelopes: readonly Envelope[]): Promise<void> {
    if (envelopes.length === 0) return
    const inline: InlineEnvelope[] = []
    const large: Envelope[] = []
    for (const e of envelopes) {
      const item: InlineEnvelope = [e.contentTopic, e.timestampNs.toString(), Buffer.from(e.message).toString('base64')]
      if (JSON.stringify(item).length + 64 <= MAX_PAYLOAD_CHARS) inline.push(item)
      else large.push(e)
    }
    const { pool, origin } = this.deps
    // Behind the stored envelopes announced before it, so notices keep the order of acceptance.
    this.sendPending()
    const sent = this.sending.then(() =>
      this.deps.guard(async () => {
        if (inline.length > 0) await pool.query({ name: 'parley-notify', text: NOTIFY_SQL, values: [CHANNEL, packNotices(origin, 'e', inline)] })
        // 200 ids per notice stay far below the payload limit.
        for (let i = 0; i < large.length; i += 200) {
          const part = large.slice(i, i + 200)
          await pool.query({
            name: 'parley-relay-insert',
            text: `WITH relayed AS (
                     INSERT INTO ephemeral_relay (topic, sender_ts, payload)
                     SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[]) RETURNING id)
                   SELECT pg_notify($4, json_build_object('o', $5::text, 'r', (SELECT json_agg(id::text ORDER BY id) FROM relayed))::text)`,
            values: [part.map((e) => e.contentTopic), part.map((e) => this.deps.toDb(e.timestampNs)), part.map((e) => Buffer.from(e.message)), CHANNEL, origin],
          })
        }
      }),
    )
    this.sending = sent.catch(() => undefined)
    await sent
    if (large.length > 0 && Date.now() - this.lastRelayCleanup > 60_000) {
      this.lastRelayCleanup = Date.now()
      pool.query(`DELETE FROM ephemeral_relay WHERE created_at < now() - ${RELAY_ROW_LIFETIME}`).catch(() => undefined)
    }
  }

  async close(): Promise<void> {
    this.sendPending()
    await this.sending
    this.closed = true
    const client = this.client
    this.client = undefined
    await client?.end().catch(() => undefined)
    await this.queue
  }

  private async connect(): Promise<void> {
    const client = this.deps.newClient()
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return
      const payload = n.payload
      // One at a time, so envelopes reach subscribers in the order they committed.
      this.queue = this.queue.then(() => this.handle(payload))
    })
    client.on('error', (err) => this.lost(err, client))
    client.on('end', () => this.lost(undefined, client))
    await client.connect()
    await client.query(`LISTEN ${CHANNEL}`)
    if (this.closed) {
      await client.end()
      return
    }
    this.client = client
  }

  private lost(err: unknown, client?: pg.Client): void {
    if (this.closed || this.reconnecting || (client && client !== this.client)) return
    this.client = undefined
    client?.end().catch(() => undefined)
    this.reconnecting = true
    this.deps.log('warn', { reason: err instanceof Error ? err.message : 'connection ended' }, 'cross-process fan-out: LISTEN connection lost, reconnecting')
    void (async () => {
      let delay = 100
      while (!this.closed) {
        await new Promise((resolve) => setTimeout(resolve, delay).unref())
        delay = Math.min(delay * 2, 5_000)
        try {
          await this.connect()
          this.deps.log('warn', {}, 'cross-process fan-out: listening again')
          break
        } catch {
          // still down; back off and try again
        }
      }
      this.reconnecting = false
    })()
  }

  private async handle(payload: string): Promise<void> {
    let notice: Notice
    try {
      notice = JSON.parse(payload) as Notice
    } catch {
      return // not ours
    }
    if (notice.o === this.deps.origin || this.listeners.size === 0) return
    try {
      const envelopes = notice.s ? await this.readStored(notice.s) : notice.r ? await this.readRelayed(notice.r) : []
      for (const [topic, ts, message] of notice.e ?? []) envelopes.push({ contentTopic: topic, timestampNs: BigInt(ts), message: new Uint8Array(Buffer.from(message, 'base64')) })
      if (envelopes.length > 0) for (const listener of this.listeners) listener(envelopes)
    } catch (err) {
      this.deps.log('warn', { reason: err instanceof Error ? err.message : String(err) }, 'cross-process fan-out: could not read announced envelopes')
    }
  }

  private async readStored(keys: StoredKey[]): Promise<Envelope[]> {
    const { rows } = await this.deps.pool.query<{ topic: string; sender_ts: string; payload: Buffer }>({
      name: 'parley-fanout-read',
      text: `SELECT e.topic, e.sender_ts, e.payload
               FROM unnest($1::text[], $2::bigint[], $3::bytea[]) WITH ORDINALITY AS k(topic, sender_ts, digest, n)
               JOIN envelopes e ON e.topic = k.topic AND e.sender_ts = k.sender_ts AND e.digest = k.digest
              ORDER BY k.n`,
      values: [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => Buffer.from(k[2], 'hex'))],
    })
    return rows.map((r) => ({ contentTopic: r.topic, timestampNs: this.deps.fromDb(r.sender_ts), message: new Uint8Array(r.payload) }))
  }

  private async readRelayed(ids: string[]): Promise<Envelope[]> {
    const { rows } = await this.deps.pool.query<{ topic: string; sender_ts: string; payload: Buffer }>({
      name: 'parley-relay-read',
      text: 'SELECT topic, sender_ts, payload FROM ephemeral_relay WHERE id = ANY($1::bigint[]) ORDER BY id',
      values: [ids],
    })
    return rows.map((r) => ({ contentTopic: r.topic, timestampNs: this.deps.fromDb(r.sender_ts), message: new Uint8Array(r.payload) }))
  }
}
