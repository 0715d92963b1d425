// The message API over gRPC against a real node process: node-go's status codes for every
// refusal (never INTERNAL for bad input), the same data as over HTTP, and the hostile-input
// rows of issue 14 over gRPC (malformed, oversized, many topics, stream caps, stalled readers).

import { status } from '@grpc/grpc-js'
import { afterEach, describe, expect, it } from 'vitest'
import { post } from './testing/http.ts'
import { codeOf, grpcClient, type GrpcTestClient } from './testing/grpc.ts'
import { createIdentity } from './testing/identities.ts'
import { startNode, type NodeProcess } from './testing/node-process.ts'
import { MAX_MESSAGE_BYTES } from './limits.ts'
import { encodeRequest } from './grpc/codec.ts'

let node: NodeProcess | undefined
let client: GrpcTestClient | undefined
afterEach(async () => {
  client?.close()
  client = undefined
  await node?.stop()
  node = undefined
})

const envelope = (contentTopic: string, n: number, bytes = 3) => ({ contentTopic, timestampNs: 1_700_000_000_000_000_000n + BigInt(n), message: new Uint8Array(bytes).fill(n % 256) })
const health = async () => (await fetch(`${node!.url}/healthz`)).json()
const topics = (n: number, tag = 't') => Array.from({ length: n }, (_, i) => `/xmtp/0/m-${tag}${i}/proto`)

/** The status of a rejected call. */
async function refusal(promise: Promise<unknown>): Promise<{ code: number | undefined; details: string; retryAfter?: string }> {
  try {
    await promise
  } catch (err) {
    const e = err as { details: string; metadata?: { get(key: string): unknown[] } }
    return { code: codeOf(err), details: e.details, retryAfter: e.metadata?.get('retry-after')[0] as string | undefined }
  }
  throw new Error('the call succeeded')
}

describe('gRPC status codes (auth on)', () => {
  it('answers publishes as node-go: UNAUTHENTICATED without a valid token, PERMISSION_DENIED on another wallet\'s topics', async () => {
    node = await startNode({ auth: true })
    client = grpcClient(node.grpcAddress!)
    const alice = await createIdentity()
    const bob = await createIdentity()
    const mine = [envelope('/xmtp/0/m-grpc-auth/proto', 1)]
    for (const authorization of [undefined, '', 'Basic abc', 'Bearer ', 'Bearer not-a-token', `Bearer ${alice.tokenClaiming(bob.address)}`]) {
      const refused = await refusal(client.publish(mine, authorization))
      expect(refused.code, String(authorization)).toBe(status.UNAUTHENTICATED)
    }
    const token = `Bearer ${await alice.token()}`
    expect(await refusal(client.publish([envelope(`/xmtp/0/contact-${bob.address}/proto`, 1)], token))).toMatchObject({
      code: status.PERMISSION_DENIED,
      details: 'publishing to restricted topic',
    })
    expect(await refusal(client.publish([envelope(`/xmtp/0/privatestore-${bob.address}/key_bundle/proto`, 1)], token))).toMatchObject({ code: status.PERMISSION_DENIED })
    // An owner-only envelope is dated within its token's hour (the node refuses others, so its
    // peers never receive what they would refuse): now, as a real client dates it.
    const ownContact = { ...envelope(`/xmtp/0/contact-${alice.address}/proto`, 2), timestampNs: BigInt(Date.now()) * 1_000_000n }
    await client.publish([...mine, ownContact], token)
    expect((await client.query({ contentTopics: ['/xmtp/0/m-grpc-auth/proto'] })).envelopes).toHaveLength(1)
  })

  it('answers bad queries and anything that is not protobuf with INVALID_ARGUMENT, never INTERNAL', async () => {
    node = await startNode({ auth: false })
    client = grpcClient(node.grpcAddress!)
    const c = client
    const bad = [
      () => c.query({ contentTopics: [] }),
      () => c.query({ contentTopics: ['/xmtp/0/' + 'x'.repeat(300)] }),
      () => c.query({ contentTopics: ['/xmtp/0/m-a/proto'], pagingInfo: { limit: 101, direction: 1 } }),
      () => c.batchQuery({ requests: Array.from({ length: 51 }, () => ({ contentTopics: ['/xmtp/0/m-a/proto'] })) }),
      () => c.batchQuery({ requests: [{ contentTopics: ['/xmtp/0/m-a/proto'] }, { contentTopics: [] }] }),
      () => c.publish([envelope('/xmtp/0/m-big/proto', 1, MAX_MESSAGE_BYTES + 1)]),
      () => c.publish([envelope('/xmtp/0/' + 'y'.repeat(300), 1)]),
    ]
    for (const [i, call] of bad.entries()) expect((await refusal(call())).code, `case ${i}`).toBe(status.INVALID_ARGUMENT)
    // A failing sub-query of a batch is named, not an INTERNAL error as node-go has it.
    expect((await refusal(bad[4]!())).details).toBe('requests[1]: content topics required')
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])
    for (const rpc of ['Publish', 'Query', 'BatchQuery'] as const) {
      const refused = await refusal(client.call(rpc, garbage))
      expect(refused.code, rpc).toBe(status.INVALID_ARGUMENT)
      expect(refused.details).toMatch(/is not valid protobuf/)
    }
    const stream = client.subscribe([])
    expect((await stream.ended).code).toBe(status.INVALID_ARGUMENT)
    const raw = (client.raw as unknown as Record<string, (b: Buffer) => import('@grpc/grpc-js').ClientReadableStream<Buffer>>).Subscribe!.call(client.raw, garbage)
    raw.on('error', () => {})
    expect(await new Promise<number>((resolve) => raw.on('status', (s: { code: number }) => resolve(s.code)))).toBe(status.INVALID_ARGUMENT)
    // The node is fine afterwards.
    expect((await health()).status).toBe('ok')
  })
})

