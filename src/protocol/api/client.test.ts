import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiClient, DEFAULT_CLIENT_VERSION, PARLEY_VERSION, type ApiClientOptions } from './client.ts'
import {
  ApiError,
  InvalidRequestError,
  NetworkError,
  PermissionDeniedError,
  RateLimitedError,
  ResponseFormatError,
  UnauthenticatedError,
} from './errors.ts'
import { freePort, reply, startFaultServer, type FaultServer, type Handler } from './testing/fault-server.ts'
import { SortDirection, envelopeToJson, type Envelope } from '../../wire/message-api.ts'

const TOPIC = '/xmtp/0/m-abc/proto'
const env = (i: number, topic = TOPIC): Envelope => ({ contentTopic: topic, timestampNs: 1_730_000_000_000_000_000n + BigInt(i), message: new Uint8Array([1, i & 255, i >> 8]) })

let server: FaultServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** A client against a fault server; sleeps are recorded, not waited. */
async function setup(handler: Handler, options: Partial<ApiClientOptions> = {}) {
  server = await startFaultServer(handler)
  const sleeps: number[] = []
  const client = new ApiClient({
    apiUrl: server.url,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0.5,
    ...options,
  })
  return { client, sleeps, server }
}

function tokens() {
  let n = 0
  return {
    calls: () => n,
    authenticator: { createToken: async () => `tok-${++n}-secretsecret` },
  }
}

describe('ApiClient construction', () => {
  it('checks and normalises apiUrl', () => {
    expect(new ApiClient({ apiUrl: 'http://127.0.0.1:5555/' }).apiUrl).toBe('http://127.0.0.1:5555')
    expect(new ApiClient({ apiUrl: 'https://node.example/api//' }).apiUrl).toBe('https://node.example/api')
    expect(() => new ApiClient({ apiUrl: 'ftp://x' })).toThrow(/apiUrl must use http or https/)
    expect(() => new ApiClient({ apiUrl: 'not a url' })).toThrow(TypeError)
    expect(() => new ApiClient({ apiUrl: 'http://x/?a=1' })).toThrow(/query or fragment/)
    expect(() => new ApiClient({ apiUrl: '' })).toThrow(/apiUrl/)
    expect(() => new ApiClient({ apiUrl: 'http://x', retry: { maxAttempts: 0 } })).toThrow(RangeError)
    expect(() => new ApiClient({ apiUrl: 'http://x', appVersion: 'bad\nvalue' })).toThrow(/appVersion/)
    expect(() => new ApiClient({ apiUrl: 'http://x', authenticator: {} as never })).toThrow(/createToken/)
  })

  it('identifies itself as parley/<package version>', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(PARLEY_VERSION).toBe(pkg.version)
    expect(DEFAULT_CLIENT_VERSION).toBe(`parley/${pkg.version}`)
  })

  it('sends X-Client-Version always, X-App-Version when set, and no Authorization on queries', async () => {
    const { client } = await setup((_, res) => reply(res, 200, { envelopes: [], pagingInfo: null }), { appVersion: 'parley-ext/1.2', ...tokens() })
    await client.queryPage({ contentTopics: [TOPIC] })
    const headers = server!.requests[0]!.headers
    expect(headers['x-client-version']).toBe(DEFAULT_CLIENT_VERSION)
    expect(headers['x-app-version']).toBe('parley-ext/1.2')
    expect(headers.authorization).toBeUndefined()
  })
})

