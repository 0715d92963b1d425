// Store benchmark: the node on PostgreSQL next to the node on embedded SQLite, in the same run.
// Publish throughput over HTTP (1 and 100 envelopes per request), 100-row query latency at
// 1M stored envelopes, and two node processes on one PostgreSQL database against one.
//
//   npm run bench -- stores                    full run (1M envelopes)
//   BENCH_QUICK=1 npm run bench -- stores      quick run (50k)
// Sizes: BENCH_SIZE=1000000  BENCH_PUBLISH=20000  BENCH_BATCH=100  BENCH_PAYLOAD=256
//        BENCH_QUERIES=1000  BENCH_CONCURRENCY=8
// Without PARLEY_TEST_DATABASE_URL it re-runs itself under scripts/with-postgres.sh, which
// starts a throwaway PostgreSQL server (installing Debian's postgresql when missing).

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PostgresEnvelopeStore } from '../src/node/store/postgres.ts'
import { SqliteEnvelopeStore } from '../src/node/store/sqlite.ts'
import type { EnvelopeStore } from '../src/node/store/types.ts'
import { startNode, type NodeProcess } from '../src/node/testing/node-process.ts'
import { createTestDatabase } from '../src/node/testing/postgres.ts'

if (!process.env.PARLEY_TEST_DATABASE_URL) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const self = fileURLToPath(import.meta.url)
  const result = spawnSync('bash', ['scripts/with-postgres.sh', process.execPath, '--import', 'tsx', self], { cwd: root, stdio: 'inherit' })
  process.exit(result.status ?? 1)
}

const quick = process.env.BENCH_QUICK === '1'
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback)
const SIZE = num('BENCH_SIZE', quick ? 50_000 : 1_000_000)
const PUBLISH = num('BENCH_PUBLISH', quick ? 4_000 : 20_000)
const BATCH = num('BENCH_BATCH', 100)
const PAYLOAD = num('BENCH_PAYLOAD', 256)
const QUERIES = num('BENCH_QUERIES', quick ? 300 : 1_000)
const CONCURRENCY = num('BENCH_CONCURRENCY', 8)
const PER_TOPIC = 1_000

const dir = mkdtempSync(join(tmpdir(), 'parley-bench-stores-'))
const payload = Buffer.alloc(PAYLOAD, 0x5a)
let stamp = 1_700_000_000_000_000_000n
const rows: string[][] = []

const rate = (count: number, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString('en-US')} env/s`
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
const latency = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b)
  return `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`
}

function report(measure: string, sqlite: string, postgres: string, note = '') {
  rows.push([measure, sqlite, postgres, note])
  console.error(`  ${measure}: SQLite ${sqlite} | PostgreSQL ${postgres} ${note}`)
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) })
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${await response.text()}`)
  return response.json()
}

type Kind = 'sqlite' | 'postgres'
const nodeOn = async (kind: Kind, label: string, databaseUrl?: string): Promise<NodeProcess> =>
  kind === 'sqlite'
    ? startNode({ db: join(dir, `${label}.db`), auth: false, rateLimits: false })
    : startNode({ databaseUrl: databaseUrl ?? (await createTestDatabase()), auth: false, rateLimits: false })

/** CONCURRENCY clients publishing `count` envelopes, `batch` per request, spread over the nodes. */
async function publish(nodes: NodeProcess[], batch: number, count: number): Promise<number> {
  const requests = Math.ceil(count / batch)
  let next = 0
  const worker = async (w: number) => {
    const node = nodes[w % nodes.length]!
    while (next < requests) {
      const n = next++
      const envelopes = Array.from({ length: batch }, (_, i) => ({
        contentTopic: `/xmtp/0/m-pub${(n + i) % 100}/proto`,
        timestampNs: String(++stamp),
        message: payload.toString('base64'),
      }))
      await postJson(`${node.url}/message/v1/publish`, { envelopes })
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)))
  return performance.now() - start
}

const ROUNDS = num('BENCH_ROUNDS', 3)
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** Median rate over ROUNDS rounds, the contenders taking turns first so load hits all alike. */
async function rounds(contenders: Record<string, () => Promise<number>>, count: number): Promise<Record<string, string>> {
  const names = Object.keys(contenders)
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse()
    for (const name of order) times[name]!.push(await contenders[name]!())
  }
  return Object.fromEntries(names.map((n) => [n, rate(count, median(times[n]!))]))
}

async function publishBench() {
  const single = Math.min(PUBLISH, 3_000)
  const [sqlite, postgres] = await Promise.all([nodeOn('sqlite', 'publish'), nodeOn('postgres', 'publish')])
  try {
    await publish([sqlite], 1, 200) // warm both up (JIT, connections) before measuring
    await publish([postgres], 1, 200)
    const one = await rounds({ sqlite: () => publish([sqlite], 1, single), postgres: () => publish([postgres], 1, single) }, single)
    report('HTTP publish, 1 envelope/request', one.sqlite!, one.postgres!, `${CONCURRENCY} clients; durable before 200 on both; median of ${ROUNDS}`)
    const many = await rounds({ sqlite: () => publish([sqlite], BATCH, PUBLISH), postgres: () => publish([postgres], BATCH, PUBLISH) }, PUBLISH)
    report(`HTTP publish, ${BATCH} envelopes/request`, many.sqlite!, many.postgres!, `${CONCURRENCY} clients; median of ${ROUNDS}`)
  } finally {
    await Promise.all([sqlite.stop(), postgres.stop()])
  }
}

