// A bounded fuzz run against a real node: a few thousand generated malformed requests across
// every endpoint and method. No answer may be a 5xx other than 501 (a wrong HTTP method), none
// may hang, and the node must serve valid requests afterwards. The generator is seeded; a
// failure prints the seed and the request, and FUZZ_SEED=<seed> replays it.

import { Agent, request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prng } from './testing/hostile.ts'
import { post } from './testing/http.ts'
import { createIdentity } from './testing/identities.ts'
import { startNode, type NodeProcess } from './testing/node-process.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 1414)
const COUNT = Number(process.env.FUZZ_COUNT ?? 3000)
const CONCURRENCY = 8

let node: NodeProcess
beforeAll(async () => {
  // Small timeouts so a request that lies about its length is answered (408) quickly.
  node = await startNode({ args: ['--body-timeout-ms', '300', '--headers-timeout-ms', '2000'] })
})
afterAll(async () => {
  expect(await node.stop()).toBe(0)
})

interface Case {
  method: string
  path: string
  headers: Record<string, string>
  body: Buffer
}

const PATHS = ['/message/v1/publish', '/message/v1/query', '/message/v1/batch-query', '/message/v1/subscribe', '/message/v1/subscribe-all', '/healthz', '/', '/message/v1/', '/message/v1/query/extra', '/message/v2/query']
const METHODS = ['POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']

/** Valid bodies to mutate, one or more per endpoint. */
const SEEDS = [
  { envelopes: [{ contentTopic: '/xmtp/0/m-fuzz/proto', timestampNs: '1', message: 'AAEC' }] },
  { contentTopics: ['/xmtp/0/m-fuzz/proto'], pagingInfo: { limit: 5, direction: 'SORT_DIRECTION_ASCENDING', cursor: { index: { digest: 'AAAA', senderTimeNs: '1' } } } },
  { requests: [{ contentTopics: ['/xmtp/0/m-fuzz/proto'], startTimeNs: '1', endTimeNs: '2' }] },
  { contentTopics: ['/xmtp/0/m-fuzz/proto'] },
  {},
]

const ODD_VALUES: unknown[] = [null, true, -1, 1e308, -0, 1.5, '', 'x'.repeat(400), '\u0000', '\ud800', '18446744073709551616', '-1', [], {}, [[[]]], { index: null }, 'SORT_DIRECTION_SIDEWAYS', '***', 'AA==', 2 ** 53 + 1]

function generate(random: () => number): Case {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  // Mostly POSTs to the API, so most requests reach the body reader and the parsers.
  const method = random() < 0.85 ? 'POST' : pick(METHODS)
  const path = (random() < 0.85 ? pick(PATHS.slice(0, 5)) : pick(PATHS)) + (random() < 0.05 ? '?x=' + 'y'.repeat(Math.floor(random() * 100)) : '')
  const headers: Record<string, string> = {}
  if (random() < 0.2) headers.Authorization = pick(['Bearer ', 'Bearer AAAA', 'Basic x', 'Bearer ' + 'Q'.repeat(500), 'bearer x'])
  if (random() < 0.1) headers['Content-Type'] = pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])
  if (random() < 0.05) headers['Access-Control-Request-Method'] = 'POST'
  let text: string
  const seed = structuredClone(pick(SEEDS)) as Record<string, unknown>
  switch (Math.floor(random() * 8)) {
    case 0: // a field replaced by an odd value, somewhere in the tree
      mutate(seed, random, pick)
      text = JSON.stringify(seed)
      break
    case 1: // truncated
      text = JSON.stringify(seed)
      text = text.slice(0, Math.floor(random() * text.length))
      break
    case 2: // random bytes flipped
      text = [...JSON.stringify(seed)].map((c) => (random() < 0.1 ? String.fromCharCode(Math.floor(random() * 128)) : c)).join('')
      break
    case 3: // deep nesting
      text = pick(['[', '{"a":', '[{"contentTopics":']).repeat(Math.floor(random() * 200))
      break
    case 4: // many values
      text = `{"contentTopics":[${Array.from({ length: Math.floor(random() * 3000) }, (_, i) => (random() < 0.5 ? i : `"${i}"`)).join(',')}]}`
      break
    case 5: // garbage bytes, including invalid UTF-8
      return { method, path, headers, body: Buffer.from(Array.from({ length: Math.floor(random() * 2000) }, () => Math.floor(random() * 256))) }
    case 6: // a body that lies about its length (shorter than declared)
      text = JSON.stringify(seed)
      headers['Content-Length'] = String(text.length + 1 + Math.floor(random() * 100))
      break
    default:
      mutate(seed, random, pick)
      mutate(seed, random, pick)
      text = JSON.stringify(seed)
  }
  return { method, path, headers, body: Buffer.from(text) }
}

