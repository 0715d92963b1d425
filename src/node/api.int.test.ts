// The message API over real HTTP against a real node process (auth on, default limits).

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIdentity, type TestIdentity } from './testing/identities.ts'
import { openStream, post } from './testing/http.ts'
import { startNode, type NodeProcess } from './testing/node-process.ts'

let node: NodeProcess
let alice: TestIdentity
let bob: TestIdentity
let aliceToken: string
let run = 0

/** A topic of its own for each test, so tests do not see each other's envelopes. */
const topic = (kind = 'm') => `/xmtp/0/${kind}-test${process.pid}x${++run}/proto`
const b64 = (text: string) => Buffer.from(text).toString('base64')
const envelope = (contentTopic: string, ts: bigint | number, text: string) => ({ contentTopic, timestampNs: String(ts), message: b64(text) })
const text = (e: { message: string }) => Buffer.from(e.message, 'base64').toString()

const api = (path: string) => `${node.url}/message/v1/${path}`
const publish = (envelopes: unknown[], token = aliceToken) => post(api('publish'), { envelopes }, { Authorization: `Bearer ${token}` })
const query = (body: unknown) => post(api('query'), body)

beforeAll(async () => {
  ;[node, alice, bob] = await Promise.all([startNode(), createIdentity(), createIdentity()])
  aliceToken = await alice.token()
})
afterAll(async () => {
  expect(await node.stop()).toBe(0)
})

