// Relay benchmark: three node processes on loopback (libp2p gossipsub between them), measured
// against a single node in the same run.
//  - latency A → C: single-envelope publishes at A at a steady rate, received on a subscribe
//    stream at C (p50, p99), next to the same publish → stream path on one node;
//  - sustained relayed throughput: batched publishes at all three nodes at once, timed until
//    every node stores every envelope, next to the same publishes into one node (no p2p).
// Publish auth and rate limits are off: this measures the relay, not token checks.
//
//   npm run bench -- relay                 BENCH_QUICK=1 npm run bench -- relay
// Knobs: BENCH_RATE=100 (latency publishes/s)  BENCH_LATENCY=1000  BENCH_THROUGHPUT=30000
//        BENCH_BATCH=100  BENCH_PAYLOAD=256  BENCH_CONCURRENCY=4

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { healthOf, startNetNode, waitFor, waitForPeers, type NetNode } from '../src/node/p2p/testing.ts'
import { openStream } from '../src/node/testing/http.ts'
import { startNode, type NodeProcess } from '../src/node/testing/nodeProcess.ts'

const quick = process.env.BENCH_QUICK === '1'
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback)
const RATE = num('BENCH_RATE', 100)
const LATENCY_COUNT = num('BENCH_LATENCY', quick ? 300 : 1_000)
const THROUGHPUT = num('BENCH_THROUGHPUT', quick ? 9_000 : 30_000)
const BATCH = num('BENCH_BATCH', 100)
const PAYLOAD = num('BENCH_PAYLOAD', 256)
const CONCURRENCY = num('BENCH_CONCURRENCY', 4)

const dir = mkdtempSync(join(tmpdir(), 'parley-bench-relay-'))
const common = { auth: false, rateLimits: false as const, sync: 'normal' as const, logLevel: 'warn' }
const payload = Buffer.alloc(PAYLOAD, 0x5a).toString('base64')
let stamp = 1_700_000_000_000_000_000n
const rows: string[][] = []

function report(name: string, figure: string, note = '') {
  rows.push([name, figure, note])
  console.error(`  ${name}: ${figure} ${note}`)
}
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
const ms = (v: number) => `${v.toFixed(1)} ms`
const perSecond = (count: number, elapsedMs: number) => `${Math.round((count / elapsedMs) * 1000).toLocaleString('en-US')} env/s`

async function publish(node: NodeProcess, envelopes: unknown[]): Promise<void> {
  const response = await fetch(`${node.url}/message/v1/publish`, { method: 'POST', body: JSON.stringify({ envelopes }) })
  if (response.status !== 200) throw new Error(`publish answered ${response.status}: ${await response.text()}`)
  await response.arrayBuffer()
}

/** Publishes `count` single envelopes at `from` at RATE/s; returns each one's time to `to`'s stream. */
async function latency(from: NodeProcess, to: NodeProcess, label: string, count: number): Promise<number[]> {
  const topic = `/xmtp/0/m-bench-latency-${label}/proto`
  const stream = await openStream(`${to.url}/message/v1/subscribe`, { contentTopics: [topic] })
  const sentAt = new Map<string, number>()
  const times: number[] = []
  const receiving = (async () => {
    while (times.length < count) {
      for (const line of await stream.next(1, 30_000)) {
        const started = sentAt.get(line.result.timestampNs)
        if (started !== undefined) times.push(performance.now() - started)
      }
    }
  })()
  const interval = 1000 / RATE
  const begin = performance.now()
  for (let i = 0; i < count; i++) {
    const due = begin + i * interval
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const ts = String(++stamp)
    sentAt.set(ts, performance.now())
    void publish(from, [{ contentTopic: topic, timestampNs: ts, message: payload }])
  }
  await receiving
  stream.close()
  return times.sort((x, y) => x - y)
}

