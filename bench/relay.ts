// Relay benchmark: a network of 12 node processes on loopback beside one of 3, in the same run
// and with the same default peer bounds (8 to 16), measuring for each:
//  - relay latency from the farthest node: single-envelope publishes at a low steady rate at
//    the node with the most hops to a subscriber, received on that subscriber's stream;
//  - connections per node (min / mean / max) and peers per node;
//  - convergence after a node rejoins with 10,000 envelopes missing (killed with SIGKILL,
//    10,000 published elsewhere meanwhile, restarted on its database): from its restart to
//    holding them all;
//  - the anti-entropy cost per round when nothing is missing: bytes read and CPU of the asking
//    node (mean over every node's rounds);
//  - memory per node (RSS) after all of the above;
// plus a single node's publish → stream latency as the floor.
// Publish auth and rate limits are off: this measures the network, not token checks.
//
//   npm run bench -- relay                 BENCH_QUICK=1 npm run bench -- relay
// Knobs: BENCH_SIZES=3,12  BENCH_RATE=20 (latency publishes/s)  BENCH_LATENCY=300
//        BENCH_MISSING=10000  BENCH_AE_SECONDS=5 (anti-entropy interval)

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { healthOf, peersOf, startNetNode, waitFor, type NetNode } from '../src/node/p2p/testing.ts'
import { openStream } from '../src/node/testing/http.ts'
import { startNode, type NodeProcess } from '../src/node/testing/node-process.ts'

const quick = process.env.BENCH_QUICK === '1'
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback)
const SIZES = (process.env.BENCH_SIZES ?? '3,12').split(',').map(Number)
const RATE = num('BENCH_RATE', 20)
const LATENCY_COUNT = num('BENCH_LATENCY', quick ? 100 : 300)
const MISSING = num('BENCH_MISSING', quick ? 2_000 : 10_000)
const AE_SECONDS = num('BENCH_AE_SECONDS', 5)
const BATCH = 100

