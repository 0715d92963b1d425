// The publish half of bench/node.ts: one envelope per request, durable, 8 and 64 clients, this
// code and a baseline (the previous commit's code, BENCH_BASELINE, unpacked with git archive)
// side by side in one run, rows in random order after a warm-up; the mean commit group; the
// server's CPU per publish and per query over HTTP and gRPC; raw better-sqlite3 beside them.
// The load comes from bench/lib/load.ts in its own process.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GRPC_LISTENING_LINE, LISTENING_LINE } from '../../src/node/config.ts'
import type { LoadResult, LoadSpec } from './load.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const LOAD = fileURLToPath(new URL('./load.ts', import.meta.url))
type Report = (name: string, figure: string, note?: string) => void

interface RunningNode {
  url: string
  grpc: string | undefined
  pid: number
  stop(): Promise<void>
}

/** Unpacks `rev`'s src/ and package.json beside our node_modules; returns its CLI path. */
export function unpackBaseline(rev: string, dir: string): { cli: string; commit: string } {
  const commit = execFileSync('git', ['rev-parse', '--short', rev], { cwd: ROOT, encoding: 'utf8' }).trim()
  const target = join(dir, `baseline-${commit}`)
  mkdirSync(target, { recursive: true })
  execFileSync('sh', ['-c', `git archive ${commit} src package.json | tar -x -C "${target}"`], { cwd: ROOT })
  symlinkSync(join(ROOT, 'node_modules'), join(target, 'node_modules'))
  return { cli: join(target, 'src/node/cli.ts'), commit }
}

function startCli(cli: string, args: string[]): Promise<RunningNode> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', cli, '--host', '127.0.0.1', '--port', '0', '--no-auth', '--no-rate-limits', '--log-level', 'warn', ...args], {
    cwd: join(cli, '../../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const exited = new Promise<void>((done) => child.once('exit', () => done()))
    child.stderr!.on('data', (d) => (output += d))
    child.stdout!.on('data', (d) => {
      output += d
      const at = output.indexOf(LISTENING_LINE)
      if (at < 0 || output.indexOf('\n', at) < 0) return
      const url = output.slice(at + LISTENING_LINE.length, output.indexOf('\n', at)).trim()
      const g = output.indexOf(GRPC_LISTENING_LINE)
      const grpc = g < 0 ? undefined : output.slice(g + GRPC_LISTENING_LINE.length, output.indexOf('\n', g)).trim()
      resolve({ url, grpc, pid: child.pid!, stop: async () => void (child.kill('SIGTERM'), await exited) })
    })
    void exited.then(() => reject(new Error(`node exited:\n${output}`)))
  })
}

function load(spec: LoadSpec): LoadResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', LOAD, JSON.stringify(spec)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 })
  const result = JSON.parse(out.trim().split('\n').pop()!) as LoadResult
  if (result.errors > 0) throw new Error(`${result.errors} requests failed (${JSON.stringify({ ...spec, target: undefined })})`)
  if (result.requests === 0) throw new Error(`no request was answered in the window (${JSON.stringify({ ...spec, target: undefined })})`)
  return result
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const whole = (n: number) => Math.round(n).toLocaleString('en-US')

