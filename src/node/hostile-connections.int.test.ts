// Issue 14, connection by connection: fan-out to many subscribers, stalled readers against the
// node-wide stream budget, floods of partial headers and stalled bodies, stream caps. Against
// a real node process; other loopback addresses (127.0.0.2, .3) play the other clients.

import type { Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { closed, healthProbe, rawSocket, requestFrom, rssMiB } from './testing/hostile.ts'
import { openStream, post } from './testing/http.ts'
import { startNode, type NodeProcess } from './testing/node-process.ts'

let node: NodeProcess | undefined
const sockets: Socket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  await node?.stop()
  node = undefined
})

const api = (path: string) => `${node!.url}/message/v1/${path}`
const health = async () => (await fetch(`${node!.url}/healthz`)).json()
const T = '/xmtp/0/m-hostile/proto'
const MESSAGE = Buffer.alloc(1_048_214, 7).toString('base64') // the largest message an envelope may carry

/** A subscriber on a raw socket that counts the stream lines it receives (or reads nothing while paused). */
async function subscriber(port: number, options: { paused?: boolean } = {}) {
  const socket = await rawSocket(port)
  sockets.push(socket)
  const body = JSON.stringify({ contentTopics: [T] })
  socket.write(`POST /message/v1/subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
  let lines = 0
  let bytes = 0
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.length
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) if (chunk[i - 1] === 0x7d) lines++ // `}\n` ends a line
  })
  if (options.paused) socket.pause()
  return { socket, lines: () => lines, bytes: () => bytes }
}

describe('fan-out', () => {
  it('delivers four maximal envelopes to 150 subscribers without the memory or the event loop growing with them', async () => {
    node = await startNode({ auth: false, rateLimits: false, args: ['--max-connections-per-ip', '1000', '--max-streams-per-ip', '1000'] })
    const subs = await Promise.all(Array.from({ length: 150 }, () => subscriber(node!.port)))
    await expect.poll(async () => (await health()).subscriptions).toBe(150)
    const before = rssMiB(node.pid)
    const probe = healthProbe(node.url)
    for (let i = 1; i <= 4; i++) {
      expect((await post(api('publish'), { envelopes: [{ contentTopic: T, timestampNs: String(i), message: MESSAGE }] })).status).toBe(200)
    }
    await expect.poll(() => subs.every((s) => s.lines() === 4), { timeout: 60_000, interval: 200 }).toBe(true)
    const { maxMs } = await probe.stop()
    // Each line is 1.4 MB of JSON; rebuilt per subscriber that was 4 × 150 × 1.4 MB = 840 MB.
    expect(rssMiB(node.pid) - before).toBeLessThan(400)
    expect(maxMs).toBeLessThan(5_000)
    await expect.poll(async () => (await health()).streamBufferedBytes).toBe(0)
  })

  it('bounds the bytes queued for stalled readers node-wide, and gives them back when they go', async () => {
    const budget = 8 * 1024 * 1024
    node = await startNode({ auth: false, rateLimits: false, args: ['--total-stream-buffer-bytes', String(budget)] })
    const stalled = await Promise.all(Array.from({ length: 5 }, () => subscriber(node!.port, { paused: true })))
    const healthy = await openStream(api('subscribe'), { contentTopics: [T] })
    await expect.poll(async () => (await health()).subscriptions).toBe(6)
    const line = 1_397_700 // about one line's bytes
    let maxHeld = 0
    for (let i = 1; i <= 20; i++) {
      expect((await post(api('publish'), { envelopes: [{ contentTopic: T, timestampNs: String(i), message: MESSAGE }] })).status).toBe(200)
      await healthy.next(1, 30_000)
      maxHeld = Math.max(maxHeld, (await health()).streamBufferedBytes)
    }
    // One line past the budget at most: a line is always sent to a stream that keeps up.
    expect(maxHeld).toBeGreaterThan(0)
    expect(maxHeld).toBeLessThanOrEqual(budget + 2 * line)
    expect(node.output()).toContain('slow subscriber')
    for (const s of stalled) s.socket.destroy()
    healthy.close()
    await expect.poll(async () => (await health()).streamBufferedBytes).toBe(0)
    await expect.poll(async () => (await health()).streams).toBe(0)
  })
})

describe('connection floods', () => {
  it('serves a fresh client while one address floods partial headers, and destroys the timed-out sockets', async () => {
    node = await startNode({ auth: false, args: ['--max-connections-per-ip', '100', '--max-connections', '300', '--headers-timeout-ms', '1000'] })
    // 400 connections from 127.0.0.1 that never finish their headers (and never close their side).
    const flood = await Promise.all(
      Array.from({ length: 400 }, async () => {
        const socket = await rawSocket(node!.port, { allowHalfOpen: true }).catch(() => undefined)
        if (!socket) return undefined
        sockets.push(socket)
        socket.on('error', () => {})
        socket.write('POST /message/v1/query HTTP/1.1\r\nHost: x\r\n')
        return socket
      }),
    )
    expect(flood.filter(Boolean).length).toBeGreaterThan(0)
    // Another address is served at once, and /healthz shows at most the per-address cap held.
    const fresh = await requestFrom(`${node.url}/healthz`, { localAddress: '127.0.0.2', timeoutMs: 5_000 })
    expect(fresh.status).toBe(200)
    expect(JSON.parse(fresh.body).connections).toBeLessThanOrEqual(101)
    // After the header timeout the node has let go of every flood socket (destroyed, not half-closed).
    await expect.poll(async () => JSON.parse((await requestFrom(`${node!.url}/healthz`, { localAddress: '127.0.0.2' })).body).connections, { timeout: 15_000, interval: 250 }).toBe(1)
    const posted = await requestFrom(api('query'), { localAddress: '127.0.0.2', method: 'POST', body: JSON.stringify({ contentTopics: [T] }) })
    expect(posted.status).toBe(200)
  })

  it('answers a stalled body with 408 and destroys its connection', async () => {
    node = await startNode({ auth: false, args: ['--body-timeout-ms', '500'] })
    const socket = await rawSocket(node.port, { allowHalfOpen: true })
    sockets.push(socket)
    let answer = ''
    socket.setEncoding('utf8').on('data', (d: string) => (answer += d))
    socket.write('POST /message/v1/publish HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"envelopes":[')
    await expect.poll(() => answer, { timeout: 10_000 }).toMatch(/^HTTP\/1.1 408/)
    expect(answer).toMatch(/request body stalled for 500 ms/)
    await expect.poll(async () => (await health()).connections, { timeout: 10_000 }).toBe(1) // only the /healthz request itself
  })

  it('keeps streams open past the request, headers and keep-alive timeouts (they bound receiving a request, not a stream)', async () => {
    node = await startNode({ auth: false, args: ['--request-timeout-ms', '500', '--headers-timeout-ms', '500', '--keep-alive-timeout-ms', '500', '--body-timeout-ms', '500'] })
    const stream = await openStream(api('subscribe'), { contentTopics: [T] })
    await new Promise((r) => setTimeout(r, 2_500))
    expect((await post(api('publish'), { envelopes: [{ contentTopic: T, timestampNs: '1', message: 'AA==' }] })).status).toBe(200)
    expect(await stream.next(1)).toEqual([{ result: { contentTopic: T, timestampNs: '1', message: 'AA==' } }])
    stream.close()
  })

  it('caps open streams per address with a 429 naming the cap; other addresses still subscribe', async () => {
    node = await startNode({ auth: false, args: ['--max-streams-per-ip', '3'] })
    const streams = await Promise.all(Array.from({ length: 3 }, () => openStream(api('subscribe'), { contentTopics: [T] })))
    const fourth = await post(api('subscribe'), { contentTopics: [T] })
    expect(fourth.status).toBe(429)
    expect(fourth.body.message).toBe('too many open streams from this address: at most 3; close one first')
    const other = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request(api('subscribe'), { method: 'POST', localAddress: '127.0.0.2', agent: false }, (res) => {
          resolve(res.statusCode ?? 0)
          res.destroy()
        })
        req.on('error', reject)
        req.end(JSON.stringify({ contentTopics: [T] }))
      })
    })
    expect(other).toBe(200)
    streams[0]!.close()
    // The slot comes back when the stream closes.
    const reopened = async () => {
      const stream = await openStream(api('subscribe-all'), {}).catch(() => undefined)
      stream?.close()
      return stream !== undefined
    }
    await expect.poll(reopened).toBe(true)
    for (const s of streams) s.close()
  })
})
