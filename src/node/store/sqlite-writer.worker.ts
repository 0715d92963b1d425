// The thread that owns the SQLite write connection (sqlite.ts starts it for a database file).
// Commits run here, fsync included, so the event loop of the node never waits on them. The
// node sends the insert requests of each event-loop turn as one batch (insert-batch.ts), and
// one commit takes every batch waiting in this thread's port (group commit), so the fsync cost
// per envelope falls as concurrency grows. A request is answered only after its COMMIT returned.

import Database from 'better-sqlite3'
import { parentPort, workerData } from 'node:worker_threads'
import { unpackBatch, type InsertBatch } from './insert-batch.ts'
import { configure, createWriter, type InsertOutcome } from './sqlite-writes.ts'
import type { TopicRange } from './types.ts'

export interface WriterOptions {
  path: string
  sync: 'full' | 'normal'
}

export type WriterRequest =
  | { type: 'insert'; id: number; batch: InsertBatch }
  | { type: 'prune'; id: number; range: TopicRange; beforeNs: bigint; limit: number }
  | { type: 'close' }

/** `inserted`: one commit, the outcomes of each batch it carried (one per request, in order). */
export type WriterReply =
  | { type: 'inserted'; batches: { id: number; outcomes: InsertOutcome[] }[] }
  | { type: 'pruned'; id: number; deleted: number; lastTopic: string | undefined; error?: string }
  | { type: 'closed' }

const port = parentPort!
const options = workerData as WriterOptions
const db = new Database(options.path)
configure(db, options.sync)
const writer = createWriter(db)

let batches: { id: number; batch: InsertBatch }[] = []
let scheduled = false

function commit(): void {
  scheduled = false
  const group = batches
  batches = []
  if (group.length === 0) return
  const requests = group.map((b) => unpackBatch(b.batch))
  let outcomes: InsertOutcome[]
  try {
    outcomes = writer.commitGroup(requests.flat(1))
  } catch (error) {
    // The COMMIT itself failed (disk full, I/O error): nothing of the group is stored.
    const message = error instanceof Error ? error.message : String(error)
    outcomes = requests.flatMap((r) => r.map(() => ({ error: message })))
  }
  let at = 0
  const reply = group.map((b, i) => {
    const count = requests[i]!.length
    at += count
    return { id: b.id, outcomes: outcomes.slice(at - count, at) }
  })
  port.postMessage({ type: 'inserted', batches: reply } satisfies WriterReply)
}

port.on('message', (request: WriterRequest) => {
  switch (request.type) {
    case 'insert':
      batches.push(request)
      // After the messages already waiting in the port: they join this commit.
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