describe('publish and query', () => {
  it('stores what was published and returns it as protojson (EmitUnpopulated, uint64 strings)', async () => {
    const t = topic()
    const published = await publish([envelope(t, 1_700_000_000_000_000_001n, 'hello')])
    expect(published).toMatchObject({ status: 200, body: {} })
    const { status, body } = await query({ contentTopics: [t] })
    expect(status).toBe(200)
    expect(body).toEqual({
      envelopes: [{ contentTopic: t, timestampNs: '1700000000000000001', message: b64('hello') }],
      pagingInfo: { limit: 0, cursor: null, direction: 'SORT_DIRECTION_DESCENDING' },
    })
  })

  it('accepts a body sent as text/plain, as xmtp-js sends it', async () => {
    const t = topic()
    const response = await fetch(api('publish'), {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8', Authorization: `Bearer ${aliceToken}` },
      body: JSON.stringify({ envelopes: [envelope(t, 1, 'plain')] }),
    })
    expect(response.status).toBe(200)
    expect((await query({ contentTopics: [t] })).body.envelopes).toHaveLength(1)
  })

  it('pages ascending with cursors; a cursor only on a full page; an exactly full last page is followed by an empty one', async () => {
    const t = topic()
    await publish(Array.from({ length: 20 }, (_, i) => envelope(t, 1000 + i, `m${i}`)))
    const seen: string[] = []
    const pages: number[] = []
    let cursor: unknown
    for (;;) {
      const { body } = await query({ contentTopics: [t], pagingInfo: { limit: 7, direction: 'SORT_DIRECTION_ASCENDING', ...(cursor ? { cursor } : {}) } })
      pages.push(body.envelopes.length)
      seen.push(...body.envelopes.map(text))
      expect(body.pagingInfo.direction).toBe('SORT_DIRECTION_ASCENDING')
      cursor = body.pagingInfo.cursor
      if (!cursor) {
        expect(body.pagingInfo.limit).toBe(0)
        break
      }
      expect(body.pagingInfo.limit).toBe(7)
      expect(body.pagingInfo.cursor.index.senderTimeNs).toBe(String(1000 + seen.length - 1))
    }
    expect(pages).toEqual([7, 7, 6])
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`))

    const full = await query({ contentTopics: [t], pagingInfo: { limit: 10, direction: 'SORT_DIRECTION_ASCENDING' } })
    const second = await query({ contentTopics: [t], pagingInfo: { limit: 10, direction: 'SORT_DIRECTION_ASCENDING', cursor: full.body.pagingInfo.cursor } })
    expect(second.body.envelopes.map(text)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i + 10}`))
    expect(second.body.pagingInfo.cursor).not.toBeNull()
    const third = await query({ contentTopics: [t], pagingInfo: { limit: 10, direction: 'SORT_DIRECTION_ASCENDING', cursor: second.body.pagingInfo.cursor } })
    expect(third.body).toEqual({ envelopes: [], pagingInfo: { limit: 0, cursor: null, direction: 'SORT_DIRECTION_ASCENDING' } })
  })

  it('pages descending by default, and by (timestamp, digest) when timestamps tie', async () => {
    const t = topic()
    // Five envelopes share one timestamp: the digest breaks the tie, in both directions.
    await publish([...Array.from({ length: 5 }, (_, i) => envelope(t, 50, `tie${i}`)), envelope(t, 10, 'old'), envelope(t, 90, 'new')])
    const collect = async (direction?: string) => {
      const out: string[] = []
      let cursor: unknown
      do {
        const paging: Record<string, unknown> = { limit: 2 }
        if (direction) paging.direction = direction
        if (cursor) paging.cursor = cursor
        const { body } = await query({ contentTopics: [t], pagingInfo: paging })
        out.push(...body.envelopes.map(text))
        cursor = body.pagingInfo.cursor
      } while (cursor)
      return out
    }
    const desc = await collect()
    const asc = await collect('SORT_DIRECTION_ASCENDING')
    expect(desc).toHaveLength(7)
    expect(desc[0]).toBe('new')
    expect(desc[6]).toBe('old')
    expect(asc).toEqual([...desc].reverse())
    expect(await collect('SORT_DIRECTION_DESCENDING')).toEqual(desc)
    expect(await collect('SORT_DIRECTION_UNSPECIFIED')).toEqual(desc)
  })

  it('returns 100 rows by default with a cursor when more exist', async () => {
    const t = topic()
    await publish(Array.from({ length: 105 }, (_, i) => envelope(t, i + 1, `n${i}`)))
    const { body } = await query({ contentTopics: [t] })
    expect(body.envelopes).toHaveLength(100)
    expect(text(body.envelopes[0])).toBe('n104')
    expect(body.pagingInfo).toMatchObject({ limit: 100, direction: 'SORT_DIRECTION_DESCENDING' })
    expect(body.pagingInfo.cursor.index.senderTimeNs).toBe('6')
  })

  it('filters by start and end time, both inclusive', async () => {
    const t = topic()
    await publish([10, 20, 30, 40, 50].map((ts) => envelope(t, ts, `at${ts}`)))
    const asc = { limit: 100, direction: 'SORT_DIRECTION_ASCENDING' }
    const range = async (body: Record<string, unknown>) => (await query({ contentTopics: [t], pagingInfo: asc, ...body })).body.envelopes.map(text)
    expect(await range({ startTimeNs: '20', endTimeNs: '40' })).toEqual(['at20', 'at30', 'at40'])
    expect(await range({ startTimeNs: '31' })).toEqual(['at40', 'at50'])
    expect(await range({ endTimeNs: 20 })).toEqual(['at10', 'at20'])
    expect(await range({ startTimeNs: '0', endTimeNs: '0' })).toHaveLength(5)
  })

  it('merges several topics into one ordering', async () => {
    const [t1, t2] = [topic(), topic()]
    await publish([envelope(t1, 1, 'a1'), envelope(t2, 2, 'b2'), envelope(t1, 3, 'a3'), envelope(t2, 4, 'b4')])
    const { body } = await query({ contentTopics: [t1, t2], pagingInfo: { direction: 'SORT_DIRECTION_ASCENDING' } })
    expect(body.envelopes.map(text)).toEqual(['a1', 'b2', 'a3', 'b4'])
  })

  it('stores the same message with the same timestamp once, with another timestamp twice', async () => {
    const t = topic()
    await publish([envelope(t, 7, 'same'), envelope(t, 7, 'same')])
    await publish([envelope(t, 7, 'same')])
    await publish([envelope(t, 8, 'same')])
    const { body } = await query({ contentTopics: [t], pagingInfo: { direction: 'SORT_DIRECTION_ASCENDING' } })
    expect(body.envelopes.map((e: { timestampNs: string }) => e.timestampNs)).toEqual(['7', '8'])
  })

  it('keeps timestamps above 2^63 exact and in order', async () => {
    const t = topic()
    const big = (1n << 64n) - 1n
    await publish([envelope(t, big, 'max'), envelope(t, 1n << 63n, 'mid'), envelope(t, 1, 'low')])
    const { body } = await query({ contentTopics: [t], pagingInfo: { direction: 'SORT_DIRECTION_ASCENDING' } })
    expect(body.envelopes.map((e: { timestampNs: string }) => e.timestampNs)).toEqual(['1', String(1n << 63n), String(big)])
  })

  it('rejects more than 100 rows per query, except 500 on a single userpreferences topic', async () => {
    const t = topic()
    const tooMany = await query({ contentTopics: [t], pagingInfo: { limit: 101 } })
    expect(tooMany.status).toBe(400)
    expect(tooMany.body).toEqual({ code: 3, message: expect.stringMatching(/cannot exceed 100 rows per query/), details: [] })
    const prefs = topic('userpreferences')
    expect((await query({ contentTopics: [prefs], pagingInfo: { limit: 500 } })).status).toBe(200)
    expect((await query({ contentTopics: [prefs], pagingInfo: { limit: 501 } })).body.code).toBe(3)
    expect((await query({ contentTopics: [prefs, t], pagingInfo: { limit: 500 } })).status).toBe(400)
  })

  it('requires content topics', async () => {
    const response = await query({ contentTopics: [] })
    expect(response).toMatchObject({ status: 400, body: { code: 3, message: 'content topics required' } })
  })

  it('gzips query responses when the client accepts gzip', async () => {
    const t = topic()
    await publish(Array.from({ length: 30 }, (_, i) => envelope(t, i + 1, 'x'.repeat(100))))
    const response = await fetch(api('query'), { method: 'POST', body: JSON.stringify({ contentTopics: [t] }), headers: { 'Accept-Encoding': 'gzip' } })
    expect(response.headers.get('content-encoding')).toBe('gzip')
    expect((await response.json()).envelopes).toHaveLength(30)
  })
})

