// Node benchmark: publish throughput over HTTP (one envelope per request at 8 and 64 clients,
// this code beside the baseline BENCH_BASELINE (default HEAD~1) in the same run, the load from
// its own process (bench/lib/load.ts, autocannon); raw better-sqlite3 beside them; the server's
// CPU per publish and query over HTTP and gRPC) and query latency
// on 100-row pages at growing store sizes; then the node under hostile input (issue 14):
// /healthz and query latency while one client sends maximal malformed bodies, next to the same
// with no attacker, and publish → delivery latency with 1, 100 and 1,000 subscribers.
//
//   npm run bench -- node                      full run (100k and 1M envelopes)
//   BENCH_QUICK=1 npm run bench -- node        quick run (10k and 50k)
// Sizes: BENCH_SIZES=100000,1000000  BENCH_PUBLISH=20000  BENCH_BATCH=100  BENCH_PAYLOAD=256
//        BENCH_QUERIES=2000  BENCH_CONCURRENCY=8  BENCH_BASELINE=<git rev>
//        BENCH_SECONDS=5 (window per row and round)  BENCH_WARMUP=1 (s)  BENCH_ROUNDS=5 (median printed)
//        BENCH_ONLY=publish | query | hostile   BENCH_SAMPLES=500 (hostile latency samples)

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { envelopeDigest } from '../src/node/store/digest.ts'
import { SqliteEnvelopeStore } from '../src/node/store/sqlite.ts'
import { createIdentity } from '../src/node/testing/identities.ts'
import { startNode } from '../src/node/testing/node-process.ts'
import { DEFAULT_MAX_BODY_BYTES } from '../src/node/limits.ts'
import { attackLatency, fanOutLatency } from './lib/hostile.ts'
import { cpuPerRequest, publishComparison } from './lib/publish.ts'

const quick = process.env.BENCH_QUICK === '1'
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback)
const SIZES = (process.env.BENCH_SIZES ?? (quick ? '10000,50000' : '100000,1000000')).split(',').map(Number)
const PUBLISH = num('BENCH_PUBLISH', quick ? 4_000 : 20_000)
const BATCH = num('BENCH_BATCH', 100)
const PAYLOAD = num('BENCH_PAYLOAD', 256)
const QUERIES = num('BENCH_QUERIES', quick ? 500 : 2_000)
const CONCURRENCY = num('BENCH_CONCURRENCY', 8)
const PER_TOPIC = 1_000
/** BENCH_ONLY=publish or BENCH_ONLY=query runs one half. */
const ONLY = process.env.BENCH_ONLY ?? ''
const SAMPLES = num('BENCH_SAMPLES', quick ? 200 : 500)

const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'))
const rows: string[][] = []
const payload = Buffer.alloc(PAYLOAD, 0x5a)
let stamp = 1_700_000_000_000_000_000n
let rawRuns = 0

function report(name: string, figure: string, note = '') {
  rows.push([name, figure, note])
  console.error(`  ${name}: ${figure} ${note}`)
}

