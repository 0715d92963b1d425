// The write side of the SQLite store: the statements and transactions that change the table,
// run by whichever thread owns the write connection (sqlite-writer.worker.ts for a file, the
// store itself for :memory:).

import type Database from 'better-sqlite3'
import { envelopeDigest } from './digest.ts'
import type { ProvenEnvelope, TopicRange } from './types.ts'

// Sender timestamps are uint64 but SQLite integers are int64. Storing ts − 2^63 maps
// [0, 2^64) onto [−2^63, 2^63) keeping the order, so every value a client can send is
// stored exactly and sorts correctly (node-go's Postgres bigint wraps the top half).
const OFFSET = 1n << 63n
export const toDb = (ts: bigint) => ts - OFFSET
export const fromDb = (v: bigint) => v + OFFSET

export type InsertOutcome = { inserted: number } | { error: string }

export interface SqliteWriter {
  /**
   * Group commit: the requests share one transaction and so one WAL fsync. Each stays atomic:
   * when any of them fails, the group is rolled back and made again with every request inside
   * its own SAVEPOINT (better-sqlite3 nests transactions that way), so one failing request
   * does not fail its neighbours. Returns once COMMIT has returned, i.e. durable.
   */
  commitGroup(requests: readonly (readonly ProvenEnvelope[])[]): InsertOutcome[]
  deleteOlder(range: TopicRange, beforeNs: bigint, limit: number): { deleted: number; lastTopic: string | undefined }
}

/** Applies the durability mode and the settings every connection to the file shares. */
export function configure(db: Database.Database, sync: 'full' | 'normal'): void {
  // WAL: readers never block the writer and a commit is one sequential append.
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${sync === 'normal' ? 'NORMAL' : 'FULL'}`)
  db.pragma('busy_timeout = 5000')
}

export function createWriter(db: Database.Database): SqliteWriter {
  // `proof`: the owner proof of a contact-/privatestore- envelope (p2p relay and catch-up carry it).
  const insertStatement = db.prepare('INSERT OR IGNORE INTO envelopes (topic, sender_ts, digest, receiver_ts, payload, proof) VALUES (?, ?, ?, ?, ?, ?)')
  const insertRows = (envelopes: readonly ProvenEnvelope[], receivedNs: bigint): number => {
    let inserted = 0
    for (const e of envelopes) {
      const digest = envelopeDigest(e.contentTopic, e.message)
      inserted += insertStatement.run(e.contentTopic, toDb(e.timestampNs), digest, receivedNs, e.message, e.proof ?? null).changes
    }
    return inserted
  }
  const now = () => BigInt(Date.now()) * 1_000_000n
  // The common case: every request of the group goes in, one transaction, no savepoints.
  const plainGroup = db.transaction((requests: readonly (readonly ProvenEnvelope[])[]): InsertOutcome[] => {
    const receivedNs = now()
    return requests.map((envelopes) => ({ inserted: insertRows(envelopes, receivedNs) }))
  })
  // After a failure (the plain attempt was rolled back whole): each request in its own
  // SAVEPOINT, so the failing one is refused and its neighbours are stored.
  const insertMany = db.transaction(insertRows)
  const guardedGroup = db.transaction((requests: readonly (readonly ProvenEnvelope[])[], outcomes: InsertOutcome[]) => {
    const receivedNs = now()
    for (const envelopes of requests) {
      try {
        outcomes.push({ inserted: insertMany(envelopes, receivedNs) })
      } catch (error) {
        outcomes.push({ error: error instanceof Error ? error.message : String(error) })
      }
    }
  })
  // The (topic, sender_ts, digest) index serves the range: topics in order, each sought by time.
  const pick = db.prepare('SELECT rowid AS id, topic FROM envelopes WHERE topic >= ? AND topic < ? AND sender_ts < ? ORDER BY topic LIMIT ?')
  const remove = db.prepare('DELETE FROM envelopes WHERE rowid = ?')
  const removeAll = db.transaction((ids: number[]) => ids.reduce((n, id) => n + remove.run(id).changes, 0))
  return {
    commitGroup(requests) {
      try {
        return plainGroup(requests)
      } catch {
        const outcomes: InsertOutcome[] = []
        guardedGroup(requests, outcomes)
        return outcomes
      }
    },
    deleteOlder(range, beforeNs, limit) {
      const rows = pick.all(range.from, range.to, toDb(beforeNs), limit) as { id: number; topic: string }[]
      if (rows.length === 0) return { deleted: 0, lastTopic: undefined }
      return { deleted: removeAll(rows.map((r) => r.id)), lastTopic: rows[rows.length - 1]!.topic }
    },
  }
}