function mutate(value: Record<string, unknown>, random: () => number, pick: <T>(items: readonly T[]) => T): void {
  let node: unknown = value
  for (let depth = 0; depth < 6; depth++) {
    if (node === null || typeof node !== 'object') return
    const keys = Object.keys(node as object)
    if (keys.length === 0 || random() < 0.3) {
      ;(node as Record<string, unknown>)[pick(['contentTopics', 'envelopes', 'requests', 'pagingInfo', 'limit', 'cursor', 'message', 'timestampNs', '__proto__', 'x'])] = structuredClone(pick(ODD_VALUES))
      return
    }
    const key = pick(keys)
    if (random() < 0.4) {
      ;(node as Record<string, unknown>)[key] = structuredClone(pick(ODD_VALUES))
      return
    }
    node = (node as Record<string, unknown>)[key]
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })

function send(url: URL, c: Case): Promise<number> {
  return new Promise((resolve, reject) => {
    const lies = 'Content-Length' in c.headers
    const req = request(
      url,
      { method: c.method, headers: { ...(lies ? {} : { 'Content-Length': String(c.body.length) }), ...c.headers }, agent, timeout: 15_000 },
      (res) => {
        const status = res.statusCode ?? 0
        // A stream that opened is a success; close it instead of waiting for its end.
        if (status === 200 && c.path.includes('subscribe')) {
          res.destroy()
          return resolve(status)
        }
        res.resume()
        res.on('end', () => resolve(status))
        res.on('error', () => resolve(status))
      },
    )
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s (hang)')))
    req.on('error', (err) => (/ECONNRESET|socket hang up|EPIPE/.test(err.message) ? resolve(-1) : reject(err)))
    if (c.method === 'GET' || c.method === 'HEAD') req.end()
    else req.end(c.body)
  })
}

describe('fuzz', () => {
  it(`answers ${COUNT} generated malformed requests without a 5xx (but 501) or a hang, then still serves (seed ${SEED})`, async () => {
    const random = prng(SEED)
    const cases = Array.from({ length: COUNT }, () => generate(random))
    const base = new URL(node.url)
    const statuses = new Map<number, number>()
    let next = 0
    const worker = async () => {
      while (next < cases.length) {
        const index = next++
        const c = cases[index]!
        const describeCase = () => `FUZZ_SEED=${SEED} case #${index}: ${c.method} ${c.path} ${JSON.stringify(c.headers)} body ${JSON.stringify(c.body.toString('latin1').slice(0, 300))}`
        let status: number
        try {
          status = await send(new URL(c.path, base), c)
        } catch (err) {
          throw new Error(`${describeCase()} failed: ${(err as Error).message}`)
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        if (status >= 500 && status !== 501) throw new Error(`${describeCase()} answered ${status}\n${node.output().slice(-2000)}`)
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    agent.destroy()
    console.info(`fuzz seed ${SEED}: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`)
    expect(statuses.get(400) ?? 0).toBeGreaterThan(COUNT / 4) // the run reached the parsers

    // Still serving, with nothing lost and no internal errors logged.
    const topic = `/xmtp/0/m-after-fuzz-${SEED}/proto`
    const health = await (await fetch(`${node.url}/healthz`)).json()
    expect(health).toMatchObject({ status: 'ok', bodyBufferedBytes: 0 })
    const alice = await createIdentity()
    const envelope = { contentTopic: topic, timestampNs: '7', message: 'aGk=' }
    const published = await post(`${node.url}/message/v1/publish`, { envelopes: [envelope] }, { Authorization: `Bearer ${await alice.token()}` })
    expect(published.status).toBe(200)
    expect((await post(`${node.url}/message/v1/query`, { contentTopics: [topic] })).body.envelopes).toEqual([envelope])
    expect(node.output()).not.toContain('internal error')
    expect(node.output()).not.toMatch(/"level":(50|60)/)
  })
})