const rate = (count: number, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString('en-US')} env/s`

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

const envelope = (topic: string) => ({ contentTopic: topic, timestampNs: ++stamp, message: payload })
const jsonEnvelope = (topic: string) => ({ contentTopic: topic, timestampNs: String(++stamp), message: payload.toString('base64') })

/** The ceiling: better-sqlite3 inserting the same rows with the same schema and pragmas. */
function rawSqlite(sync: 'FULL' | 'NORMAL', batch: number, count: number): number {
  const db = new Database(join(dir, `raw-${sync}-${batch}-${++rawRuns}.db`))
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${sync}`)
  db.exec(`CREATE TABLE envelopes (topic TEXT NOT NULL, sender_ts INTEGER NOT NULL, digest BLOB NOT NULL, receiver_ts INTEGER NOT NULL, payload BLOB NOT NULL);
           CREATE UNIQUE INDEX envelopes_topic_time_digest ON envelopes (topic, sender_ts, digest);`)
  const insert = db.prepare('INSERT OR IGNORE INTO envelopes VALUES (?, ?, ?, ?, ?)')
  const many = db.transaction((items: { topic: string; ts: bigint; digest: Uint8Array }[]) => {
    for (const r of items) insert.run(r.topic, r.ts, r.digest, 0, payload)
  })
  const start = performance.now()
  for (let done = 0; done < count; done += batch) {
    const items = Array.from({ length: Math.min(batch, count - done) }, (_, i) => {
      const topic = `/xmtp/0/m-raw${(done + i) % 100}/proto`
      return { topic, ts: ++stamp - (1n << 63n), digest: envelopeDigest(topic, payload) }
    })
    many(items)
  }
  const ms = performance.now() - start
  db.close()
  return ms
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers })
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${await response.text()}`)
  await response.arrayBuffer()
}

async function publishOverHttp(label: string, options: { batch: number; count: number; auth: boolean; sync: 'full' | 'normal' }) {
  const node = await startNode({ db: join(dir, `http-${label}.db`), auth: options.auth, rateLimits: false, sync: options.sync })
  try {
    const headers: Record<string, string> = {}
    if (options.auth) headers.Authorization = `Bearer ${await (await createIdentity()).token()}`
    const requests = Math.ceil(options.count / options.batch)
    let next = 0
    const worker = async () => {
      while (next < requests) {
        next++
        const envelopes = Array.from({ length: options.batch }, (_, i) => jsonEnvelope(`/xmtp/0/m-http${(next + i) % 100}/proto`))
        await postJson(`${node.url}/message/v1/publish`, { envelopes }, headers)
      }
    }
    const start = performance.now()
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    return performance.now() - start
  } finally {
    await node.stop()
  }
}

async function seed(store: SqliteEnvelopeStore, from: number, to: number) {
  const start = performance.now()
  const chunk = 5_000
  for (let n = from; n < to; n += chunk) {
    const batch = []
    for (let i = n; i < Math.min(to, n + chunk); i++) batch.push(envelope(`/xmtp/0/m-seed${Math.floor(i / PER_TOPIC)}/proto`))
    await store.insert(batch)
  }
  return performance.now() - start
}

async function queryLatencies(size: number, dbPath: string) {
  const topics = Math.floor(size / PER_TOPIC)
  const pick = () => `/xmtp/0/m-seed${Math.floor(Math.random() * topics)}/proto`
  // In-process: the store alone.
  const store = new SqliteEnvelopeStore({ path: dbPath })
  const storeTimes: number[] = []
  for (let i = 0; i < QUERIES; i++) {
    const ascending = i % 2 === 0
    const start = performance.now()
    const page = await store.query({ topics: [pick()], ascending, limit: 100 })
    const last = page[page.length - 1]!
    await store.query({ topics: [pick()], ascending, limit: 100, cursor: { senderTimeNs: last.timestampNs, digest: last.digest } })
    storeTimes.push((performance.now() - start) / 2)
  }
  await store.close()
  // Over HTTP: a node process on the same file, first pages and cursor pages, both directions.
  const node = await startNode({ db: dbPath, auth: false, rateLimits: false })
  const httpTimes: number[] = []
  try {
    for (let i = 0; i < QUERIES; i++) {
      const direction = i % 2 === 0 ? 'SORT_DIRECTION_ASCENDING' : 'SORT_DIRECTION_DESCENDING'
      const start = performance.now()
      const response = await fetch(`${node.url}/message/v1/query`, { method: 'POST', body: JSON.stringify({ contentTopics: [pick()], pagingInfo: { limit: 100, direction } }) })
      const body = (await response.json()) as { envelopes: unknown[]; pagingInfo: { cursor: unknown } }
      httpTimes.push(performance.now() - start)
      if (body.envelopes.length !== 100) throw new Error(`expected a full page, got ${body.envelopes.length}`)
      const start2 = performance.now()
      await (await fetch(`${node.url}/message/v1/query`, { method: 'POST', body: JSON.stringify({ contentTopics: [pick()], pagingInfo: { limit: 100, direction, cursor: body.pagingInfo.cursor } }) })).json()
      httpTimes.push(performance.now() - start2)
    }
  } finally {
    await node.stop()
  }
  storeTimes.sort((a, b) => a - b)
  httpTimes.sort((a, b) => a - b)
  const fmt = (t: number[]) => `p50 ${percentile(t, 50).toFixed(2)} ms, p99 ${percentile(t, 99).toFixed(2)} ms`
  report(`query 100-row page at ${size.toLocaleString('en-US')}: store`, fmt(storeTimes), `${QUERIES * 2} queries, ${topics} topics`)
  report(`query 100-row page at ${size.toLocaleString('en-US')}: HTTP`, fmt(httpTimes), `target p99 ≤ 10 ms at 1M`)
}

async function main() {
  console.error(`Parley node bench (publish ${PUBLISH}, batch ${BATCH}, payload ${PAYLOAD} B, sizes ${SIZES.join('/')}, ${QUERIES} queries); working in ${dir}`)
  try {
    if (ONLY === '' || ONLY === 'publish') await publishBench()
    if (ONLY === '' || ONLY === 'query') await queryBench()
    if (ONLY === '' || ONLY === 'hostile') {
      await attackLatency(report, { samples: SAMPLES, maxBodyBytes: DEFAULT_MAX_BODY_BYTES })
      await fanOutLatency(report, { subscriberCounts: [1, 100, 1_000], publishes: quick ? 20 : 50 })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  printTable()
}

async function publishBench() {
  const raw = rawSqlite('FULL', BATCH, PUBLISH)
  report(`raw better-sqlite3, ${BATCH}/txn, sync FULL`, rate(PUBLISH, raw), 'one fsync per 100')
  const rawSingle = rawSqlite('FULL', 1, Math.min(PUBLISH, 2_000))
  report('raw better-sqlite3, 1/txn, sync FULL', rate(Math.min(PUBLISH, 2_000), rawSingle), 'one fsync per envelope')
  const rawSingleNormal = rawSqlite('NORMAL', 1, Math.min(PUBLISH, 2_000))
  report('raw better-sqlite3, 1/txn, sync NORMAL', rate(Math.min(PUBLISH, 2_000), rawSingleNormal))
  // One envelope per request against this code and the baseline, load from its own process,
  // measured over a timed window per row and round (bench/lib/load.ts).
  const seconds = num('BENCH_SECONDS', quick ? 3 : 5)
  const warmupSeconds = num('BENCH_WARMUP', 1)
  await publishComparison(report, { dir, baseline: process.env.BENCH_BASELINE ?? 'HEAD~1', seconds, warmupSeconds, rounds: num('BENCH_ROUNDS', quick ? 3 : 5) })
  await cpuPerRequest(report, { dir, seconds, warmupSeconds })
  report(`HTTP publish, ${BATCH} envelopes/request, sync full`, rate(PUBLISH, await publishOverHttp('batch-full', { batch: BATCH, count: PUBLISH, auth: false, sync: 'full' })), `${CONCURRENCY} clients (fetch)`)
}

async function queryBench() {

    const dbPath = join(dir, 'query.db')
    let stored = 0
    for (const size of [...SIZES].sort((a, b) => a - b)) {
      const store = new SqliteEnvelopeStore({ path: dbPath, sync: 'normal' })
      const ms = await seed(store, stored, size)
      report(`seed ${stored.toLocaleString('en-US')} → ${size.toLocaleString('en-US')} via store.insert`, rate(size - stored, ms), '5,000/txn')
      stored = size
      await store.close()
      await queryLatencies(size, dbPath)
    }
}

function printTable() {
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length), ['measure', 'figure', 'note'][c]!.length))
  const line = (r: string[]) => `| ${r.map((v, c) => v.padEnd(widths[c]!)).join(' | ')} |`
  console.log(line(['measure', 'figure', 'note']))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const r of rows) console.log(line(r))
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
