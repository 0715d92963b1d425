// The load generator of bench/node.ts, run as its own process so its CPU is not the node's:
// HTTP through autocannon (keep-alive connections, pipelining off), gRPC through one
// @grpc/grpc-js channel with `clients` calls in flight. Every publish carries a new envelope
// (a repeated one would be a duplicate the store skips). Prints a LoadResult as JSON.
//
// Measured by time, not by autocannon's figures: autocannon ends a run only on its next
// sampling tick (every second), so "N requests took T" read from outside rounds T up to whole
// seconds. Here the load runs `warmupSeconds` first (connections open, JIT warm), then a window
// of `seconds` in which every answer is counted and timed (performance.now, sub-millisecond):
// rate = answers in the window / (last answer − window start). The server's CPU time and its
// commit counters are read at the window's two ends, from here, so they cover the same span.
//
//   node --import tsx bench/lib/load.ts '{"transport":"http","target":"http://…","kind":"publish","clients":8,"seconds":5,"warmupSeconds":1,"seed":1}'

import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { grpcClient } from '../../src/node/testing/grpc.ts'

export interface LoadSpec {
  transport: 'http' | 'grpc'
  /** http://host:port, or host:port for gRPC. */
  target: string
  kind: 'publish' | 'query'
  clients: number
  /** Length of the measured window. */
  seconds: number
  /** Load before the window, not counted. */
  warmupSeconds: number
  /** Distinguishes runs so their envelopes never collide. */
  seed: number
  /** The topic a query reads. */
  queryTopic?: string
  /** The server's process id: its CPU time (user + system) over the window is reported. */
  serverPid?: number
  /** The server's /metrics URL: its commit counters over the window are reported. */
  metricsUrl?: string
}

export interface LoadResult {
  /** Answers received in the window (2xx / OK). */
  requests: number
  /** The window: from its start to the last answer, in ms. */
  ms: number
  /** Failed requests, warm-up included. */
  errors: number
  /** The server's CPU seconds over the window (serverPid), and those of its main thread alone. */
  cpuSeconds?: number
  mainThreadCpuSeconds?: number
  /** Commits and the publish requests they carried over the window (metricsUrl). */
  commits?: number
  commitRequests?: number
  /** What failed, by error message. */
  errorKinds?: Record<string, number>
}

const payload = Buffer.alloc(256, 0x5a)
const payloadBase64 = payload.toString('base64')