describe('batch query', () => {
  it('answers in request order', async () => {
    const topics = [topic(), topic(), topic()]
    await publish(topics.map((t, i) => envelope(t, i + 1, `t${i}`)))
    const { status, body } = await post(api('batch-query'), {
      requests: [{ contentTopics: [topics[2]] }, { contentTopics: [topics[0]] }, { contentTopics: [topics[1]] }, { contentTopics: [topic()] }],
    })
    expect(status).toBe(200)
    expect(body.responses.map((r: { envelopes: { message: string }[] }) => r.envelopes.map(text))).toEqual([['t2'], ['t0'], ['t1'], []])
    expect(body.responses[0].pagingInfo).toEqual({ limit: 0, cursor: null, direction: 'SORT_DIRECTION_DESCENDING' })
  })

  it('allows 50 queries and rejects 51', async () => {
    const requests = (n: number) => Array.from({ length: n }, () => ({ contentTopics: [topic()] }))
    const fifty = await post(api('batch-query'), { requests: requests(50) })
    expect(fifty.status).toBe(200)
    expect(fifty.body.responses).toHaveLength(50)
    const fiftyOne = await post(api('batch-query'), { requests: requests(51) })
    expect(fiftyOne).toMatchObject({ status: 400, body: { code: 3, message: expect.stringContaining('cannot exceed 50 requests in single batch') } })
  })

  it('names the failing sub-query', async () => {
    const response = await post(api('batch-query'), { requests: [{ contentTopics: [topic()] }, { contentTopics: [topic()], pagingInfo: { limit: 101 } }] })
    expect(response).toMatchObject({ status: 400, body: { code: 3, message: expect.stringMatching(/^requests\[1\]: cannot exceed 100/) } })
  })
})