async function twoNodesBench() {
  const url = await createTestDatabase()
  const [one, two] = await Promise.all([nodeOn('postgres', 'one', url), nodeOn('postgres', 'two', url)])
  try {
    await publish([one, two], 1, 200)
    const single = Math.min(PUBLISH, 3_000)
    const a = await rounds({ one: () => publish([one], 1, single), two: () => publish([one, two], 1, single) }, single)
    report('PostgreSQL, 1 envelope/request: one node vs two nodes on one database', '', `${a.one} vs ${a.two}`, `${CONCURRENCY} clients split over the nodes; 2 cores shared by nodes, server and clients`)
    const b = await rounds({ one: () => publish([one], BATCH, PUBLISH), two: () => publish([one, two], BATCH, PUBLISH) }, PUBLISH)
    report(`PostgreSQL, ${BATCH} envelopes/request: one node vs two nodes on one database`, '', `${b.one} vs ${b.two}`, `median of ${ROUNDS}`)
  } finally {
    await Promise.all([one.stop(), two.stop()])
  }
}

async function seed(store: EnvelopeStore, size: number): Promise<number> {
  const start = performance.now()
  const chunk = 5_000
  for (let n = 0; n < size; n += chunk) {
    const batch = []
    for (let i = n; i < Math.min(size, n + chunk); i++) batch.push({ contentTopic: `/xmtp/0/m-seed${Math.floor(i / PER_TOPIC)}/proto`, timestampNs: ++stamp, message: payload })
    await store.insert(batch)
  }
  return performance.now() - start
}

async function queryTimes(node: NodeProcess): Promise<number[]> {
  const topics = Math.floor(SIZE / PER_TOPIC)
  const pick = () => `/xmtp/0/m-seed${Math.floor(Math.random() * topics)}/proto`
  const times: number[] = []
  for (let i = 0; i < QUERIES; i++) {
    const direction = i % 2 === 0 ? 'SORT_DIRECTION_ASCENDING' : 'SORT_DIRECTION_DESCENDING'
    let start = performance.now()
    const first = (await postJson(`${node.url}/message/v1/query`, { contentTopics: [pick()], pagingInfo: { limit: 100, direction } })) as { envelopes: unknown[]; pagingInfo: { cursor: unknown } }
    times.push(performance.now() - start)
    if (first.envelopes.length !== 100) throw new Error(`expected a full page, got ${first.envelopes.length}`)
    start = performance.now()
    await postJson(`${node.url}/message/v1/query`, { contentTopics: [pick()], pagingInfo: { limit: 100, direction, cursor: first.pagingInfo.cursor } })
    times.push(performance.now() - start)
  }
  return times
}

async function queryBench() {
  const sqlitePath = join(dir, 'query.db')
  const sqliteStore = new SqliteEnvelopeStore({ path: sqlitePath, sync: 'normal' })
  const sqliteSeed = await seed(sqliteStore, SIZE)
  await sqliteStore.close()
  const url = await createTestDatabase()
  const pgStore = await PostgresEnvelopeStore.open({ url })
  const pgSeed = await seed(pgStore, SIZE)
  await pgStore.database.query('VACUUM ANALYZE envelopes') // what autovacuum does after a bulk load
  await pgStore.close()
  report(`seed ${SIZE.toLocaleString('en-US')} envelopes via store.insert (5,000 per call)`, rate(SIZE, sqliteSeed), rate(SIZE, pgSeed), 'SQLite with sync normal')
  const sqliteNode = await startNode({ db: sqlitePath, auth: false, rateLimits: false })
  const pgNode = await startNode({ databaseUrl: url, auth: false, rateLimits: false })
  try {
    // Alternate the two nodes in rounds so machine noise hits both alike.
    const sqliteTimes: number[] = []
    const pgTimes: number[] = []
    for (let round = 0; round < 4; round++) {
      sqliteTimes.push(...(await queryTimes(sqliteNode)))
      pgTimes.push(...(await queryTimes(pgNode)))
    }
    report(`HTTP query, 100-row page at ${SIZE.toLocaleString('en-US')} stored`, latency(sqliteTimes), latency(pgTimes), `${sqliteTimes.length} queries each, first and cursor pages, both directions`)
  } finally {
    await Promise.all([sqliteNode.stop(), pgNode.stop()])
  }
}

function printTable() {
  const head = ['measure', 'SQLite', 'PostgreSQL', 'note']
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)))
  const line = (r: string[]) => `| ${r.map((v, c) => v.padEnd(widths[c]!)).join(' | ')} |`
  console.log(line(head))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const r of rows) console.log(line(r))
}

async function main() {
  console.error(`Parley store bench (publish ${PUBLISH}, batch ${BATCH}, payload ${PAYLOAD} B, query at ${SIZE}, ${QUERIES}×2×4 queries); working in ${dir}`)
  try {
    await publishBench()
    await twoNodesBench()
    await queryBench()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  printTable()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
