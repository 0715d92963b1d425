// Issue 14, request by request: many-topic subscriptions and queries, deep and huge bodies,
// rate-limit gaps, oversize publishes and bodies abandoned half-way. Each against a real node
// process over HTTP; memory bounds are generous (the machine is shared), latency bounds too.

import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { closed, healthProbe, rawSocket, rssMiB } from './testing/hostile.ts'
import { openStream, post, type OpenStream } from './testing/http.ts'
import { createIdentity } from './testing/identities.ts'
import { startNode, type NodeProcess } from './testing/node-process.ts'

let node: NodeProcess | undefined
afterEach(async () => {
  await node?.stop()
  node = undefined
})

const api = (path: string) => `${node!.url}/message/v1/${path}`
const health = async () => (await fetch(`${node!.url}/healthz`)).json()
const topics = (n: number, tag = 't') => Array.from({ length: n }, (_, i) => `/xmtp/0/m-${tag}${i}/proto`)

/** POSTs a body of `bytes` bytes produced by `fill` in 1 MiB chunks; resolves with the status, or 0 if the node cut the upload off. */
function upload(url: string, bytes: number, fill: (chunk: number) => Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Length': String(bytes) }, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', () => resolve(0))
    let sent = 0
    let index = 0
    const pump = () => {
      while (sent < bytes) {
        const chunk = fill(index++).subarray(0, bytes - sent)
        sent += chunk.length
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      req.end()
    }
    pump()
  })
}

describe('topic caps', () => {
  it('refuses a subscription over the topic cap with 400 naming it, keeps none of its topics, and stays small under a flood of huge ones', async () => {
    node = await startNode({ auth: false, args: ['--max-subscribe-topics', '1000', '--max-subscribed-topics', '2500'] })
    const over = await post(api('subscribe'), { contentTopics: topics(1001) })
    expect(over.status).toBe(400)
    expect(over.body).toMatchObject({ code: 3, message: 'cannot exceed 1000 topics in a single subscription (got 1001)' })

    const before = rssMiB(node.pid)
    // 24 subscriptions of 100,000 topics each (~3.7 MB of body apiece), 8 at a time.
    const body = JSON.stringify({ contentTopics: topics(100_000, 'flood') })
    for (let round = 0; round < 3; round++) {
      const statuses = await Promise.all(Array.from({ length: 8 }, () => post(api('subscribe'), body).then((r) => r.status).catch(() => 0)))
      for (const status of statuses) expect([0, 400, 413]).toContain(status) // 0: cut off mid-upload
    }
    // Declared at 3.7 MB, the body is refused before it is read (413), naming the topic cap; the
    // client, still sending, reads that answer every time (the node lingers before it closes:
    // linger.ts), not a connection reset.
    for (let i = 0; i < 10; i++) {
      const refused = await post(api('subscribe'), body)
      expect(refused.status).toBe(413)
      expect(refused.body.message).toMatch(/a subscription names at most 1000 topics/)
    }
    // Sent without a length, it is cut off by the JSON guard (400) after ~2,300 topics.
    const chunked = await fetch(api('subscribe'), { method: 'POST', body: new Blob([body]).stream(), duplex: 'half' } as RequestInit).catch(() => undefined)
    if (chunked) {
      expect(chunked.status).toBe(400)
      expect((await chunked.json()).message).toMatch(/a subscription names at most 1000 topics/)
    }
    expect(rssMiB(node.pid) - before).toBeLessThan(300)
    expect(await health()).toMatchObject({ subscriptions: 0, subscribedTopics: 0 })

    // The node-wide cap on topic registrations: two streams of 1000 fit under 2500, a third does not.
    const streams: OpenStream[] = []
    for (const tag of ['a', 'b']) streams.push(await openStream(api('subscribe'), { contentTopics: topics(1000, tag) }))
    const third = await post(api('subscribe'), { contentTopics: topics(1000, 'c') })
    expect(third.status).toBe(429)
    expect(third.body.message).toMatch(/maximum of 2500 subscribed topics/)
    streams.pop()!.close()
    await expect.poll(async () => (await health()).subscribedTopics).toBe(1000)
    streams.push(await openStream(api('subscribe'), { contentTopics: topics(1000, 'c') }))
    for (const s of streams) s.close()
  })

  it('answers a 32,766-topic query or batch with a 4xx naming the cap, and any count up to the cap with 200', async () => {
    node = await startNode({ auth: false })
    for (const [path, body] of [
      ['query', { contentTopics: topics(32_766) }],
      ['batch-query', { requests: [{ contentTopics: topics(32_766) }] }],
    ] as const) {
      const response = await post(api(path), body)
      // 413 when the body's declared size is already over the endpoint's body cap, else 400.
      expect([400, 413]).toContain(response.status)
      expect(response.body.message).toMatch(/at most (1000|5000) topics/)
    }
    // Under the per-query cap but over the per-batch one.
    const batch = await post(api('batch-query'), { requests: Array.from({ length: 6 }, (_, i) => ({ contentTopics: topics(900, `b${i}`) })) })
    expect(batch.status).toBe(400)
    expect(batch.body.message).toBe('cannot exceed 5000 topics in a single batch, over all its queries (got 5400)')
    const exact = await post(api('query'), { contentTopics: topics(1000) })
    expect(exact.status).toBe(200)
    const counted = await post(api('query'), { contentTopics: Array.from({ length: 1001 }, (_, i) => `/t${i}`) })
    expect(counted).toMatchObject({ status: 400, body: { code: 3, message: 'cannot exceed 1000 topics in a single query (got 1001)' } })

    // Many distinct topic counts build no statement per count: memory stays flat.
    const before = rssMiB(node.pid)
    for (let n = 700; n < 1000; n += 3) expect((await post(api('query'), { contentTopics: topics(n, `n${n}`) })).status).toBe(200)
    expect(rssMiB(node.pid) - before).toBeLessThan(150)
  })
})