describe('publish', () => {
  it('sends the envelopes as protojson with a bearer token, cached across calls', async () => {
    const t = tokens()
    const { client } = await setup((_, res) => reply(res, 200, {}), { authenticator: t.authenticator })
    await client.publish([env(1), env(2)])
    await client.publish([env(3)])
    expect(server!.requests.map((r) => r.path)).toEqual(['/message/v1/publish', '/message/v1/publish'])
    expect(server!.requests[0]!.body).toEqual({ envelopes: [envelopeToJson(env(1)), envelopeToJson(env(2))] })
    expect(server!.requests[0]!.headers.authorization).toBe('Bearer tok-1-secretsecret')
    expect(server!.requests[1]!.headers.authorization).toBe('Bearer tok-1-secretsecret')
    expect(t.calls()).toBe(1)
  })

  it('creates a new token once the cached one is older than its lifetime', async () => {
    const t = tokens()
    let now = 1_000_000
    const { client } = await setup((_, res) => reply(res, 200, {}), { authenticator: t.authenticator, now: () => now, tokenTtlMs: 60_000 })
    await client.publish([env(1)])
    now += 59_999
    await client.publish([env(1)])
    now += 1
    await client.publish([env(1)])
    expect(server!.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1-secretsecret', 'Bearer tok-1-secretsecret', 'Bearer tok-2-secretsecret'])
  })

  it('rejects bad envelopes before sending anything, and sends nothing for an empty list', async () => {
    const { client } = await setup((_, res) => reply(res, 200, {}))
    await expect(client.publish([{ ...env(1), contentTopic: '' }])).rejects.toThrow('envelopes[0].contentTopic must be a non-empty string')
    await expect(client.publish([env(1), { ...env(2), message: new Uint8Array(0) }])).rejects.toThrow('envelopes[1].message must be a non-empty Uint8Array')
    await expect(client.publish([{ ...env(1), timestampNs: 5 as never }])).rejects.toThrow(/timestampNs must be a bigint/)
    await expect(client.publish([{ ...env(1), contentTopic: 'x'.repeat(301) }])).rejects.toThrow(RangeError)
    await expect(client.publish('nope' as never)).rejects.toThrow(TypeError)
    await client.publish([])
    expect(server!.requests).toHaveLength(0)
  })

  it('on 401 refreshes the token and retries exactly once', async () => {
    const t = tokens()
    const { client } = await setup(
      (r, res) =>
        r.headers.authorization === 'Bearer tok-1-secretsecret'
          ? reply(res, 401, { code: 16, message: 'validating token: token expired', details: [] })
          : reply(res, 200, {}),
      { authenticator: t.authenticator },
    )
    await client.publish([env(1)])
    expect(server!.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1-secretsecret', 'Bearer tok-2-secretsecret'])
    expect(t.calls()).toBe(2)
  })

  it('surfaces a second 401 as UnauthenticatedError, without the token in the message', async () => {
    const t = tokens()
    // A careless server echoing the credential back must not leak it into our errors.
    const { client } = await setup((r, res) => reply(res, 401, { code: 16, message: `bad token ${r.headers.authorization}`, details: [] }, { 'www-authenticate': 'x' }), {
      authenticator: t.authenticator,
    })
    const error = await client.publish([env(1)]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnauthenticatedError)
    expect((error as UnauthenticatedError).code).toBe(16)
    expect((error as UnauthenticatedError).httpStatus).toBe(401)
    expect((error as Error).message).not.toMatch(/tok-\d/)
    expect((error as Error).message).toMatch(/redacted/)
    expect(server!.requests).toHaveLength(2)
    expect(t.calls()).toBe(2)
  })

  it('maps 403 to PermissionDeniedError and does not retry it', async () => {
    const { client } = await setup((_, res) => reply(res, 403, { code: 7, message: 'publishing to restricted topic', details: [] }))
    const error = await client.publish([env(1)]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PermissionDeniedError)
    expect((error as Error).message).toContain('publishing to restricted topic')
    expect(server!.requests).toHaveLength(1)
  })
})

describe('errors and retries', () => {
  it('waits out a 429 Retry-After, then succeeds', async () => {
    let n = 0
    const { client, sleeps } = await setup((_, res) =>
      n++ === 0 ? reply(res, 429, { code: 8, message: '1 exceeds rate limit DEF', details: [] }, { 'retry-after': '2' }) : reply(res, 200, { envelopes: [], pagingInfo: null }),
    )
    await client.queryPage({ contentTopics: [TOPIC] })
    expect(sleeps).toEqual([2000])
    expect(server!.requests).toHaveLength(2)
  })

  it('gives up on a Retry-After longer than the cap, reporting retryAfterMs', async () => {
    const { client, sleeps } = await setup((_, res) => reply(res, 429, { code: 8, message: 'slow down', details: [] }, { 'retry-after': '3600' }))
    const error = await client.queryPage({ contentTopics: [TOPIC] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitedError)
    expect((error as RateLimitedError).retryAfterMs).toBe(3_600_000)
    expect(sleeps).toEqual([])
    expect(server!.requests).toHaveLength(1)
  })

  it('maps 400 to InvalidRequestError without retrying', async () => {
    const { client, sleeps } = await setup((_, res) => reply(res, 400, { code: 3, message: 'cannot exceed 100 rows per query', details: [] }))
    const error = await client.queryPage({ contentTopics: [TOPIC] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidRequestError)
    expect((error as InvalidRequestError).code).toBe(3)
    expect((error as InvalidRequestError).httpStatus).toBe(400)
    expect((error as Error).message).toContain('cannot exceed 100 rows per query')
    expect(sleeps).toEqual([])
    expect(server!.requests).toHaveLength(1)
  })

  it('retries 5xx with growing backoff, then surfaces the ApiError', async () => {
    const { client, sleeps } = await setup((_, res) => reply(res, 503, '<html>bad gateway</html>'), { retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 } })
    const error = await client.queryPage({ contentTopics: [TOPIC] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).httpStatus).toBe(503)
    expect((error as ApiError).code).toBe(14)
    expect(server!.requests).toHaveLength(4)
    // equal jitter with random() = 0.5: 3/4 of the capped step
    expect(sleeps).toEqual([75, 150, 225])
  })

  it('reports a malformed JSON answer as ResponseFormatError', async () => {
    const { client } = await setup((_, res) => reply(res, 200, '{"envelopes": [tru'))
    await expect(client.queryPage({ contentTopics: [TOPIC] })).rejects.toBeInstanceOf(ResponseFormatError)
    server!.handle((_, res) => reply(res, 200, { envelopes: [{ contentTopic: TOPIC, timestampNs: 'soon', message: 'AQ==' }] }))
    await expect(client.queryPage({ contentTopics: [TOPIC] })).rejects.toThrow(/envelopes\[0\]\.timestampNs/)
    server!.handle((_, res) => reply(res, 200, { responses: [] }))
    await expect(client.batchQuery([{ contentTopics: [TOPIC] }])).rejects.toBeInstanceOf(ResponseFormatError)
  })

  it('reports a refused connection as NetworkError after retrying', async () => {
    const port = await freePort()
    const sleeps: number[] = []
    const client = new ApiClient({ apiUrl: `http://127.0.0.1:${port}`, sleep: async (ms) => void sleeps.push(ms), retry: { maxAttempts: 3 } })
    const error = await client.queryPage({ contentTopics: [TOPIC] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as Error).message).toContain('ECONNREFUSED')
    expect(sleeps).toHaveLength(2)
  })

  it('times out a hung request as NetworkError', async () => {
    const { client } = await setup(() => {}, { timeoutMs: 100, retry: { maxAttempts: 1 } })
    await expect(client.queryPage({ contentTopics: [TOPIC] })).rejects.toThrow(/timed out after 100 ms/)
  })

  it('a body cut off mid-way is a NetworkError', async () => {
    const { client } = await setup(
      (_, res) => {
        res.writeHead(200, { 'content-length': '1000' })
        res.write('{"envelopes":[')
        setTimeout(() => res.destroy(), 20)
      },
      { retry: { maxAttempts: 1 } },
    )
    await expect(client.queryPage({ contentTopics: [TOPIC] })).rejects.toBeInstanceOf(NetworkError)
  })

  it("rethrows the caller's abort and does not retry", async () => {
    const { client } = await setup(() => {})
    const controller = new AbortController()
    const pending = client.queryPage({ contentTopics: [TOPIC] }, { signal: controller.signal })
    setTimeout(() => controller.abort(), 30)
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
    expect(server!.requests).toHaveLength(1)
  })
})

/** Serves `store` like the node: filters, orders by (timestamp, index), pages with a cursor. */
function pagingNode(store: Envelope[]): Handler {
  return (r, res) => {
    const q = r.body
    const asc = q.pagingInfo?.direction === 'SORT_DIRECTION_ASCENDING'
    const start = BigInt(q.startTimeNs ?? 0)
    const end = BigInt(q.endTimeNs ?? 0)
    let rows = store
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => q.contentTopics.includes(e.contentTopic) && (start === 0n || e.timestampNs >= start) && (end === 0n || e.timestampNs <= end))
    rows.sort((a, b) => (a.e.timestampNs < b.e.timestampNs ? -1 : a.e.timestampNs > b.e.timestampNs ? 1 : 0))
    if (!asc) rows.reverse()
    const cursorIndex = q.pagingInfo?.cursor ? Buffer.from(q.pagingInfo.cursor.index.digest, 'base64').readUInt32BE(0) : undefined
    if (cursorIndex !== undefined) rows = rows.slice(rows.findIndex((x) => x.i === cursorIndex) + 1)
    const limit = q.pagingInfo?.limit || 100
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    const digest = Buffer.alloc(4)
    if (last) digest.writeUInt32BE(last.i)
    reply(res, 200, {
      envelopes: page.map(({ e }) => envelopeToJson(e)),
      pagingInfo:
        page.length < limit
          ? { limit: 0, cursor: null, direction: q.pagingInfo.direction }
          : { limit, cursor: { index: { digest: digest.toString('base64'), senderTimeNs: last!.e.timestampNs.toString() } }, direction: q.pagingInfo.direction },
    })
  }
}

describe('queries', () => {
  const store = Array.from({ length: 25 }, (_, i) => env(i))

  it('queryPage sends direction explicitly (ascending by default) and a full paging object', async () => {
    const { client } = await setup(pagingNode(store))
    const page = await client.queryPage({ contentTopics: [TOPIC] })
    expect(server!.requests[0]!.body).toEqual({
      contentTopics: [TOPIC],
      startTimeNs: '0',
      endTimeNs: '0',
      pagingInfo: { limit: 100, cursor: null, direction: 'SORT_DIRECTION_ASCENDING' },
    })
    expect(page.envelopes).toEqual(store)
    expect(page.pagingInfo?.direction).toBe(SortDirection.SORT_DIRECTION_ASCENDING)
  })

  it('queryIterator follows cursors page by page, in both directions', async () => {
    const { client } = await setup(pagingNode(store))
    const pages: Envelope[][] = []
    for await (const page of client.queryIterator({ contentTopic: TOPIC, pageSize: 10 })) pages.push(page)
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5])
    expect(pages.flat()).toEqual(store)
    const desc = await client.query({ contentTopic: TOPIC, pageSize: 10, direction: 'descending' })
    expect(desc).toEqual([...store].reverse())
    expect(server!.requests.at(-1)!.body.pagingInfo.direction).toBe('SORT_DIRECTION_DESCENDING')
  })

  it('stops at limit, asking only for what is still needed', async () => {
    const { client } = await setup(pagingNode(store))
    const got = await client.query({ contentTopic: TOPIC, pageSize: 10, limit: 13 })
    expect(got).toEqual(store.slice(0, 13))
    expect(server!.requests.map((r) => r.body.pagingInfo.limit)).toEqual([10, 3])
  })

  it('an exactly full last page is followed by one empty page and nothing is yielded for it', async () => {
    const { client } = await setup(pagingNode(store.slice(0, 20)))
    const pages: number[] = []
    for await (const page of client.queryIterator({ contentTopic: TOPIC, pageSize: 10 })) pages.push(page.length)
    expect(pages).toEqual([10, 10])
    expect(server!.requests).toHaveLength(3)
  })

  it('sends time ranges in nanoseconds from Date or bigint', async () => {
    const { client } = await setup(pagingNode(store))
    const got = await client.query({ contentTopic: TOPIC, startTime: store[3]!.timestampNs, endTime: store[5]!.timestampNs })
    expect(got).toEqual(store.slice(3, 6))
    await client.query({ contentTopics: [TOPIC, '/xmtp/0/m-other/proto'], startTime: new Date(1_700_000_000_123) })
    expect(server!.requests[1]!.body.startTimeNs).toBe('1700000000123000000')
    expect(server!.requests[1]!.body.contentTopics).toEqual([TOPIC, '/xmtp/0/m-other/proto'])
  })

  it('checks query parameters at the boundary', async () => {
    const { client } = await setup(pagingNode(store))
    await expect(client.query({ contentTopic: TOPIC, pageSize: 101 })).rejects.toThrow('params.pageSize must be an integer in 1..100')
    await expect(client.query({ contentTopic: TOPIC, limit: 0 })).rejects.toThrow(RangeError)
    await expect(client.query({ contentTopic: TOPIC, startTime: 5 as never })).rejects.toThrow('params.startTime must be a Date or a bigint of nanoseconds')
    await expect(client.query({ contentTopic: TOPIC, startTime: 10n, endTime: 5n })).rejects.toThrow(/not be after/)
    await expect(client.query({ contentTopics: [] })).rejects.toThrow(/non-empty array/)
    await expect(client.query({})).rejects.toThrow('params.contentTopic must be a non-empty string')
    await expect(client.query({ contentTopic: TOPIC, direction: 'up' as never })).rejects.toThrow(/direction/)
    await expect(client.queryPage({ contentTopics: [TOPIC], pagingInfo: { limit: 500, direction: 1 } })).rejects.toThrow(/limit/)
    expect(server!.requests).toHaveLength(0)
  })

  it('refuses to loop on a server that repeats its cursor', async () => {
    const { client } = await setup((r, res) =>
      reply(res, 200, {
        envelopes: [envelopeToJson(env(1))],
        pagingInfo: { limit: 1, cursor: { index: { digest: 'AAAA', senderTimeNs: '1' } }, direction: r.body.pagingInfo.direction },
      }),
    )
    await expect(client.query({ contentTopic: TOPIC, pageSize: 1 })).rejects.toThrow(/same cursor twice/)
  })
})