describe('one store, two transports', () => {
  it('reads over gRPC what HTTP published and the reverse, the same bytes, pages and cursors', async () => {
    node = await startNode({ auth: false })
    client = grpcClient(node.grpcAddress!)
    const topic = '/xmtp/0/m-cross/proto'
    await post(`${node.url}/message/v1/publish`, {
      envelopes: [1, 2, 3].map((n) => ({ contentTopic: topic, timestampNs: String(envelope(topic, n).timestampNs), message: Buffer.from(envelope(topic, n).message).toString('base64') })),
    })
    await client.publish([4, 5].map((n) => envelope(topic, n)))
    const overHttp = await post(`${node.url}/message/v1/query`, { contentTopics: [topic], pagingInfo: { direction: 'SORT_DIRECTION_ASCENDING' } })
    expect(overHttp.body.envelopes.map((e: { message: string }) => Buffer.from(e.message, 'base64')[0])).toEqual([1, 2, 3, 4, 5])
    const first = await client.query({ contentTopics: [topic], pagingInfo: { limit: 2, direction: 1 } })
    expect(first.envelopes.map((e) => e.message[0])).toEqual([1, 2])
    const second = await client.query({ contentTopics: [topic], pagingInfo: { limit: 2, direction: 1, cursor: first.pagingInfo!.cursor! } })
    expect(second.envelopes.map((e) => e.message[0])).toEqual([3, 4])
    const batch = await client.batchQuery({ requests: [{ contentTopics: [topic], pagingInfo: { limit: 1, direction: 2 } }, { contentTopics: ['/xmtp/0/m-none/proto'] }] })
    expect(batch.responses.map((r) => r.envelopes.map((e) => e.message[0]))).toEqual([[5], []])
  })

  it('streams: Subscribe, SubscribeAll and Subscribe2 whose topic set is replaced mid-stream; headers come first', async () => {
    node = await startNode({ auth: false })
    client = grpcClient(node.grpcAddress!)
    const [a, b] = ['/xmtp/0/m-sa/proto', '/xmtp/0/m-sb/proto']
    const one = client.subscribe([a])
    const all = client.subscribeAll()
    const two = client.subscribe2([a])
    await Promise.all([one.ready, all.ready, two.ready])
    await post(`${node.url}/message/v1/publish`, { envelopes: [{ contentTopic: a, timestampNs: '1', message: 'AQ==' }] })
    expect((await one.next())[0]!.contentTopic).toBe(a)
    expect((await all.next())[0]!.contentTopic).toBe(a)
    expect((await two.next())[0]!.contentTopic).toBe(a)
    two.update([b])
    // The update travels on the open call; publish to b until it arrives.
    let probes = 0
    for (;;) {
      await client.publish([envelope(b, 100 + probes++)])
      const got = await two.next(1, 200).catch(() => [])
      if (got.length > 0) break
      expect(probes).toBeLessThan(25)
    }
    await all.next(probes)
    await client.publish([envelope(a, 7), envelope(b, 8)])
    expect((await two.next())[0]).toMatchObject({ contentTopic: b }) // not a any more
    expect((await one.next())[0]).toMatchObject({ contentTopic: a })
    expect((await all.next(2)).map((e) => e.contentTopic)).toEqual([a, b])
    // A bad update ends the call with INVALID_ARGUMENT and frees its registrations.
    two.update(['/xmtp/0/' + 'z'.repeat(300)])
    expect((await two.ended).code).toBe(status.INVALID_ARGUMENT)
    one.cancel()
    all.cancel()
    await expect.poll(async () => (await health()).subscriptions).toBe(0)
  })

  it('ends open streams with OK when the node stops, and exits cleanly', async () => {
    node = await startNode({ auth: false })
    client = grpcClient(node.grpcAddress!)
    const stream = client.subscribe2(['/xmtp/0/m-stop/proto'])
    await stream.ready
    expect(await node.stop()).toBe(0)
    expect((await stream.ended).code).toBe(status.OK)
    node = undefined
  })
})

