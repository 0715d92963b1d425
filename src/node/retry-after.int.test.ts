// A 429's Retry-After is the time until the refused request itself would pass: a client that
// waits exactly that long and retries is served (it used to be told 1 s, the price of the
// admission token, and refused again), over HTTP and over gRPC.

import { status } from '@grpc/grpc-js'
import { afterEach, describe, expect, it } from 'vitest'
import { codeOf, grpcClient, type GrpcTestClient } from './testing/grpc.ts'
import { post } from './testing/http.ts'
import { startNode, type NodeProcess } from './testing/node-process.ts'

let node: NodeProcess | undefined
let client: GrpcTestClient | undefined
afterEach(async () => {
  client?.close()
  await node?.stop()
  node = undefined
})

const topic = '/xmtp/0/m-retry/proto'
let stamp = 0
const envelopes = (n: number) => Array.from({ length: n }, () => ({ contentTopic: topic, timestampNs: String(++stamp), message: 'AQ==' }))
const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000))

describe('Retry-After', () => {
  it('is long enough for the whole refused publish, over HTTP and over gRPC', async () => {
    // 20 envelopes a second, at most 100 at once.
    node = await startNode({ auth: false, rateLimits: { publish: { perMinute: 1_200, burst: 100 } } })
    const publish = (n: number) => post(`${node!.url}/message/v1/publish`, { envelopes: envelopes(n) })
    expect((await publish(100)).status).toBe(200) // the bucket is empty now
    const refused = await publish(100)
    expect(refused.status).toBe(429)
    const wait = Number(refused.headers.get('retry-after'))
    expect(wait).toBeGreaterThanOrEqual(4) // 100 tokens at 20/s, less what refilled meanwhile
    expect(wait).toBeLessThanOrEqual(5)
    await sleep(wait)
    expect((await publish(100)).status).toBe(200)

    client = grpcClient(node.grpcAddress!)
    const grpcPublish = (n: number) =>
      client!.publish(envelopes(n).map((e) => ({ contentTopic: e.contentTopic, timestampNs: BigInt(e.timestampNs), message: new Uint8Array([1]) })))
    const error = await grpcPublish(100).then(() => undefined, (err: unknown) => err as { metadata: { get(k: string): unknown[] } })
    expect(codeOf(error)).toBe(status.RESOURCE_EXHAUSTED)
    const grpcWait = Number(error!.metadata.get('retry-after')[0])
    expect(grpcWait).toBeGreaterThanOrEqual(4)
    expect(grpcWait).toBeLessThanOrEqual(5)
    await sleep(grpcWait)
    await grpcPublish(100)
  })
})