/** Batched publishes spread over `targets`, CONCURRENCY requests in flight per target. */
async function flood(targets: NodeProcess[], total: number, label: string): Promise<void> {
  const perTarget = Math.ceil(total / targets.length / BATCH)
  await Promise.all(
    targets.map(async (node, t) => {
      let next = 0
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < perTarget) {
            const r = next++
            const envelopes = Array.from({ length: BATCH }, (_, i) => ({
              contentTopic: `/xmtp/0/m-bench-${label}-${t}-${(r + i) % 50}/proto`,
              timestampNs: String(++stamp),
              message: payload,
            }))
            await publish(node, envelopes)
          }
        }),
      )
    }),
  )
}

async function main() {
  console.error(`relay bench: ${quick ? 'quick' : 'full'} run; ${LATENCY_COUNT} latency publishes at ${RATE}/s, ${THROUGHPUT} envelopes of ${PAYLOAD} B in batches of ${BATCH}`)
  const single = await startNode({ ...common, db: join(dir, 'single.db') })
  const a = await startNetNode({ ...common, db: join(dir, 'a.db') })
  const [b, c] = await Promise.all([
    startNetNode({ ...common, db: join(dir, 'b.db'), bootstrap: [a.bareAddress] }),
    startNetNode({ ...common, db: join(dir, 'c.db'), bootstrap: [a.bareAddress] }),
  ])
  const nodes: NetNode[] = [a, b, c]
  try {
    await Promise.all(nodes.map((n) => waitForPeers(n, nodes.filter((m) => m !== n).map((m) => m.peerId))))
    // Warm-up (JIT, connections, gossip mesh): not measured.
    await latency(a, c, 'warmup', Math.min(200, LATENCY_COUNT))
    await latency(single, single, 'warmup-single', Math.min(200, LATENCY_COUNT))

    const local = await latency(single, single, 'single', LATENCY_COUNT)
    report('publish → stream, one node', `p50 ${ms(pct(local, 50))}, p99 ${ms(pct(local, 99))}`, `(${RATE}/s, baseline)`)
    const relayed = await latency(a, c, 'a-to-c', LATENCY_COUNT)
    report('publish at A → stream at C', `p50 ${ms(pct(relayed, 50))}, p99 ${ms(pct(relayed, 99))}`, `(${RATE}/s)`)

    let started = performance.now()
    await flood([single], THROUGHPUT, 'single')
    report('single node: publish (acknowledged)', perSecond(THROUGHPUT, performance.now() - started), `(batches of ${BATCH}, baseline)`)

    const before = await Promise.all(nodes.map(async (n) => (await healthOf(n)).envelopes as number))
    const perTarget = Math.ceil(THROUGHPUT / nodes.length / BATCH) * BATCH
    const expected = before.map((count) => count + perTarget * nodes.length)
    started = performance.now()
    await flood(nodes, THROUGHPUT, 'net')
    const acknowledged = performance.now() - started
    await waitFor('every node to store every envelope', async () => {
      const counts = await Promise.all(nodes.map(async (n) => (await healthOf(n)).envelopes as number))
      return counts.every((count, i) => count >= expected[i]!)
    }, 600_000)
    const everywhere = performance.now() - started
    report('three nodes: publish at A, B, C (acknowledged)', perSecond(perTarget * nodes.length, acknowledged))
    report('three nodes: stored on every node', perSecond(perTarget * nodes.length, everywhere), `(each node stores ${perTarget * nodes.length} envelopes, 2/3 of them relayed)`)
    const dropped = (await Promise.all(nodes.map(async (n) => (await healthOf(n)).p2p.relay.droppedEnvelopes as number))).reduce((x, y) => x + y, 0)
    report('relay drops', String(dropped))
  } finally {
    await Promise.all([single, ...nodes].map((n) => n.stop()))
    rmSync(dir, { recursive: true, force: true })
  }
  console.log('| measurement | figure | note |\n|---|---|---|')
  for (const row of rows) console.log(`| ${row.join(' | ')} |`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