describe('hostile bodies', () => {
  it('refuses 64 MB bodies of `[`, of tiny values and of one giant string early, while /healthz keeps answering', async () => {
    node = await startNode({ auth: false, rateLimits: false })
    const before = rssMiB(node.pid)
    const probe = healthProbe(node.url)
    const size = 64 * 1024 * 1024
    const brackets = Buffer.alloc(1024 * 1024, '[')
    const ones = Buffer.alloc(1024 * 1024, '1,')
    const giant = Buffer.alloc(1024 * 1024, 'A')
    const attacks: [string, (i: number) => Buffer][] = [
      ['publish', () => brackets],
      ['query', () => brackets],
      ['publish', (i) => (i === 0 ? Buffer.concat([Buffer.from('{"envelopes":['), ones]) : ones)],
      ['publish', (i) => (i === 0 ? Buffer.concat([Buffer.from('{"envelopes":[{"contentTopic":"t","message":"'), giant]) : giant)],
    ]
    for (let round = 0; round < 3; round++) {
      for (const [path, fill] of attacks) expect([0, 400, 413]).toContain(await upload(api(path), size, fill))
    }
    const { maxMs, answers } = await probe.stop()
    expect(answers).toBeGreaterThan(0)
    expect(maxMs).toBeLessThan(2_000)
    expect(rssMiB(node.pid) - before).toBeLessThan(300)
    expect((await health()).bodyBufferedBytes).toBe(0)
    // The refusals name the limit.
    const deep = await post(api('query'), '['.repeat(100))
    expect(deep).toMatchObject({ status: 400, body: { code: 3, message: expect.stringMatching(/nests deeper than 32 levels/) } })
    const long = await post(api('query'), { contentTopics: ['x'.repeat(20_000)] })
    expect(long.body.message).toMatch(/string is longer than 16384 bytes/)
    expect((await post(api('query'), { contentTopics: ['/t'] })).status).toBe(200)
  })

  it('logs a client that disconnects mid-body as a debug line, not an error', async () => {
    node = await startNode({ auth: false, logLevel: 'debug' })
    for (let i = 0; i < 20; i++) {
      const socket = await rawSocket(node.port)
      socket.write(`POST /message/v1/publish HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{"envelopes":[`)
      await new Promise((r) => setTimeout(r, 20))
      socket.destroy()
      await closed(socket, 5_000)
    }
    await expect.poll(() => node!.output().split('"msg":"client went away"').length - 1).toBe(20)
    const lines = node.output().split('\n').filter((l) => l.includes('"msg":"client went away"'))
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ level: 20 }) // pino debug
    expect(node.output()).not.toMatch(/"level":50/) // no error lines
    expect(node.output()).not.toContain('internal error')
    expect((await health()).bodyBufferedBytes).toBe(0)
  })
})

describe('rate-limit gaps', () => {
  const envelope = (topic: string, ts: number) => ({ contentTopic: topic, timestampNs: String(ts), message: 'AA==' })

  it('charges empty publishes, bad-token publishes and malformed bodies', async () => {
    node = await startNode({ rateLimits: { default: { perMinute: 1, burst: 5 }, publish: { perMinute: 1, burst: 5 } } })
    const statuses = async (n: number, send: () => Promise<{ status: number }>) => {
      const out: number[] = []
      for (let i = 0; i < n; i++) out.push((await send()).status)
      return out
    }
    const alice = await createIdentity()
    const token = await alice.token()
    expect(await statuses(6, () => post(api('publish'), { envelopes: [] }, { Authorization: `Bearer ${token}` }))).toEqual([200, 200, 200, 200, 200, 429])
    await node.stop()
    node = await startNode({ rateLimits: { default: { perMinute: 1, burst: 5 }, publish: { perMinute: 1, burst: 5 } } })
    expect(await statuses(6, () => post(api('publish'), { envelopes: [envelope('/t', 1)] }, { Authorization: 'Bearer AAAA' }))).toEqual([401, 401, 401, 401, 401, 429])
    expect(await statuses(6, () => post(api('query'), '{"contentTopics":'))).toEqual([400, 400, 400, 400, 400, 429])
  })

  it('answers a publish larger than the whole bucket, or than the envelope cap, with 413 saying why', async () => {
    node = await startNode({ auth: false, rateLimits: { publish: { perMinute: 1, burst: 5 } }, args: ['--max-publish-envelopes', '8'] })
    const publish = (n: number) => post(api('publish'), { envelopes: Array.from({ length: n }, (_, i) => envelope('/t', i + 1)) })
    const bucket = await publish(6)
    expect(bucket.status).toBe(413)
    expect(bucket.headers.get('retry-after')).toBeNull()
    expect(bucket.body).toMatchObject({ code: 8, message: 'request costs 6 of rate limit PUB, more than its whole bucket of 5: split it into smaller requests' })
    const cap = await publish(9)
    expect(cap.status).toBe(413)
    expect(cap.body.message).toBe('cannot exceed 8 envelopes in a single publish (got 9): split it')
    // Each refusal cost the one token taken before its body was read: 3 of 5 are left.
    expect((await publish(3)).status).toBe(200)
    expect((await publish(1)).status).toBe(429)
  })
})