const shuffle = <T>(items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

export interface PublishOptions {
  dir: string
  baseline: string
  /** Measured window per row and round, after `warmupSeconds` of load. */
  seconds: number
  warmupSeconds: number
  rounds: number
}

/**
 * One envelope per request at 8 and 64 clients: this code with --sync full and --sync normal,
 * the baseline with --sync full. Every row runs once per round, each round in a fresh random
 * order, each time on a fresh node and database; a row's figure is the median of its rounds
 * (all rounds are printed too). The FULL and NORMAL rows of this code differ in --sync only.
 */
export async function publishComparison(report: Report, options: PublishOptions): Promise<void> {
  const current = join(ROOT, 'src/node/cli.ts')
  const base = unpackBaseline(options.baseline, options.dir)
  let seed = 0
  let db = 0
  interface Row { label: string; cli: string; args: string[]; clients: number; mine: boolean; rates: number[]; groups: number[] }
  const row = (label: string, cli: string, args: string[], clients: number, mine: boolean): Row => ({ label, cli, args, clients, mine, rates: [], groups: [] })
  const table = new Map<string, Row>()
  for (const clients of [8, 64]) {
    table.set(`full ${clients}`, row(`publish 1 env/request, sync full, ${clients} clients: this code`, current, ['--sync', 'full', '--no-grpc'], clients, true))
    table.set(`base ${clients}`, row(`publish 1 env/request, sync full, ${clients} clients: baseline ${base.commit}`, base.cli, ['--sync', 'full'], clients, false))
    table.set(`normal ${clients}`, row(`publish 1 env/request, sync normal, ${clients} clients: this code`, current, ['--sync', 'normal', '--no-grpc'], clients, true))
  }
  const rows = [...table.values()]
  for (let round = 0; round < options.rounds; round++) {
    for (const r of shuffle([...rows])) {
      const node = await startCli(r.cli, [...r.args, '--db', join(options.dir, `publish-${++db}.db`)])
      try {
        const result = load({
          transport: 'http',
          target: node.url,
          kind: 'publish',
          clients: r.clients,
          seconds: options.seconds,
          warmupSeconds: options.warmupSeconds,
          seed: ++seed,
          ...(r.mine && { metricsUrl: `${node.url}/metrics` }),
        })
        r.rates.push((result.requests / result.ms) * 1000)
        if (result.commits) r.groups.push(result.commitRequests! / result.commits)
      } finally {
        await node.stop()
      }
    }
  }
  const note = `median of ${options.rounds} rounds of ${options.seconds} s (after ${options.warmupSeconds} s warm-up), autocannon`
  for (const r of rows) {
    const group = r.groups.length > 0 ? ` (group ${median(r.groups).toFixed(1)})` : ''
    report(r.label, `${whole(median(r.rates))} env/s${group}`, `${note}; rounds ${r.rates.map(whole).join(' / ')}${r.groups.length > 0 ? `; groups ${r.groups.map((g) => g.toFixed(1)).join(' / ')}` : ''}`)
  }
  // The targets of issue 21, as ratios of medians within this run.
  const m = (key: string) => median(table.get(key)!.rates)
  for (const clients of [8, 64]) {
    const times = m(`full ${clients}`) / m(`base ${clients}`)
    report(`target: ${clients} clients, full, this code / baseline`, `${times.toFixed(2)}×`, times >= 2 ? 'holds (≥ 2×)' : 'misses (target ≥ 2×)')
    const ratio = m(`full ${clients}`) / m(`normal ${clients}`)
    report(`target: ${clients} clients, full / normal`, `${(ratio * 100).toFixed(0)} %`, ratio >= 0.9 ? 'holds (within 10 %)' : 'misses (target ≥ 90 %)')
  }
  const group = median(table.get('full 64')!.groups)
  report('target: mean commit group at 64 clients, full', `${group.toFixed(1)} of 64 in flight`, group >= 64 / 3 ? 'holds (≥ 21.3)' : 'misses (target ≥ 21.3)')
}

/** Server CPU per request (µs) of a publish and a 50-envelope query, over HTTP and gRPC. */
export async function cpuPerRequest(report: Report, options: { dir: string; seconds: number; warmupSeconds: number }): Promise<void> {
  const node = await startCli(join(ROOT, 'src/node/cli.ts'), ['--sync', 'normal', '--grpc-port', '0', '--db', join(options.dir, 'cpu.db')])
  try {
    const queryTopic = '/xmtp/0/m-cpu/proto'
    const seedBody = { envelopes: Array.from({ length: 50 }, (_, i) => ({ contentTopic: queryTopic, timestampNs: String(i + 1), message: Buffer.alloc(256, 1).toString('base64') })) }
    await fetch(`${node.url}/message/v1/publish`, { method: 'POST', body: JSON.stringify(seedBody) })
    let seed = 1_000
    const kinds = shuffle([
      { transport: 'http', kind: 'publish' },
      { transport: 'grpc', kind: 'publish' },
      { transport: 'http', kind: 'query' },
      { transport: 'grpc', kind: 'query' },
    ] as const)
    for (const { transport, kind } of kinds) {
      const spec = { transport, target: transport === 'http' ? node.url : node.grpc!, kind, clients: 8, queryTopic, serverPid: node.pid } as const
      const result = load({ ...spec, seconds: options.seconds, warmupSeconds: options.warmupSeconds, seed: ++seed })
      const us = (result.cpuSeconds! / result.requests) * 1e6
      const mainUs = (result.mainThreadCpuSeconds! / result.requests) * 1e6
      report(
        `server CPU per ${kind === 'query' ? 'query (50-envelope page)' : 'publish (1 envelope)'}, ${transport.toUpperCase()}`,
        `${Math.round(us)} µs (event loop ${Math.round(mainUs)} µs)`,
        `${whole(result.requests)} requests in ${options.seconds} s, 8 clients, sync normal; whole process, and its main thread alone`,
      )
    }
  } finally {
    await node.stop()
  }
}
