// The hostile half of bench/node.ts (issue 14): /healthz and 100-row query latency while one
// client sends maximal malformed bodies as fast as it can, next to the same figures with no
// attacker; and publish → delivery latency with 1, 100 and 1,000 subscribers.
// (Under bench/lib so bench/run.ts does not run it as a bench of its own.)

import { spawn } from 'node:child_process'
import { Agent, request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { connect, type Socket } from 'node:net'
import { startNode } from '../../src/node/testing/node-process.ts'

type Report = (name: string, figure: string, note?: string) => void

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
const fmt = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b)
  return `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`
}

/** One request on a kept-alive connection from 127.0.0.2 (the attacker is 127.0.0.1). */
function timed(agent: Agent, url: string, body?: string): Promise<number> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body === undefined ? 'GET' : 'POST', agent }, (res) => {
      res.resume()
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`${url} answered ${res.statusCode}`))))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Starts bench/lib/attacker.ts against `url` in its own process. */
async function startAttacker(url: string, publishBytes: number, queryBytes: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./attacker.ts', import.meta.url)), url, String(publishBytes), String(queryBytes)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d))
  while (!output.includes('ready')) await new Promise((r) => setTimeout(r, 20))
  return {
    async stop(): Promise<{ attacks: number; bytes: number }> {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
      return JSON.parse(output.split('\n').find((l) => l.startsWith('{'))!)
    },
  }
}

export async function attackLatency(report: Report, options: { samples: number; maxBodyBytes: number }): Promise<void> {
  const node = await startNode({ auth: false })
  const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: '127.0.0.2' })
  try {
    const topic = '/xmtp/0/m-bench-hostile/proto'
    const envelopes = Array.from({ length: 100 }, (_, i) => ({ contentTopic: topic, timestampNs: String(i + 1), message: Buffer.alloc(256, 1).toString('base64') }))
    await timed(agent, `${node.url}/message/v1/publish`, JSON.stringify({ envelopes }))
    const queryBody = JSON.stringify({ contentTopics: [topic], pagingInfo: { limit: 100 } })
    const measure = async () => {
      const health: number[] = []
      const query: number[] = []
      for (let i = 0; i < options.samples; i++) {
        health.push(await timed(agent, `${node.url}/healthz`))
        query.push(await timed(agent, `${node.url}/message/v1/query`, queryBody))
      }
      return { health, query }
    }
    const calm = await measure()
    // The attacker, in its own process: maximal bodies of `[` to publish and query, two at a time.
    const attacker = await startAttacker(node.url, options.maxBodyBytes, 704 * 1024)
    const started = performance.now()
    const stormy = await measure()
    const { attacks, bytes: attackBytes } = await attacker.stop()
    const seconds = (performance.now() - started) / 1000
    report('/healthz, no attacker', fmt(calm.health), `${options.samples} requests from another address`)
    report('/healthz, malformed-body attacker', fmt(stormy.health), `${attacks} bodies refused (${Math.round(attacks / seconds)}/s, ${(attackBytes / seconds / 1e6).toFixed(1)} MB/s offered)`)
    report('100-row query, no attacker', fmt(calm.query))
    report('100-row query, malformed-body attacker', fmt(stormy.query), 'maximal bodies of `[` to publish and query')
  } finally {
    agent.destroy()
    await node.stop()
  }
}

interface CountingSocket {
  socket: Socket
  lines: number
  waiters: { n: number; resolve: () => void }[]
}

function subscribe(port: number, topic: string): Promise<CountingSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    const state: CountingSocket = { socket, lines: 0, waiters: [] }
    socket.once('error', reject)
    socket.once('connect', () => {
      const body = JSON.stringify({ contentTopics: [topic] })
      socket.write(`POST /message/v1/subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
      resolve(state)
    })
    socket.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) if (chunk[i - 1] === 0x7d) state.lines++
      state.waiters = state.waiters.filter((w) => (state.lines >= w.n ? (w.resolve(), false) : true))
    })
  })
}

const lineCount = (s: CountingSocket, n: number) => (s.lines >= n ? Promise.resolve() : new Promise<void>((resolve) => s.waiters.push({ n, resolve })))

export async function fanOutLatency(report: Report, options: { subscriberCounts: number[]; publishes: number }): Promise<void> {
  const max = Math.max(...options.subscriberCounts)
  const node = await startNode({ auth: false, rateLimits: false, args: ['--max-connections-per-ip', String(max + 100), '--max-streams-per-ip', String(max + 100)] })
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    for (const count of options.subscriberCounts) {
      const topic = `/xmtp/0/m-bench-fanout${count}/proto`
      const subs: CountingSocket[] = []
      for (let i = 0; i < count; i += 100) subs.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, () => subscribe(node.port, topic)))))
      for (;;) {
        const health = await fetch(`${node.url}/healthz`).then((r) => r.json() as Promise<{ subscriptions: number }>)
        if (health.subscriptions >= count) break
        await new Promise((r) => setTimeout(r, 20))
      }
      const first: number[] = []
      const last: number[] = []
      const message = Buffer.alloc(1024, 2).toString('base64')
      for (let i = 1; i <= options.publishes; i++) {
        const started = performance.now()
        const firstArrived = Promise.race(subs.map((s) => lineCount(s, i))).then(() => first.push(performance.now() - started))
        await timed(agent, `${node.url}/message/v1/publish`, JSON.stringify({ envelopes: [{ contentTopic: topic, timestampNs: String(i), message }] }))
        await Promise.all(subs.map((s) => lineCount(s, i)))
        last.push(performance.now() - started)
        await firstArrived
      }
      report(`publish → delivery, ${count.toLocaleString('en-US')} subscriber${count === 1 ? '' : 's'}: first`, fmt(first), `${options.publishes} publishes of 1 KiB`)
      report(`publish → delivery, ${count.toLocaleString('en-US')} subscriber${count === 1 ? '' : 's'}: all`, fmt(last), 'until the last subscriber has the line')
      for (const s of subs) s.socket.destroy()
    }
  } finally {
    agent.destroy()
    await node.stop()
  }
}
