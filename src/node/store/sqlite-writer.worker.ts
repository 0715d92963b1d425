// The thread that owns the SQLite write connection (sqlite.ts starts it for a database file).
// Commits run here, fsync included, so the event loop of the node never waits on them, and
// while one commit is being made durable the next requests queue in this thread's port: each
// commit takes everything that arrived meanwhile (group commit), so the fsync cost per
// envelope falls as concurrency grows. A request is answered only after its COMMIT returned.

import Database from 'better-sqlite3'
import { parentPort, workerData } from 'node:worker_threads'
import { configure, createWriter, type InsertOutcome } from './sqlite-writes.ts'
import type { ProvenEnvelope, TopicRange } from './types.ts'

export interface WriterOptions {
  path: string
  sync: 'full' | 'normal'
}

export type WriterRequest =
  | { type: 'insert'; id: number; envelopes: ProvenEnvelope[] }
  | { type: 'prune'; id: number; range: TopicRange; beforeNs: bigint; limit: number }
  | { type: 'close' }

export type WriterReply =
  | { type: 'inserted'; results: { id: number; outcome: InsertOutcome }[] }
  | { type: 'pruned'; id: number; deleted: number; lastTopic: string | undefined; error?: string }
  | { type: 'closed' }

const port = parentPort!
const options = workerData as WriterOptions
const db = new Database(options.path)
configure(db, options.sync)
const writer = createWriter(db)

let inserts: { id: number; envelopes: ProvenEnvelope[] }[] = []
let scheduled = false

function commit(): void {
  scheduled = false
  const group = inserts
  inserts = []
  if (group.length === 0) return
  let outcomes: InsertOutcome[]
  try {
    outcomes = writer.commitGroup(group.map((g) => g.envelopes))
  } catch (error) {
    // The COMMIT itself failed (disk full, I/O error): nothing of the group is stored.
    const message = error instanceof Error ? error.message : String(error)
    outcomes = group.map(() => ({ error: message }))
  }
  port.postMessage({ type: 'inserted', results: group.map((g, i) => ({ id: g.id, outcome: outcomes[i]! })) } satisfies WriterReply)
}

port.on('message', (request: WriterRequest) => {
  switch (request.type) {
    case 'insert':
      inserts.push(request)
      // After the messages already waiting in the port: they join this group.
      if (!scheduled) {
        scheduled = true
        setImmediate(commit)
      }
      return
    case 'prune': {
      commit() // in arrival order
      try {
        const result = writer.deleteOlder(request.range, request.beforeNs, request.limit)
        port.postMessage({ type: 'pruned', id: request.id, ...result } satisfies WriterReply)
      } catch (error) {
        port.postMessage({ type: 'pruned', id: request.id, deleted: 0, lastTopic: undefined, error: error instanceof Error ? error.message : String(error) } satisfies WriterReply)
      }
      return
    }
    case 'close':
      commit()
      db.close()
      port.postMessage({ type: 'closed' } satisfies WriterReply)
      port.close()
  }
})