const dir = mkdtempSync(join(tmpdir(), 'parley-bench-relay-'))
const common = { auth: false, rateLimits: false as const, sync: 'normal' as const, logLevel: 'warn', timeoutMs: 120_000 }
const payload = Buffer.alloc(256, 0x5a).toString('base64')
let stamp = 0n
/** Sender timestamps: now, and strictly increasing. */
function nextStamp(): string {
  const now = BigInt(Date.now()) * 1_000_000n
  stamp = now > stamp ? now : stamp + 1n
  return String(stamp)
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
const mean = (values: number[]) => values.reduce((x, y) => x + y, 0) / values.length
const spread = (values: number[], digits = 0) => `${Math.min(...values).toFixed(digits)} / ${mean(values).toFixed(digits)} / ${Math.max(...values).toFixed(digits)}`
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

async function publish(node: NodeProcess, envelopes: unknown[]): Promise<void> {
  const response = await fetch(`${node.url}/message/v1/publish`, { method: 'POST', body: JSON.stringify({ envelopes }) })
  if (response.status !== 200) throw new Error(`publish answered ${response.status}: ${await response.text()}`)
  await response.arrayBuffer()
}

const envelopesOf = async (node: NodeProcess) => (await healthOf(node)).envelopes as number

/** Publishes `count` single envelopes at `from` at RATE/s; each one's time to `to`'s stream, sorted. */
async function latency(from: NodeProcess, to: NodeProcess, label: string, count: number): Promise<number[]> {
  const topic = `/xmtp/0/m-bench-latency-${label}/proto`
  const stream = await openStream(`${to.url}/message/v1/subscribe`, { contentTopics: [topic] })
  const sentAt = new Map<string, number>()
  const times: number[] = []
  const receiving = (async () => {
    while (times.length < count) {
      for (const line of await stream.next(1, 60_000)) {
        const started = sentAt.get(line.result.timestampNs)
        if (started !== undefined) times.push(performance.now() - started)
      }
    }
  })()
  const begin = performance.now()
  for (let i = 0; i < count; i++) {
    const wait = begin + (i * 1000) / RATE - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const ts = nextStamp()
    sentAt.set(ts, performance.now())
    void publish(from, [{ contentTopic: topic, timestampNs: ts, message: payload }])
  }
  await receiving
  stream.close()
  return times.sort((x, y) => x - y)
}

/** Hops from `start` to every node over the relaying peer graph. */
async function hops(nodes: NetNode[], start: NetNode): Promise<Map<string, number>> {
  const graph = new Map<string, string[]>()
  for (const node of nodes) graph.set(node.peerId, (await peersOf(node)).peers.filter((p) => p.relaying).map((p) => p.peerId))
  const distance = new Map([[start.peerId, 0]])
  for (const id of distance.keys()) for (const next of graph.get(id) ?? []) if (!distance.has(next)) distance.set(next, distance.get(id)! + 1)
  return distance
}

type Figures = Record<string, string>

async function measure(size: number): Promise<Figures> {
  const figures: Figures = {}
  const args = ['--anti-entropy-interval', String(AE_SECONDS)]
  const startAt = (i: number, bootstrap: string[]) => startNetNode({ ...common, db: join(dir, `n${size}-${i}.db`), args, bootstrap })
  const nodes: NetNode[] = [await startAt(0, [])]
  nodes.push(...(await Promise.all(Array.from({ length: size - 1 }, (_, i) => startAt(i + 1, [nodes[0]!.bareAddress])))))
  try {
    const wanted = Math.min(size - 1, 8)
    await waitFor(`${size} nodes to reach their low watermark in one network`, async () => {
      const all = await Promise.all(nodes.map(async (n) => (await peersOf(n)).peers.filter((p) => p.relaying).length))
      return all.every((count) => count >= wanted) && (await hops(nodes, nodes[0]!)).size === size
    }, 180_000)

    const subscriber = nodes[size - 1]!
    const distance = await hops(nodes, subscriber)
    const farthest = nodes.reduce((best, n) => ((distance.get(n.peerId) ?? 0) > (distance.get(best.peerId) ?? 0) ? n : best), nodes[0]!)
    await latency(farthest, subscriber, `warmup-${size}`, Math.min(50, LATENCY_COUNT))
    const times = await latency(farthest, subscriber, `far-${size}`, LATENCY_COUNT)
    figures[`relay latency from the farthest node (${RATE}/s)`] = `p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms (${distance.get(farthest.peerId)} hops)`

    const overviews = await Promise.all(nodes.map((n) => peersOf(n)))
    figures['connections per node (min / mean / max)'] = spread(overviews.map((o) => o.connections), 1)
    figures['peers per node (min / mean / max)'] = spread(overviews.map((o) => o.peers.length), 1)

    // Rejoin: the subscriber goes down, MISSING envelopes are published at node 0, it comes back.
    await subscriber.kill('SIGKILL')
    const others = nodes.filter((n) => n !== subscriber)
    const expected = (await envelopesOf(nodes[0]!)) + MISSING
    for (let sent = 0; sent < MISSING; sent += BATCH) {
      const envelopes = Array.from({ length: Math.min(BATCH, MISSING - sent) }, (_, i) => ({ contentTopic: `/xmtp/0/m-bench-rejoin-${(sent + i) % 40}/proto`, timestampNs: nextStamp(), message: payload }))
      await publish(nodes[0]!, envelopes)
    }
    const published = Date.now()
    await waitFor('the others to store the missing envelopes', async () => (await Promise.all(others.map(envelopesOf))).every((n) => n >= expected), 600_000)
    const restarted = performance.now()
    const back = await startAt(size - 1, [nodes[0]!.bareAddress])
    nodes[size - 1] = back
    await waitFor('the rejoined node to converge', async () => (await envelopesOf(back)) >= expected, 600_000)
    figures[`convergence after rejoining with ${MISSING.toLocaleString('en-US')} missing`] = `${((performance.now() - restarted) / 1000).toFixed(1)} s (from process start)`

    // Anti-entropy with nothing missing, the rejoin's envelopes inside the compared window
    // (which ends 30 s ago, on a whole minute): every node's rounds over two intervals and more.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, published + 95_000 - Date.now())))
    const before = await Promise.all(nodes.map(async (n) => (await healthOf(n)).p2p.antiEntropy))
    await waitFor('two anti-entropy rounds on every node', async () => {
      const now = await Promise.all(nodes.map(async (n) => (await healthOf(n)).p2p.antiEntropy))
      return now.every((s, i) => s.rounds >= before[i].rounds + 2)
    }, AE_SECONDS * 40_000)
    const after = await Promise.all(nodes.map(async (n) => (await healthOf(n)).p2p.antiEntropy))
    const rounds = after.reduce((sum, s, i) => sum + s.rounds - before[i].rounds, 0)
    const bytes = after.reduce((sum, s, i) => sum + s.bytesReceived - before[i].bytesReceived, 0)
    const cpu = after.reduce((sum, s, i) => sum + s.cpuMs - before[i].cpuMs, 0)
    const stored = after.reduce((sum, s, i) => sum + s.storedEnvelopes - before[i].storedEnvelopes, 0)
    figures['anti-entropy round, nothing missing (asker)'] = `${Math.round(bytes / rounds)} B read, ${(cpu / rounds).toFixed(1)} ms CPU (${rounds} rounds, ${MISSING.toLocaleString('en-US')}+ envelopes in the window, ${stored} stored)`

    const rss = nodes.map((n) => rssMiB(n.pid))
    figures['memory per node, RSS (min / mean / max)'] = `${spread(rss)} MiB`
    return figures
  } finally {
    await Promise.all(nodes.map((n) => n.stop()))
  }
}

async function main() {
  console.error(`relay bench: ${quick ? 'quick' : 'full'} run; sizes ${SIZES.join(', ')}; latency ${LATENCY_COUNT} at ${RATE}/s; ${MISSING} missing on rejoin`)
  const single = await startNode({ ...common, db: join(dir, 'single.db') })
  let floor: number[]
  try {
    await latency(single, single, 'warmup-single', 50)
    floor = await latency(single, single, 'single', LATENCY_COUNT)
  } finally {
    await single.stop()
  }
  const results: Figures[] = []
  for (const size of SIZES) {
    console.error(`  ${size} nodes…`)
    results.push(await measure(size))
    console.error(results.at(-1))
  }
  rmSync(dir, { recursive: true, force: true })
  console.log(`| measurement | ${SIZES.map((s) => `${s} nodes`).join(' | ')} |\n|---|${SIZES.map(() => '---|').join('')}`)
  console.log(`| publish → stream on one node (floor) | ${SIZES.map(() => `p50 ${pct(floor, 50).toFixed(1)} ms, p99 ${pct(floor, 99).toFixed(1)} ms`).join(' | ')} |`)
  for (const key of Object.keys(results[0]!)) {
    console.log(`| ${key} | ${results.map((r) => r[key] ?? '').join(' | ')} |`)
  }
}

main().catch((err) => {
  console.error(err)
  rmSync(dir, { recursive: true, force: true })
  process.exit(1)
})
