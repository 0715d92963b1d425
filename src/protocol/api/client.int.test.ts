// ApiClient against a real node process over HTTP (src/node, started by its test helper).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIdentity } from '../../node/testing/identities.ts'
import { startNode, type NodeProcess } from '../../node/testing/node-process.ts'
import { ApiClient } from './client.ts'
import { ApiError, PermissionDeniedError, RateLimitedError, UnauthenticatedError } from './errors.ts'
import type { EnvelopeStream } from './envelope-stream.ts'
import type { ConnectionLostEvent, ReconnectEvent } from './envelope-stream-options.ts'
import type { Envelope } from '../../wire/message-api.ts'

let run = 0
const topic = (kind = 'm') => `/xmtp/0/${kind}-apiclient${process.pid}x${++run}/proto`
const BASE_NS = BigInt(Date.now() - 3_600_000) * 1_000_000n
const envelope = (contentTopic: string, i: number, text = `msg ${i}`): Envelope => ({
  contentTopic,
  timestampNs: BASE_NS + BigInt(i) * 1_000n,
  message: new TextEncoder().encode(text),
})
const nowEnvelope = (contentTopic: string, text: string): Envelope => ({
  contentTopic,
  timestampNs: BigInt(Date.now()) * 1_000_000n,
  message: new TextEncoder().encode(text),
})
const text = (e: Envelope) => new TextDecoder().decode(e.message)

/** Reads `n` envelopes from a subscription, failing after `timeoutMs`. */
async function take(sub: EnvelopeStream, n: number, timeoutMs = 15_000): Promise<Envelope[]> {
  const out: Envelope[] = []
  const deadline = setTimeout(() => void sub.close(), timeoutMs)
  try {
    while (out.length < n) {
      const r = await sub.next()
      if (r.done) throw new Error(`subscription ended after ${out.length} of ${n} envelopes`)
      out.push(r.value)
    }
  } finally {
    clearTimeout(deadline)
  }
  return out
}

/** Resolves with whatever arrives within `ms` (used to prove nothing more comes). */
async function nothingMore(sub: EnvelopeStream, ms: number): Promise<Envelope | undefined> {
  const next = sub.next().then((r) => (r.done ? undefined : r.value))
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms))
  return Promise.race([next, timeout])
}

describe('ApiClient against a real node (auth off)', () => {
  let node: NodeProcess
  let client: ApiClient
  beforeAll(async () => {
    node = await startNode({ auth: false, rateLimits: false })
    client = new ApiClient({ apiUrl: node.url })
  })
  afterAll(async () => {
    await node?.stop()
  })

  it('publishes 250 envelopes and reads them back in both directions across pages', async () => {
    const t = topic()
    const all = Array.from({ length: 250 }, (_, i) => envelope(t, i))
    await client.publish(all.slice(0, 125))
    await client.publish(all.slice(125))

    const pages: number[] = []
    for await (const page of client.queryIterator({ contentTopic: t })) pages.push(page.length)
    expect(pages).toEqual([100, 100, 50])
    expect(await client.query({ contentTopic: t })).toEqual(all)
    expect(await client.query({ contentTopic: t, direction: 'descending', pageSize: 100 })).toEqual([...all].reverse())
    expect(await client.query({ contentTopic: t, pageSize: 30, limit: 70 })).toEqual(all.slice(0, 70))
    expect(await client.query({ contentTopic: t, direction: 'descending', limit: 3 })).toEqual(all.slice(247).reverse())
  })

  it('an exactly full last page ends the iteration cleanly', async () => {
    const t = topic()
    const all = Array.from({ length: 200 }, (_, i) => envelope(t, i))
    await client.publish(all)
    const pages: number[] = []
    for await (const page of client.queryIterator({ contentTopic: t })) pages.push(page.length)
    expect(pages).toEqual([100, 100])
  })

  it('honours inclusive time ranges given as bigint ns or Date', async () => {
    const t = topic()
    const all = Array.from({ length: 10 }, (_, i) => envelope(t, i))
    await client.publish(all)
    expect(await client.query({ contentTopic: t, startTime: all[2]!.timestampNs, endTime: all[5]!.timestampNs })).toEqual(all.slice(2, 6))
    expect(await client.query({ contentTopic: t, endTime: all[1]!.timestampNs, direction: 'descending' })).toEqual([all[1], all[0]])
    const later = { contentTopic: t, timestampNs: BigInt(Date.now() + 60_000) * 1_000_000n, message: new Uint8Array([42]) }
    await client.publish([later])
    expect(await client.query({ contentTopic: t, startTime: new Date() })).toEqual([later])
  })

  it('merges several topics into one ordering', async () => {
    const t1 = topic()
    const t2 = topic()
    await client.publish([envelope(t1, 1), envelope(t2, 2), envelope(t1, 3)])
    expect((await client.query({ contentTopics: [t1, t2] })).map(text)).toEqual(['msg 1', 'msg 2', 'msg 3'])
  })

  it('batchQuery of 120 queries returns each topic its own answer, in request order', async () => {
    const topics = Array.from({ length: 120 }, () => topic())
    await client.publish(topics.map((t, i) => envelope(t, i, `for ${i}`)))
    const responses = await client.batchQuery(topics.map((t) => ({ contentTopics: [t], pagingInfo: { limit: 5, direction: 2 } })))
    expect(responses).toHaveLength(120)
    expect(responses.map((r) => r.envelopes.map(text))).toEqual(topics.map((_, i) => [`for ${i}`]))
  })

  it('a subscription sees an envelope published after subscribe() resolved, exactly once', async () => {
    const t = topic()
    const sub = await client.subscribe([t])
    try {
      const e = nowEnvelope(t, 'live one')
      await client.publish([e])
      expect(await take(sub, 1)).toEqual([e])
      // The stream and the registration gap fill may both have seen it: still once.
      const pending = sub.next()
      expect(await Promise.race([pending, new Promise((resolve) => setTimeout(() => resolve('quiet'), 1_500))])).toBe('quiet')
      expect(sub.status).toBe('live')
      // The gap fill is long done: this one can only come through the live stream.
      const streamed = nowEnvelope(t, 'streamed')
      await client.publish([streamed])
      expect(await pending).toEqual({ value: streamed, done: false })
    } finally {
      await sub.close()
    }
  })

  it('updateTopics moves the subscription to the new topics', async () => {
    const t1 = topic()
    const t2 = topic()
    const sub = await client.subscribe([t1], { registrationGraceMs: 200 })
    try {
      const first = nowEnvelope(t1, 'one')
      await client.publish([first])
      expect(await take(sub, 1)).toEqual([first])
      sub.updateTopics([t2])
      const second = nowEnvelope(t2, 'two')
      await client.publish([nowEnvelope(t1, 'not any more'), second])
      expect(await take(sub, 1)).toEqual([second])
    } finally {
      await sub.close()
    }
  })
})