describe('batchQuery', () => {
  it('splits 120 queries into 3 requests of ≤ 50 and returns responses in request order', async () => {
    let inFlight = 0
    let maxInFlight = 0
    const { client } = await setup(
      async (r, res) => {
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        // Answer the first chunk last, so order cannot come from arrival order.
        const first = r.body.requests[0].contentTopics[0] === 't-0'
        await new Promise((resolve) => setTimeout(resolve, first ? 80 : 10))
        inFlight--
        reply(res, 200, {
          responses: r.body.requests.map((q: any) => ({
            envelopes: [envelopeToJson({ contentTopic: q.contentTopics[0], timestampNs: 1n, message: new Uint8Array([1]) })],
            pagingInfo: null,
          })),
        })
      },
      { batchConcurrency: 2 },
    )
    const requests = Array.from({ length: 120 }, (_, i) => ({ contentTopics: [`t-${i}`], pagingInfo: { limit: 5, direction: SortDirection.SORT_DIRECTION_DESCENDING } }))
    const responses = await client.batchQuery(requests)
    expect(server!.requests.map((r) => r.body.requests.length)).toEqual([50, 50, 20])
    expect(responses.map((r) => r.envelopes[0]!.contentTopic)).toEqual(requests.map((q) => q.contentTopics[0]))
    expect(maxInFlight).toBe(2)
    expect(server!.requests[0]!.body.requests[0].pagingInfo).toEqual({ limit: 5, cursor: null, direction: 'SORT_DIRECTION_DESCENDING' })
  })

  it('sends nothing for no requests and checks each request', async () => {
    const { client } = await setup((_, res) => reply(res, 200, { responses: [] }))
    expect(await client.batchQuery([])).toEqual([])
    await expect(client.batchQuery([{ contentTopics: [TOPIC] }, { contentTopics: [] }])).rejects.toThrow('requests[1].contentTopics must be a non-empty array of topics')
    expect(server!.requests).toHaveLength(0)
  })
})

describe('error classes', () => {
  it('treats code 8 with HTTP 413 (body too large) as a plain, non-retried ApiError', async () => {
    const { client, sleeps } = await setup((_, res) => reply(res, 413, { code: 8, message: 'request body too large', details: [] }))
    const error = await client.publish([env(1)]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).not.toBeInstanceOf(RateLimitedError)
    expect(sleeps).toEqual([])
    expect(server!.requests).toHaveLength(1)
  })
})
