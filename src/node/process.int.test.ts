// The node as a process: CLI, rate limits, body cap and shutdown.

import { spawnSync } from 'node:child_process'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { openStream, post } from './testing/http.ts'
import { startNode, type NodeProcess } from './testing/node-process.ts'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))
const envelope = (contentTopic: string, ts: number) => ({ contentTopic, timestampNs: String(ts), message: 'AQID' })
const T = '/xmtp/0/m-process/proto'

let node: NodeProcess | undefined
afterEach(async () => {
  await node?.stop()
  node = undefined
})

describe('CLI', () => {
  it('prints usage for --help and exits 0', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--help'], { encoding: 'utf8' })
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^Usage: npm run node -- \[options\]/)
    expect(result.stdout).toContain('--no-auth')
  })

  it('refuses bad flags with a clear message and exit code 2', () => {
    for (const [args, message] of [
      [['--port', 'eighty'], '--port must be a whole number'],
      [['--frobnicate'], "Unknown option '--frobnicate'"],
    ] as const) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' })
      expect(result.status).toBe(2)
      expect(result.stderr).toContain(message)
      expect(result.stderr).toContain('Usage:')
    }
  })

  it('listens on PORT from the environment when --port is absent', async () => {
    const probe = await startNode({ auth: false })
    const port = probe.port
    await probe.stop()
    const { spawn } = await import('node:child_process')
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--db', ':memory:'], { env: { ...process.env, PORT: String(port), GRPC_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('Parley node listening on')) resolve()
      })
      child.once('exit', () => reject(new Error(out)))
    })
    expect(out).toContain(`Parley node listening on http://127.0.0.1:${port}\n`)
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)))
    child.kill('SIGINT')
    expect(await exited).toBe(0)
  })
})