describe('ApiClient against a real node (auth on)', () => {
  let node: NodeProcess
  beforeAll(async () => {
    node = await startNode({ auth: true, rateLimits: false })
  })
  afterAll(async () => {
    await node?.stop()
  })

  it('publishes with a token, refreshes an expired one once, and maps refusals', async () => {
    const alice = await createIdentity()
    const bob = await createIdentity()
    // First token is two hours old: the node says UNAUTHENTICATED, the client asks for a
    // fresh one and retries once.
    let made = 0
    const client = new ApiClient({
      apiUrl: node.url,
      authenticator: { createToken: () => (made++ === 0 ? alice.token(new Date(Date.now() - 7_200_000)) : alice.token()) },
    })
    const t = topic()
    await client.publish([envelope(t, 1)])
    expect(made).toBe(2)
    expect(await client.query({ contentTopic: t })).toEqual([envelope(t, 1)])

    const anonymous = new ApiClient({ apiUrl: node.url })
    const error = await anonymous.publish([envelope(t, 2)]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnauthenticatedError)

    const always = new ApiClient({ apiUrl: node.url, authenticator: { createToken: () => alice.token(new Date(Date.now() - 7_200_000)) } })
    await expect(always.publish([envelope(t, 3)])).rejects.toBeInstanceOf(UnauthenticatedError)

    const intoBobsContact = `/xmtp/0/contact-${bob.address}/proto`
    await expect(client.publish([envelope(intoBobsContact, 4)])).rejects.toBeInstanceOf(PermissionDeniedError)
  })
})

describe('ApiClient against a node with a small body limit', () => {
  it('reports an oversized publish (413, code 8) as a non-retried ApiError, not a rate limit', async () => {
    const node = await startNode({ auth: false, rateLimits: false, args: ['--max-body-bytes', '4096'] })
    try {
      const sleeps: number[] = []
      const client = new ApiClient({ apiUrl: node.url, sleep: async (ms) => void sleeps.push(ms) })
      const error = await client.publish([{ ...envelope(topic(), 1), message: new Uint8Array(10_000) }]).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ApiError)
      expect(error).not.toBeInstanceOf(RateLimitedError)
      expect((error as ApiError).httpStatus).toBe(413)
      expect(sleeps).toEqual([])
      // The node keeps serving, and the client with it.
      await client.publish([envelope(topic(), 2)])
    } finally {
      await node.stop()
    }
  })
})

describe('a subscription across a node restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-apiclient-'))
  const db = join(dir, 'node.db')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reconnects to the restarted node, fills the gap, and delivers each envelope exactly once', async () => {
    let node = await startNode({ auth: false, rateLimits: false, db })
    const port = node.port
    const lost: ConnectionLostEvent[] = []
    const reconnected: ReconnectEvent[] = []
    const client = new ApiClient({ apiUrl: node.url, retry: { maxAttempts: 1 } })
    const t = topic()
    const sub = await client.subscribe([t], {
      registrationGraceMs: 200,
      reconnect: { initialDelayMs: 200, maxDelayMs: 1_000 },
      onConnectionLost: (e) => lost.push(e),
      onReconnect: (e) => reconnected.push(e),
    })
    try {
      const before = nowEnvelope(t, 'before')
      await client.publish([before])
      expect(await take(sub, 1)).toEqual([before])

      await node.kill()
      // While the subscribed node is down, another node on the same database takes a publish.
      const other = await startNode({ auth: false, rateLimits: false, db })
      const whileDown = nowEnvelope(t, 'while down')
      await new ApiClient({ apiUrl: other.url }).publish([whileDown])
      await other.stop()

      node = await startNode({ auth: false, rateLimits: false, db, args: ['--port', String(port)] })
      expect(node.port).toBe(port)
      // The gap fill brings the one published while down…
      expect(await take(sub, 1)).toEqual([whileDown])
      // …and the live stream the ones published now.
      const after = nowEnvelope(t, 'after')
      await client.publish([after])
      expect(await take(sub, 1)).toEqual([after])
      expect(await nothingMore(sub, 1_500)).toBeUndefined()
      expect(lost.length).toBeGreaterThanOrEqual(1)
      expect(reconnected.at(-1)?.gapFilled).toBe(1)
      expect(sub.status).toBe('live')
    } finally {
      await sub.close()
      await node.stop()
    }
  })
})