describe('streams', () => {
  it('subscribe delivers only envelopes published after it started, only on its topics, ephemeral ones too', async () => {
    const [t, other] = [topic(), topic()]
    const ephemeral = t.replace('/xmtp/0/m-', '/xmtp/0/mE-')
    await publish([envelope(t, 1, 'before')])
    const stream = await openStream(api('subscribe'), { contentTopics: [t, ephemeral] })
    await publish([envelope(other, 2, 'elsewhere'), envelope(t, 3, 'after'), envelope(ephemeral, 4, 'typing')])
    const lines = await stream.next(2)
    expect(lines).toEqual([{ result: envelope(t, 3, 'after') }, { result: envelope(ephemeral, 4, 'typing') }])
    // A duplicate is not stored again but is still delivered (node-go relays every accepted envelope).
    await publish([envelope(t, 3, 'after')])
    expect(await stream.next(1)).toEqual([{ result: envelope(t, 3, 'after') }])
    stream.close()
    expect(stream.raw()).not.toMatch(/\n\n/)
    expect(stream.raw().endsWith('\n')).toBe(true)
    // Ephemeral: delivered, never stored.
    expect((await query({ contentTopics: [ephemeral] })).body.envelopes).toEqual([])
    expect((await query({ contentTopics: [t] })).body.envelopes).toHaveLength(2)
  })

  it('subscribe-all delivers every /xmtp/0/ envelope and nothing else', async () => {
    const stream = await openStream(api('subscribe-all'), {})
    const t = topic()
    await publish([envelope('/test-outside/proto', 1, 'outside'), envelope(t, 2, 'inside')])
    const [line] = await stream.next(1)
    expect(line).toEqual({ result: envelope(t, 2, 'inside') })
    stream.close()
  })

  it('forgets a subscription when its client goes away', async () => {
    const subscriptions = async () => (await (await fetch(`${node.url}/healthz`)).json()).subscriptions as number
    const settle = async (count: number) => {
      const deadline = Date.now() + 5_000
      while ((await subscriptions()) !== count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      expect(await subscriptions()).toBe(count)
    }
    await settle(0) // streams of earlier tests were closed by their clients
    const streams = await Promise.all([openStream(api('subscribe'), { contentTopics: [topic()] }), openStream(api('subscribe-all'), {})])
    expect(await subscriptions()).toBe(2)
    for (const stream of streams) stream.close()
    await settle(0)
  })

  it('rejects a subscribe without topics', async () => {
    const response = await post(api('subscribe'), { contentTopics: [] })
    expect(response).toMatchObject({ status: 400, body: { code: 3, message: 'content topics required' } })
  })
})

describe('auth on publish', () => {
  const expectUnauthenticated = (response: Awaited<ReturnType<typeof post>>, message: RegExp) => {
    expect(response.status).toBe(401)
    expect(response.body).toEqual({ code: 16, message: expect.stringMatching(message), details: [] })
    expect(response.headers.get('www-authenticate')).toBe(response.body.message)
  }

  it('refuses a publish without a token', async () => {
    expectUnauthenticated(await post(api('publish'), { envelopes: [envelope(topic(), 1, 'x')] }), /token/)
  })

  it('refuses a non-Bearer scheme and a garbage token', async () => {
    const t = topic()
    expectUnauthenticated(await post(api('publish'), { envelopes: [envelope(t, 1, 'x')] }, { Authorization: `Basic ${aliceToken}` }), /Bearer/)
    expectUnauthenticated(await publish([envelope(t, 1, 'x')], 'bm90IGEgdG9rZW4='), /token/)
    expectUnauthenticated(await publish([envelope(t, 1, 'x')], '%%%'), /token/)
    expect((await query({ contentTopics: [t] })).body.envelopes).toEqual([])
  })

  it('refuses a token older than an hour', async () => {
    const expired = await alice.token(new Date(Date.now() - 61 * 60 * 1000))
    expectUnauthenticated(await publish([envelope(topic(), 1, 'x')], expired), /expired/)
    const fresh = await alice.token(new Date(Date.now() - 59 * 60 * 1000))
    expect((await publish([envelope(topic(), 1, 'x')], fresh)).status).toBe(200)
  })

  it('refuses a token whose auth data names another wallet', async () => {
    expectUnauthenticated(await publish([envelope(topic(), 1, 'x')], alice.tokenClaiming(bob.address)), /wallet address mismatch/)
  })

  it('lets a wallet publish to its own contact and privatestore topics only', async () => {
    const own = `/xmtp/0/contact-${alice.address}/proto`
    const ownStore = `/xmtp/0/privatestore-${alice.address}/key_bundle/proto`
    const nowNs = BigInt(Date.now()) * 1_000_000n
    expect((await publish([envelope(own, nowNs, 'bundle'), envelope(ownStore, nowNs, 'keys')])).status).toBe(200)
    // Owner-only envelopes are timestamped within their token's hour: peers check that later.
    const outside = await publish([envelope(ownStore, 1, 'keys from 1970')])
    expect(outside).toMatchObject({ status: 400, body: { code: 3, message: expect.stringContaining('envelopes[0].timestampNs: token created after the envelope was written') } })
    for (const foreign of [`/xmtp/0/contact-${bob.address}/proto`, `/xmtp/0/privatestore-${bob.address}/key_bundle/proto`, `/xmtp/0/contact-${alice.address.toLowerCase()}/proto`]) {
      const response = await publish([envelope(topic(), 1, 'fine'), envelope(foreign, 1, 'forged')])
      expect(response).toMatchObject({ status: 403, body: { code: 7, message: 'publishing to restricted topic', details: [] } })
      expect((await query({ contentTopics: [foreign] })).body.envelopes).toEqual([])
    }
    // Everything else is open to any authenticated wallet.
    const bobToken = await bob.token()
    expect((await publish([envelope(`/xmtp/0/invite-${alice.address}/proto`, 1, 'invite')], bobToken)).status).toBe(200)
    expect((await publish([envelope(`/xmtp/0/intro-${alice.address}/proto`, 1, 'intro')], bobToken)).status).toBe(200)
  })

  it('needs no token to query or subscribe', async () => {
    expect((await query({ contentTopics: [`/xmtp/0/contact-${alice.address}/proto`] })).body.envelopes).toHaveLength(1)
  })
})

describe('limits', () => {
  it('accepts a 300-character topic and a 1,048,214-byte message, rejects one more of each', async () => {
    const prefix = '/xmtp/0/m-'
    const long = prefix + 'a'.repeat(300 - prefix.length)
    expect((await publish([envelope(long, 1, 'x')])).status).toBe(200)
    const tooLong = await publish([envelope(long + 'a', 1, 'x')])
    expect(tooLong).toMatchObject({ status: 400, body: { code: 3, message: expect.stringContaining('topic length too big') } })
    expect(tooLong.body.message).toContain('envelopes[0].contentTopic')

    const t = topic()
    const max = Buffer.alloc(1_048_214, 7)
    expect((await publish([{ contentTopic: t, timestampNs: '1', message: max.toString('base64') }])).status).toBe(200)
    const tooBig = await publish([{ contentTopic: t, timestampNs: '2', message: Buffer.alloc(1_048_215).toString('base64') }])
    expect(tooBig).toMatchObject({ status: 400, body: { code: 3, message: expect.stringContaining('message too big') } })
    const stored = (await query({ contentTopics: [t] })).body.envelopes
    expect(stored.map((e: { timestampNs: string }) => e.timestampNs)).toEqual(['1'])
    expect(Buffer.from(stored[0].message, 'base64').equals(max)).toBe(true)
  })

  it('stores nothing of a request with one invalid envelope', async () => {
    const t = topic()
    const response = await publish([envelope(t, 1, 'ok'), envelope('/xmtp/0/m-' + 'z'.repeat(400), 2, 'bad')])
    expect(response.status).toBe(400)
    expect(response.body.message).toContain('envelopes[1]')
    expect((await query({ contentTopics: [t] })).body.envelopes).toEqual([])
  })
})

describe('HTTP surface', () => {
  it('answers a CORS preflight and sets Access-Control-Allow-Origin everywhere', async () => {
    const preflight = await fetch(api('publish'), {
      method: 'OPTIONS',
      headers: { Origin: 'chrome-extension://abc', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,x-client-version' },
    })
    expect(preflight.status).toBe(200)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,HEAD,POST,PUT,PATCH,DELETE')
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization,X-Client-Version,X-App-Version')
    expect(await preflight.text()).toBe('')
    const error = await query({ contentTopics: [] })
    expect(error.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('answers unknown paths with 404 code 5 and wrong methods with 501 code 12', async () => {
    const unknown = await post(`${node.url}/message/v1/unknown`, {})
    expect(unknown).toMatchObject({ status: 404, body: { code: 5, message: expect.stringContaining('/message/v1/unknown'), details: [] } })
    const wrongMethod = await fetch(api('query'))
    expect(wrongMethod.status).toBe(501)
    expect(await wrongMethod.json()).toMatchObject({ code: 12, message: expect.stringContaining('POST') })
  })

  it('serves /healthz', async () => {
    const response = await fetch(`${node.url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ status: 'ok', envelopes: expect.any(Number), subscriptions: expect.any(Number) })
  })
})

describe('malformed requests', () => {
  it('answers each with 400 naming the problem, and keeps running with its data', async () => {
    const t = topic()
    await publish([envelope(t, 1, 'keep me')])
    const before = (await (await fetch(`${node.url}/healthz`)).json()).envelopes
    const cases: [path: string, body: string, problem: RegExp][] = [
      ['query', '{', /not valid JSON/],
      ['query', 'null', /must be a JSON object/],
      ['query', '[1,2]', /must be a JSON object/],
      ['query', '"text"', /must be a JSON object/],
      ['query', '{"contentTopics":"abc"}', /contentTopics must be an array/],
      ['query', '{"contentTopics":[1]}', /contentTopics\[0\] must be a string/],
      ['query', '{"contentTopics":["a"],"startTimeNs":"-1"}', /startTimeNs/],
      ['query', '{"contentTopics":["a"],"startTimeNs":"12abc"}', /startTimeNs/],
      ['query', '{"contentTopics":["a"],"endTimeNs":1.5}', /endTimeNs/],
      ['query', '{"contentTopics":["a"],"endTimeNs":"18446744073709551616"}', /endTimeNs .*uint64/],
      ['query', '{"contentTopics":["a"],"pagingInfo":{"limit":-1}}', /pagingInfo.limit/],
      ['query', '{"contentTopics":["a"],"pagingInfo":{"direction":"SIDEWAYS"}}', /pagingInfo.direction/],
      ['query', '{"contentTopics":["a"],"pagingInfo":{"cursor":{"index":{"digest":"***"}}}}', /pagingInfo.cursor.index.digest is not valid base64/],
      ['publish', '{"envelopes":{}}', /envelopes must be an array/],
      ['publish', '{"envelopes":[{"contentTopic":"a","timestampNs":"1","message":"%%%"}]}', /envelopes\[0\].message is not valid base64/],
      ['publish', '{"envelopes":[{"contentTopic":5,"message":"AA=="}]}', /envelopes\[0\].contentTopic must be a string/],
      ['publish', '{"envelopes":[{"contentTopic":"a","timestampNs":"x"}]}', /envelopes\[0\].timestampNs/],
      ['batch-query', '{"requests":[{"contentTopics":["a"]},{"contentTopics":[]}]}', /requests\[1\]: content topics required/],
      ['batch-query', '{"requests":[{"contentTopics":["a"],"startTimeNs":true}]}', /requests\[0\].startTimeNs/],
      ['subscribe', '{"contentTopics":[null]}', /contentTopics\[0\]/],
    ]
    for (const [path, body, problem] of cases) {
      const response = await post(api(path), body, { Authorization: `Bearer ${aliceToken}` })
      expect({ path, body, status: response.status }).toEqual({ path, body, status: 400 })
      expect(response.body.code).toBe(3)
      expect(response.body.message).toMatch(problem)
    }
    const health = await (await fetch(`${node.url}/healthz`)).json()
    expect(health).toMatchObject({ status: 'ok', envelopes: before })
    expect((await query({ contentTopics: [t] })).body.envelopes.map(text)).toEqual(['keep me'])
  })
})