describe('startup failures', () => {
  it('exits 1 with a clear log line when the database file is not a database', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = mkdtempSync(join(tmpdir(), 'parley-bad-db-'))
    try {
      const db = join(dir, 'garbage.db')
      writeFileSync(db, 'this is not an SQLite file, just text that is long enough to be read as a header')
      await expect(startNode({ db })).rejects.toThrow(/code 1[\s\S]*cannot open the database/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('exits 1 when the port is taken', async () => {
    node = await startNode({ auth: false })
    await expect(startNode({ args: ['--port', String(node.port)] })).rejects.toThrow(
      new RegExp(`code 1[\\s\\S]*cannot listen: port ${node.port} on 127\\.0\\.0\\.1 is already in use; choose another with --port <n> \\(or PORT=<n>\\)`),
    )
  })
})

describe('rate limits', () => {
  it('answers 429 code 8 with Retry-After once a client exhausts its bucket', async () => {
    // Slow refills, so a loaded machine cannot refill a bucket between two requests.
    node = await startNode({ auth: false, rateLimits: { default: { perMinute: 1, burst: 3 }, publish: { perMinute: 1, burst: 2 } } })
    const query = () => post(`${node!.url}/message/v1/query`, { contentTopics: [T] }, { 'X-Forwarded-For': `10.0.0.${Math.floor(Math.random() * 250)}` })
    for (let i = 0; i < 3; i++) expect((await query()).status).toBe(200)
    const limited = await query() // X-Forwarded-For is not trusted by default: same bucket
    expect(limited.status).toBe(429)
    expect(limited.body).toEqual({ code: 8, message: '1 exceeds rate limit DEF', details: [] })
    const retryAfter = Number(limited.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(30) // one token per minute, minus the time the test took
    expect(retryAfter).toBeLessThanOrEqual(60)

    const publish = (n: number) => post(`${node!.url}/message/v1/publish`, { envelopes: Array.from({ length: n }, (_, i) => envelope(T, i + 1)) })
    expect((await publish(2)).status).toBe(200)
    const refused = await publish(1)
    expect(refused.status).toBe(429)
    expect(refused.body.code).toBe(8)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(30)
    // A batch query costs one token per query; the first is taken before its body is read.
    const batch = await post(`${node.url}/message/v1/batch-query`, { requests: [{ contentTopics: [T] }, { contentTopics: [T] }] })
    expect(batch.status).toBe(429)
    expect(batch.body.message).toMatch(/exceeds rate limit DEF/) // its first token is taken before the body is read
  })

  it('keys buckets by X-Forwarded-For only with --trust-proxy', async () => {
    node = await startNode({ auth: false, rateLimits: { default: { perMinute: 1, burst: 1 } }, args: ['--trust-proxy'] })
    const query = (ip: string) => post(`${node!.url}/message/v1/query`, { contentTopics: [T] }, { 'X-Forwarded-For': `${ip}, 127.0.0.1` })
    expect((await query('10.0.0.1')).status).toBe(200)
    expect((await query('10.0.0.1')).status).toBe(429)
    expect((await query('10.0.0.2')).status).toBe(200)
  })
})

describe('request body cap', () => {
  it('refuses an oversized body with 413 code 8, declared or streamed, and keeps serving', async () => {
    node = await startNode({ auth: false, args: ['--max-body-bytes', '4096'] })
    const big = JSON.stringify({ envelopes: [{ contentTopic: T, timestampNs: '1', message: Buffer.alloc(6000).toString('base64') }] })
    const declared = await post(`${node.url}/message/v1/publish`, big)
    expect(declared.status).toBe(413)
    expect(declared.body).toEqual({ code: 8, message: 'request body is larger than the 4096-byte limit', details: [] })

    // Chunked upload without Content-Length: cut off while reading.
    const chunks = [big.slice(0, 3000), big.slice(3000), ' '.repeat(100_000)]
    const body = new ReadableStream({
      pull(controller) {
        const next = chunks.shift()
        if (next === undefined) controller.close()
        else controller.enqueue(new TextEncoder().encode(next))
      },
    })
    const streamed = await fetch(`${node.url}/message/v1/publish`, { method: 'POST', body, duplex: 'half' } as RequestInit).catch((err) => err)
    if (streamed instanceof Response) {
      expect(streamed.status).toBe(413)
      expect((await streamed.json()).code).toBe(8)
    } else {
      // The node may close the socket before the client has finished sending; either way it refused.
      expect(String(streamed)).toMatch(/fetch failed|other side closed|ECONNRESET|EPIPE/)
    }
    const small = await post(`${node.url}/message/v1/publish`, { envelopes: [envelope(T, 1)] })
    expect(small.status).toBe(200)
    expect((await post(`${node.url}/message/v1/query`, { contentTopics: [T] })).body.envelopes).toHaveLength(1)
  })
})

describe('slow subscribers', () => {
  it('drops whole envelopes for a stalled reader while others get everything', async () => {
    node = await startNode({ auth: false, rateLimits: false, args: ['--stream-buffer-bytes', '262144'] })
    const { port } = node
    // A subscriber that stops reading: a raw socket, paused.
    const body = JSON.stringify({ contentTopics: [T] })
    const stalled = connect(port, '127.0.0.1')
    await new Promise((resolve) => stalled.once('connect', resolve))
    stalled.write(`POST /message/v1/subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
    let received = ''
    stalled.setEncoding('utf8').on('data', (d) => (received += d))
    const healthy = await openStream(`${node.url}/message/v1/subscribe`, { contentTopics: [T] })
    while ((await (await fetch(`${node.url}/healthz`)).json()).subscriptions < 2) await new Promise((r) => setTimeout(r, 20))
    await new Promise((r) => setTimeout(r, 50))
    stalled.pause()

    const message = Buffer.alloc(100_000, 1).toString('base64')
    const total = 300
    for (let i = 1; i <= total; i++) {
      expect((await post(`${node.url}/message/v1/publish`, { envelopes: [{ contentTopic: T, timestampNs: String(i), message }] })).status).toBe(200)
    }
    const lines = await healthy.next(total, 30_000)
    expect(lines.map((l) => l.result.timestampNs)).toEqual(Array.from({ length: total }, (_, i) => String(i + 1)))
    healthy.close()

    stalled.resume()
    await new Promise((r) => setTimeout(r, 1_000))
    stalled.destroy()
    // Strip the HTTP head and chunk framing, keep the JSON lines.
    const payload = received.slice(received.indexOf('\r\n\r\n') + 4)
    const jsonLines = payload.split('\r\n').filter((part) => part.startsWith('{"result"')).join('').split('\n').filter(Boolean)
    const delivered = jsonLines.map((line) => JSON.parse(line).result.timestampNs as string)
    expect(delivered.length).toBeGreaterThan(0)
    expect(delivered.length).toBeLessThan(total)
    // What arrived is in order and whole.
    expect(delivered.map(Number)).toEqual([...delivered.map(Number)].sort((a, b) => a - b))
    expect(node.output()).toContain('slow subscriber')
  })
})

describe('shutdown', () => {
  it('on SIGTERM ends open streams cleanly, closes the database and exits 0', async () => {
    node = await startNode({ auth: false, logLevel: 'info' })
    const stream = await openStream(`${node.url}/message/v1/subscribe`, { contentTopics: [T] })
    await post(`${node.url}/message/v1/publish`, { envelopes: [envelope(T, 1)] })
    expect(await stream.next(1)).toEqual([{ result: envelope(T, 1) }])
    const code = await node.stop()
    await stream.ended
    expect(code).toBe(0)
    expect(node.output()).toMatch(/"msg":"stopped"/)
    // the CLI installs the libsecp256k1 backend before it verifies anything
    expect(node.output()).toMatch(/"secp256k1":"libsecp256k1 \(wasm\)".*"msg":"node started"/)
    expect(stream.raw()).toBe(JSON.stringify({ result: envelope(T, 1) }) + '\n')
    node = undefined
  })
})
