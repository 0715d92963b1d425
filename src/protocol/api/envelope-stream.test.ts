import type { ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiClient } from './client.ts'
import { InvalidRequestError, NetworkError } from './errors.ts'
import type { EnvelopeStream } from './envelope-stream.ts'
import type { ConnectionLostEvent, EnvelopeStreamStatus, ReconnectEvent } from './envelope-stream-options.ts'
import { freePort, reply, startFaultServer, type FaultServer, type RecordedRequest } from './testing/fault-server.ts'
import { envelopeToJson, streamLine, type Envelope } from '../../wire/message-api.ts'

const A = '/xmtp/0/m-a/proto'
const B = '/xmtp/0/m-b/proto'
const NOW_MS = 1_730_000_000_000
const env = (i: number, topic = A): Envelope => ({ contentTopic: topic, timestampNs: BigInt(NOW_MS - 1_000 + i) * 1_000_000n, message: new Uint8Array([7, i]) })

/**
 * A scripted node: `store` answers queries (ascending, from startTimeNs, one page),
 * and each subscribe request is handed to `onSubscribe` with its response to write to.
 */
class ScriptedNode {
  store: Envelope[] = []
  streams: { request: RecordedRequest; res: ServerResponse; closed: Promise<void> }[] = []
  queries: RecordedRequest[] = []
  server!: FaultServer
  private waiters: (() => void)[] = []

  async start() {
    this.server = await startFaultServer((r, res, req) => {
      if (r.path === '/message/v1/query') {
        this.queries.push(r)
        const start = BigInt(r.body.startTimeNs ?? 0)
        const rows = this.store.filter((e) => r.body.contentTopics.includes(e.contentTopic) && e.timestampNs >= start)
        return reply(res, 200, { envelopes: rows.map(envelopeToJson), pagingInfo: { limit: 0, cursor: null, direction: r.body.pagingInfo.direction } })
      }
      if (r.path === '/message/v1/subscribe') {
        const closed = new Promise<void>((resolve) => res.on('close', () => resolve()))
        void req
        this.streams.push({ request: r, res, closed })
        for (const w of this.waiters.splice(0)) w()
        return
      }
      reply(res, 404, { code: 5, message: 'not found', details: [] })
    })
    return this
  }

  /** Waits until the n-th (1-based) subscribe request has arrived. */
  async stream(n: number) {
    while (this.streams.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve))
    return this.streams[n - 1]!
  }
}

let node: ScriptedNode | undefined
const subs: EnvelopeStream[] = []
afterEach(async () => {
  for (const s of subs.splice(0)) await s.close()
  await node?.server.close()
  node = undefined
})

async function subscribe(topics: string[], options: Parameters<ApiClient['subscribe']>[1] = {}, clientOptions: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}) {
  node = await new ScriptedNode().start()
  const client = new ApiClient({ apiUrl: node.server.url, now: () => NOW_MS, ...clientOptions })
  const sub = await client.subscribe(topics, { registrationGraceMs: 20, skewMs: 5_000, reconnect: { initialDelayMs: 10, maxDelayMs: 40 }, ...options })
  subs.push(sub)
  return { sub, node }
}

async function take(sub: EnvelopeStream, n: number): Promise<Envelope[]> {
  const out: Envelope[] = []
  while (out.length < n) {
    const r = await sub.next()
    if (r.done) break
    out.push(r.value)
  }
  return out
}