/** CPU seconds (user + system) process `pid` (or only its main thread) has used so far, from /proc. */
export function cpuSeconds(pid: number, mainThreadOnly = false): number {
  const fields = readFileSync(mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in ticks of 1/100 s
}

async function commitCounters(url: string): Promise<{ commits: number; requests: number }> {
  const text = await (await fetch(url)).text()
  const value = (name: string) => Number(/^\S+ (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[1] ?? NaN)
  return { commits: value('parley_store_commits_total'), requests: value('parley_store_commit_requests_total') }
}

/** Counts answers inside the window and reads the server's figures at both of its ends. */
class Window {
  counted = 0
  failed = 0
  private open = false
  private closed = false
  private start = 0
  private last = 0
  private cpuAtStart = 0
  private mainCpuAtStart = 0
  private commitsAtStart: Promise<{ commits: number; requests: number }> | undefined

  constructor(private readonly spec: LoadSpec) {}

  begin(): void {
    this.open = true
    this.start = performance.now()
    this.last = this.start
    if (this.spec.serverPid) {
      this.cpuAtStart = cpuSeconds(this.spec.serverPid)
      this.mainCpuAtStart = cpuSeconds(this.spec.serverPid, true)
    }
    if (this.spec.metricsUrl) this.commitsAtStart = commitCounters(this.spec.metricsUrl)
  }

  /** One answer: counted when the window is open. */
  answer(ok: boolean): void {
    if (!ok) this.failed++
    if (!this.open || this.closed) return
    if (ok) this.counted++
    this.last = performance.now()
  }

  /** Closes the window: answers after this are not counted. */
  end(): { cpu: number | undefined; mainCpu: number | undefined; ms: number } {
    this.closed = true
    const pid = this.spec.serverPid
    return { cpu: pid ? cpuSeconds(pid) : undefined, mainCpu: pid ? cpuSeconds(pid, true) : undefined, ms: this.last - this.start }
  }

  async result(errors: number): Promise<LoadResult> {
    const { cpu, mainCpu, ms } = this.end()
    const result: LoadResult = { requests: this.counted, ms, errors: errors + this.failed }
    if (cpu !== undefined) result.cpuSeconds = cpu - this.cpuAtStart
    if (mainCpu !== undefined) result.mainThreadCpuSeconds = mainCpu - this.mainCpuAtStart
    if (this.commitsAtStart) {
      const [before, after] = [await this.commitsAtStart, await commitCounters(this.spec.metricsUrl!)]
      result.commits = after.commits - before.commits
      result.commitRequests = after.requests - before.requests
    }
    return result
  }
}

const topic = (n: number) => `/xmtp/0/m-load${n % 100}/proto`

async function http(spec: LoadSpec, window: Window): Promise<LoadResult> {
  const path = spec.kind === 'publish' ? '/message/v1/publish' : '/message/v1/query'
  const queryBody = JSON.stringify({ contentTopics: [spec.queryTopic], pagingInfo: { limit: 100 } })
  let n = 0
  let stamp = 1_700_000_000_000_000_000n + BigInt(spec.seed) * 1_000_000_000n
  const publishBody = () => `{"envelopes":[{"contentTopic":"${topic(n++)}","timestampNs":"${++stamp}","message":"${payloadBase64}"}]}`
  let closing = false
  const instance = autocannon({
    url: spec.target + path,
    connections: spec.clients,
    // Ended by the timer below; autocannon itself would only stop on a whole second.
    duration: spec.warmupSeconds + spec.seconds + 60,
    sampleInt: 100,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, body: spec.kind === 'publish' ? publishBody() : queryBody }) }],
  })
  const done = new Promise<{ errors: number }>((resolve, reject) => {
    instance.on('done', (r: { errors: number }) => resolve(r))
    instance.on('error', reject)
  })
  const reasons = new Map<string, number>()
  instance.on('reqError', (err: Error) => reasons.set(err.message, (reasons.get(err.message) ?? 0) + 1))
  instance.on('response', (_client: unknown, status: number) => {
    if (!closing) window.answer(status >= 200 && status < 300)
  })
  setTimeout(() => window.begin(), spec.warmupSeconds * 1000)
  await new Promise((resolve) => setTimeout(resolve, (spec.warmupSeconds + spec.seconds) * 1000))
  const result = await window.result(0)
  closing = true
  instance.stop()
  const r = await done
  result.errors += r.errors
  if (reasons.size > 0) result.errorKinds = Object.fromEntries(reasons)
  return result
}

async function grpc(spec: LoadSpec, window: Window): Promise<LoadResult> {
  const client = grpcClient(spec.target)
  let next = 0
  let stamp = 1_700_000_000_000_000_000n + BigInt(spec.seed) * 1_000_000_000n
  let running = true
  const worker = async () => {
    while (running) {
      const n = next++
      let ok = true
      try {
        if (spec.kind === 'publish') await client.publish([{ contentTopic: topic(n), timestampNs: ++stamp, message: payload }])
        else await client.query({ contentTopics: [spec.queryTopic!], pagingInfo: { limit: 100, direction: 2 } })
      } catch {
        ok = false
      }
      if (running) window.answer(ok)
    }
  }
  const workers = Promise.all(Array.from({ length: spec.clients }, worker))
  setTimeout(() => window.begin(), spec.warmupSeconds * 1000)
  await new Promise((resolve) => setTimeout(resolve, (spec.warmupSeconds + spec.seconds) * 1000))
  const result = await window.result(0)
  running = false
  await workers
  client.close()
  return result
}

if (process.argv[2]) {
  const spec = JSON.parse(process.argv[2]) as LoadSpec
  const window = new Window(spec)
  const result = await (spec.transport === 'http' ? http(spec, window) : grpc(spec, window))
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.exit(0)
}