describe('hostile input over gRPC', () => {
  it('refuses too many topics, streams over the per-address cap and an update past the node-wide topic cap', async () => {
    node = await startNode({ auth: false, args: ['--max-subscribe-topics', '100', '--max-subscribed-topics', '150', '--max-streams-per-ip', '2', '--max-query-topics', '10'] })
    client = grpcClient(node.grpcAddress!)
    expect((await client.subscribe(topics(101)).ended).code).toBe(status.INVALID_ARGUMENT)
    expect((await refusal(client.query({ contentTopics: topics(11) }))).code).toBe(status.INVALID_ARGUMENT)
    const first = client.subscribe2(topics(100, 'one'))
    await first.ready
    const second = client.subscribe(topics(40, 'two'))
    await second.ready
    const third = client.subscribeAll()
    expect((await third.ended).code).toBe(status.RESOURCE_EXHAUSTED)
    // 100 + 40 registered; replacing the first set with 100 others fits (it gives back its own).
    first.update(topics(100, 'three'))
    await new Promise((r) => setTimeout(r, 200))
    expect((await health()).subscribedTopics).toBe(140)
    second.cancel()
    await expect.poll(async () => (await health()).subscribedTopics).toBe(100)
    const again = client.subscribe(topics(60, 'four'))
    expect((await again.ended).code).toBe(status.RESOURCE_EXHAUSTED)
    first.cancel()
  })

  it('rate limits per client address with RESOURCE_EXHAUSTED and a retry-after the refused call can trust', async () => {
    node = await startNode({ auth: false, rateLimits: { default: { perMinute: 60, burst: 3 }, publish: { perMinute: 600, burst: 20 } } })
    client = grpcClient(node.grpcAddress!)
    for (let i = 0; i < 3; i++) await client.query({ contentTopics: ['/xmtp/0/m-r/proto'] })
    const limited = await refusal(client.query({ contentTopics: ['/xmtp/0/m-r/proto'] }))
    expect(limited.code).toBe(status.RESOURCE_EXHAUSTED)
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1)
    // The HTTP gateway shares the bucket: the same address is limited there too.
    expect((await post(`${node.url}/message/v1/query`, { contentTopics: ['/xmtp/0/m-r/proto'] })).status).toBe(429)
    // A publish bigger than the whole bucket can never pass: said so, without a retry.
    const tooBig = await refusal(client.publish(Array.from({ length: 21 }, (_, i) => envelope('/xmtp/0/m-r/proto', i))))
    expect(tooBig).toMatchObject({ code: status.RESOURCE_EXHAUSTED, retryAfter: undefined })
    expect(tooBig.details).toMatch(/more than its whole bucket of 20: split it/)
  })

  it('keys rate limits by x-forwarded-for only with --trust-proxy', async () => {
    node = await startNode({ auth: false, rateLimits: { default: { perMinute: 1, burst: 2 } }, args: ['--trust-proxy'] })
    client = grpcClient(node.grpcAddress!)
    const query = encodeRequest.query({ contentTopics: ['/xmtp/0/m-proxy/proto'] })
    const from = (ip: string) => client!.call('Query', query, undefined, { 'x-forwarded-for': `${ip}, 10.0.0.1` })
    await from('192.0.2.1')
    await from('192.0.2.1')
    expect((await refusal(from('192.0.2.1'))).code).toBe(status.RESOURCE_EXHAUSTED)
    await from('192.0.2.2') // another client behind the same proxy has its own bucket
  })

  it('bounds a stalled reader: envelopes are dropped past its backlog, the node keeps serving', async () => {
    node = await startNode({ auth: false, args: ['--stream-buffer-bytes', '262144'] })
    client = grpcClient(node.grpcAddress!)
    const stalled = client.subscribe(['/xmtp/0/m-stall/proto'])
    await stalled.ready
    stalled.call.pause() // reads nothing: HTTP/2 flow control stops the node's writes
    const big = 200_000
    for (let i = 0; i < 40; i++) await client.publish([envelope('/xmtp/0/m-stall/proto', i, big)])
    const held = (await health()).streamBufferedBytes
    // At most the backlog bound plus the one envelope that found the backlog below it.
    expect(held).toBeLessThanOrEqual(262_144 + big + 64)
    expect((await client.query({ contentTopics: ['/xmtp/0/m-stall/proto'], pagingInfo: { limit: 100, direction: 1 } })).envelopes).toHaveLength(40)
    stalled.call.resume()
    const got: number[] = []
    for (;;) {
      try {
        got.push(...(await stalled.next(1, 1_000)).map((e) => e.message[0]!))
      } catch {
        break
      }
    }
    // Some arrived, in order; the rest were dropped instead of queued without bound.
    expect(got.length).toBeGreaterThan(0)
    expect(got.length).toBeLessThan(40)
    expect(got).toEqual([...got].sort((x, y) => x - y))
    stalled.cancel()
  })
})
