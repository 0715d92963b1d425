// The publish half of bench/node.ts: one envelope per request, durable, 8 and 64 clients, this
// code and a baseline (the previous commit's code, BENCH_BASELINE, unpacked with git archive)
// side by side in one run, rows in random order after a warm-up; the mean commit group; the
// server's CPU per publish and per query over HTTP and gRPC; raw better-sqlite3 beside them.
// The load comes from bench/lib/load.ts in its own process.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GRPC_LISTENING_LINE, LISTENING_LINE } from '../../src/node/config.ts'
import type { LoadSpec } from './load.ts'

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

/** CPU seconds (user + system) the process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in ticks of 1/100 s
}

function load(spec: LoadSpec): { requests: number; ms: number; errors: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', LOAD, JSON.stringify(spec)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 })
  const result = JSON.parse(out.trim().split('\n').pop()!) as { requests: number; ms: number; errors: number }
  if (result.errors > 0) throw new Error(`${result.errors} of ${result.requests} requests failed (${JSON.stringify({ ...spec, target: undefined })})`)
  return result
}

async function commitStats(url: string): Promise<{ commits: number; requests: number }> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const value = (name: string) => Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2] ?? NaN)
  return { commits: value('parley_store_commits_total'), requests: value('parley_store_commit_requests_total') }
}

const shuffle = <T>(items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

export async function publishComparison(report: Report, options: { dir: string; baseline: string; requests: number; warmup: number; rounds: number }): Promise<void> {
  const current = join(ROOT, 'src/node/cli.ts')
  const base = unpackBaseline(options.baseline, options.dir)
  let seed = 0
  let db = 0
  interface Row { label: string; cli: string; args: string[]; clients: number; groups?: boolean }
  const rows: Row[] = []
  for (const clients of [8, 64]) {
    rows.push({ label: `publish 1 env/request, sync full, ${clients} clients: this code`, cli: current, args: ['--sync', 'full', '--no-grpc'], clients, groups: true })
    rows.push({ label: `publish 1 env/request, sync full, ${clients} clients: baseline ${base.commit}`, cli: base.cli, args: ['--sync', 'full'], clients })
  }
  rows.push({ label: 'publish 1 env/request, sync normal, 64 clients: this code', cli: current, args: ['--sync', 'normal', '--no-grpc'], clients: 64, groups: true })
  // Every row runs `rounds` times, each round in a fresh random order: on a shared machine the
  // rows drift with its load, and the rounds show by how much.
  const figures = new Map<Row, string[]>(rows.map((r) => [r, []]))
  for (let round = 0; round < options.rounds; round++) {
    for (const row of shuffle([...rows])) {
      const node = await startCli(row.cli, [...row.args, '--db', join(options.dir, `publish-${++db}.db`)])
      try {
        load({ transport: 'http', target: node.url, kind: 'publish', clients: row.clients, requests: options.warmup, seed: ++seed })
        const before = row.groups ? await commitStats(node.url) : undefined
        const result = load({ transport: 'http', target: node.url, kind: 'publish', clients: row.clients, requests: options.requests, seed: ++seed })
        let figure = `${Math.round((result.requests / result.ms) * 1000).toLocaleString('en-US')}`
        if (before) {
          const after = await commitStats(node.url)
          figure += ` (group ${((after.requests - before.requests) / (after.commits - before.commits)).toFixed(1)})`
        }
        figures.get(row)!.push(figure)
      } finally {
        await node.stop()
      }
    }
  }
  for (const row of rows) {
    report(row.label, `${figures.get(row)!.join(' / ')} env/s`, `${options.requests} requests per round, autocannon${row.groups ? '; (mean commit group)' : ''}`)
  }
}

/** Server CPU per request (µs) of a publish and a 50-envelope query, over HTTP and gRPC. */
export async function cpuPerRequest(report: Report, options: { dir: string; requests: number; warmup: number }): Promise<void> {
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
      const spec = { transport, target: transport === 'http' ? node.url : node.grpc!, kind, clients: 8, queryTopic } as const
      load({ ...spec, requests: options.warmup, seed: ++seed })
      const before = cpuSeconds(node.pid)
      const result = load({ ...spec, requests: options.requests, seed: ++seed })
      const us = ((cpuSeconds(node.pid) - before) / result.requests) * 1e6
      report(`server CPU per ${kind === 'query' ? 'query (50-envelope page)' : 'publish (1 envelope)'}, ${transport.toUpperCase()}`, `${Math.round(us)} µs`, `${result.requests} requests, 8 clients, sync normal`)
    }
  } finally {
    await node.stop()
  }
}