describe('EnvelopeStream over a streaming fetch', () => {
  it('POSTs the topics and reassembles lines split across chunks; ignores envelopes without a message', async () => {
    const { sub, node } = await subscribe([A, B])
    const { request, res } = await node.stream(1)
    expect(request.body).toEqual({ contentTopics: [A, B] })
    expect(request.headers['x-client-version']).toMatch(/^parley\//)
    const text = streamLine(env(1)) + JSON.stringify({ result: { contentTopic: A, timestampNs: '5', message: '' } }) + '\n' + streamLine(env(2, B)) + streamLine(env(3))
    // Cut mid-JSON, mid-line and right after newlines; two lines in one chunk at the end.
    const cuts = [5, 40, streamLine(env(1)).length, streamLine(env(1)).length + 3, text.length - streamLine(env(3)).length - 10]
    let at = 0
    for (const cut of cuts) {
      res.write(text.slice(at, cut))
      at = cut
      await new Promise((r) => setTimeout(r, 5))
    }
    res.write(text.slice(at))
    expect(await take(sub, 3)).toEqual([env(1), env(2, B), env(3)])
  })

  it('return() ends the iterator and aborts the request', async () => {
    const { sub, node } = await subscribe([A])
    const { res, closed } = await node.stream(1)
    res.write(streamLine(env(1)))
    const seen: Envelope[] = []
    for await (const e of sub) {
      seen.push(e)
      break // calls return()
    }
    await closed // the server saw the connection go
    expect(seen).toEqual([env(1)])
    expect(sub.status).toBe('closed')
    expect(await sub.next()).toEqual({ value: undefined, done: true })
    await new Promise((r) => setTimeout(r, 40))
    expect(node.streams).toHaveLength(1) // and it did not reconnect
  })

  it('close() resolves a pending next() with done and no reconnect follows', async () => {
    const { sub, node } = await subscribe([A])
    await node.stream(1)
    const pending = sub.next()
    await sub.close()
    expect(await pending).toEqual({ value: undefined, done: true })
    await new Promise((r) => setTimeout(r, 60))
    expect(node.streams).toHaveLength(1)
  })

  it('fills the registration gap: an envelope stored but never streamed is still delivered', async () => {
    const { sub, node } = await subscribe([A])
    node.store.push(env(1)) // published between the POST and the node registering it
    expect(await take(sub, 1)).toEqual([env(1)])
    // The query started `skewMs` before the subscription start, ascending.
    expect(node.queries[0]!.body.startTimeNs).toBe(String(BigInt(NOW_MS - 5_000) * 1_000_000n))
    expect(node.queries[0]!.body.pagingInfo.direction).toBe('SORT_DIRECTION_ASCENDING')
    expect(sub.status).toBe('live')
  })

  it('starts the first gap fill at `since` when given (catch-up after a worker restart)', async () => {
    const since = new Date(NOW_MS - 3_600_000)
    const { sub, node } = await subscribe([A], { since, skewMs: 0 })
    const old = { ...env(1), timestampNs: BigInt(NOW_MS - 1_800_000) * 1_000_000n }
    node.store.push(old)
    expect(await take(sub, 1)).toEqual([old])
    expect(node.queries[0]!.body.startTimeNs).toBe(String(BigInt(since.getTime()) * 1_000_000n))
    await expect(new ApiClient({ apiUrl: node.server.url }).subscribe([A], { since: 5 as never })).rejects.toThrow('options.since must be a Date or a bigint of nanoseconds')
  })

  it('reconnects after a drop, fills the gap by query, and delivers each envelope once', async () => {
    const lost: ConnectionLostEvent[] = []
    const reconnected: ReconnectEvent[] = []
    const statuses: EnvelopeStreamStatus[] = []
    let clock = NOW_MS - 2_000 // the subscription starts before env 1..5 are sent
    const { sub, node } = await subscribe(
      [A, B],
      {
        onConnectionLost: (e) => lost.push(e),
        onReconnect: (e) => reconnected.push(e),
        onStatus: (s) => statuses.push(s),
      },
      { now: () => clock },
    )
    const first = await node.stream(1)
    node.store.push(env(1), env(2, B))
    first.res.write(streamLine(env(1)) + streamLine(env(2, B)))
    expect(await take(sub, 2)).toEqual([env(1), env(2, B)])
    await new Promise((r) => setTimeout(r, 40)) // let the first gap fill finish (it finds nothing new)
    const queriesBefore = node.queries.length
    // The connection breaks; meanwhile env 3 and 4 are published.
    node.store.push(env(3), env(4, B))
    clock = NOW_MS
    first.res.destroy()
    const second = await node.stream(2)
    expect(second.request.body).toEqual({ contentTopics: [A, B] })
    const after = await take(sub, 2)
    expect(after.sort((x, y) => Number(x.timestampNs - y.timestampNs))).toEqual([env(3), env(4, B)])
    // The stream now repeats what the fill delivered and adds env 5: only env 5 is new.
    node.store.push(env(5))
    second.res.write(streamLine(env(3)) + streamLine(env(4, B)) + streamLine(env(5)))
    expect(await take(sub, 1)).toEqual([env(5)])
    // Gap queries resumed from each topic's last seen envelope minus the skew.
    const gapQueries = node.queries.slice(queriesBefore).map((q) => ({ topics: q.body.contentTopics, from: q.body.startTimeNs }))
    const skew = 5_000n * 1_000_000n
    expect(gapQueries).toEqual(
      expect.arrayContaining([
        { topics: [A], from: String(env(1).timestampNs - skew) },
        { topics: [B], from: String(env(2, B).timestampNs - skew) },
      ]),
    )
    expect(lost).toHaveLength(1)
    expect(lost[0]!.error).toBeInstanceOf(NetworkError)
    expect(lost[0]!.attempt).toBe(1)
    expect(reconnected).toEqual([{ attempt: 1, gapFilled: 2 }])
    expect(statuses).toEqual(['live', 'reconnecting', 'live'])
    expect(node.streams).toHaveLength(2)
    // A topic change is not a reconnect after a loss: no callbacks.
    sub.updateTopics([A])
    await node.stream(3)
    await new Promise((r) => setTimeout(r, 60))
    expect(reconnected).toHaveLength(1)
    expect(lost).toHaveLength(1)
  })

  it('never lets a sender clock in the future push the resume point past the local clock', async () => {
    let clock = NOW_MS - 2_000
    const { sub, node } = await subscribe([A], {}, { now: () => clock })
    const first = await node.stream(1)
    const future = { ...env(9), timestampNs: BigInt(NOW_MS + 3_600_000) * 1_000_000n }
    first.res.write(streamLine(future))
    expect(await take(sub, 1)).toEqual([future])
    await new Promise((r) => setTimeout(r, 40))
    const queriesBefore = node.queries.length
    clock = NOW_MS
    first.res.destroy()
    await node.stream(2)
    await new Promise((r) => setTimeout(r, 60))
    expect(node.queries.slice(queriesBefore).map((q) => q.body.startTimeNs)).toEqual([String(BigInt(NOW_MS - 5_000) * 1_000_000n)])
  })

  it('backs off exponentially with jitter between failed connections and gives up after maxAttempts', async () => {
    const port = await freePort()
    const sleeps: number[] = []
    const lost: ConnectionLostEvent[] = []
    const client = new ApiClient({
      apiUrl: `http://127.0.0.1:${port}`,
      now: () => NOW_MS,
      random: () => 0,
      retry: { maxAttempts: 1 },
      sleep: async (ms) => void sleeps.push(ms),
    })
    const sub = await client.subscribe([A], {
      registrationGraceMs: 999,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500, maxAttempts: 4 },
      onConnectionLost: (e) => lost.push(e),
    })
    subs.push(sub)
    const error = await sub.next().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect(sub.status).toBe('closed')
    // random() = 0 → half of each capped step: 100, 200, 400, 500(cap) → 50, 100, 200, 250
    expect(sleeps.filter((ms) => ms !== 999)).toEqual([50, 100, 200, 250])
    expect(lost.map((e) => e.attempt)).toEqual([1, 2, 3, 4])
  })

  it('ends with InvalidRequestError when the node rejects the subscription, without reconnecting', async () => {
    node = await new ScriptedNode().start()
    node.server.handle((_, res) => reply(res, 400, { code: 3, message: 'topic length too big', details: [] }))
    const client = new ApiClient({ apiUrl: node.server.url })
    const sub = await client.subscribe([A], { reconnect: { initialDelayMs: 1 } })
    subs.push(sub)
    await expect(sub.next()).rejects.toBeInstanceOf(InvalidRequestError)
    expect(node.server.requests).toHaveLength(1)
    expect(await sub.next()).toEqual({ value: undefined, done: true })
  })

  it('a mid-stream error line ends it when it says the request is wrong; a malformed line reconnects', async () => {
    const { sub, node } = await subscribe([A])
    const first = await node.stream(1)
    first.res.write('{"result": {"contentTopic": 12}}\n')
    const second = await node.stream(2)
    second.res.write(streamLine(env(1)) + JSON.stringify({ error: { code: 3, message: 'bad topics', details: [] } }) + '\n')
    expect(await take(sub, 1)).toEqual([env(1)])
    const error = await sub.next().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidRequestError)
    expect((error as Error).message).toContain('bad topics')
  })

  it('updateTopics aborts the request and subscribes again with the new set', async () => {
    const { sub, node } = await subscribe([A])
    const first = await node.stream(1)
    sub.updateTopics([A, B])
    await first.closed
    const second = await node.stream(2)
    expect(second.request.body).toEqual({ contentTopics: [A, B] })
    second.res.write(streamLine(env(1, B)))
    expect(await take(sub, 1)).toEqual([env(1, B)])
    // The added topic's fill started at the subscription start (minus skew).
    await new Promise((r) => setTimeout(r, 60))
    expect(node.queries.some((q) => q.body.contentTopics.includes(B) && q.body.startTimeNs === String(BigInt(NOW_MS - 5_000) * 1_000_000n))).toBe(true)
    sub.updateTopics([B, A]) // same set: nothing happens
    await new Promise((r) => setTimeout(r, 30))
    expect(node.streams).toHaveLength(2)
    expect(sub.contentTopics).toEqual([A, B])
  })

  it('reconnect() drops the connection and subscribes again at once, with a gap fill', async () => {
    const { sub, node } = await subscribe([A])
    const first = await node.stream(1)
    await new Promise((r) => setTimeout(r, 40))
    node.store.push(env(1))
    sub.reconnect()
    await first.closed
    await node.stream(2)
    expect(await take(sub, 1)).toEqual([env(1)])
    expect(sub.status).toBe('live')
  })

  it('aborting the signal option closes the subscription', async () => {
    const controller = new AbortController()
    const { sub, node } = await subscribe([A], { signal: controller.signal })
    const first = await node.stream(1)
    const pending = sub.next()
    controller.abort()
    expect(await pending).toEqual({ value: undefined, done: true })
    await first.closed
    expect(sub.status).toBe('closed')
    expect(() => sub.updateTopics([B])).toThrow(/closed/)
  })

  it('answers next() calls made before earlier ones settled, in order', async () => {
    const { sub, node } = await subscribe([A])
    const first = await node.stream(1)
    const a = sub.next()
    const b = sub.next()
    first.res.write(streamLine(env(1)) + streamLine(env(2)))
    expect(await a).toEqual({ value: env(1), done: false })
    expect(await b).toEqual({ value: env(2), done: false })
  })

  it('updateTopics can start an added topic at a given time', async () => {
    const { sub, node } = await subscribe([A])
    await node.stream(1)
    sub.updateTopics([A, B], { since: BigInt(NOW_MS - 60_000) * 1_000_000n })
    await node.stream(2)
    await new Promise((r) => setTimeout(r, 60))
    const fromB = node.queries.filter((q) => q.body.contentTopics.includes(B)).map((q) => q.body.startTimeNs)
    expect(fromB).toEqual([String(BigInt(NOW_MS - 65_000) * 1_000_000n)])
    expect(() => sub.updateTopics([A], { since: 'yesterday' as never })).toThrow(/options.since/)
  })

  it('drops envelopes for topics it is not subscribed to', async () => {
    const { sub, node } = await subscribe([A])
    const first = await node.stream(1)
    first.res.write(streamLine(env(1, B)) + streamLine(env(2)))
    expect(await take(sub, 1)).toEqual([env(2)])
  })

  it('checks its inputs', async () => {
    const client = new ApiClient({ apiUrl: 'http://127.0.0.1:1' })
    await expect(client.subscribe([])).rejects.toThrow('topics must be a non-empty array of topics')
    await expect(client.subscribe([''])).rejects.toThrow('topics[0] must be a non-empty string')
    await expect(client.subscribe([A], { skewMs: -1 })).rejects.toThrow(RangeError)
    await expect(client.subscribe([A], { onReconnect: 5 as never })).rejects.toThrow(/onReconnect must be a function/)
    await expect(client.subscribe([A], { recentIdsWindow: 0 })).rejects.toThrow(/recentIdsWindow/)
  })
})
