// GET /metrics on a real node process: Prometheus text with the parley_ metrics counting what
// both transports did (requests, refusals by reason, stored envelopes, rate limits, streams).

import { afterEach, describe, expect, it } from 'vitest'
import { grpcClient, type GrpcTestClient } from './testing/grpc.ts'
import { openStream, post } from './testing/http.ts'
import { createIdentity } from './testing/identities.ts'
import { startNode, type NodeProcess } from './testing/node-process.ts'

let node: NodeProcess | undefined
let client: GrpcTestClient | undefined
afterEach(async () => {
  client?.close()
  client = undefined
  await node?.stop()
  node = undefined
})

/** The value of one sample, e.g. `parley_requests_total{transport="http",method="publish",status="200"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

const envelope = (contentTopic: string, n: number) => ({ contentTopic, timestampNs: BigInt(n), message: new Uint8Array([n]) })

describe('GET /metrics', () => {
  it('counts requests by transport, method and status, refusals by reason, stores, rate limits and open streams', async () => {
    node = await startNode({ auth: true, rateLimits: { default: { perMinute: 60, burst: 8 } } })
    client = grpcClient(node.grpcAddress!)
    const alice = await createIdentity()
    const token = `Bearer ${await alice.token()}`
    const topic = '/xmtp/0/m-metrics/proto'
    await client.publish([envelope(topic, 1), envelope(topic, 2)], token)
    const http = await post(`${node.url}/message/v1/publish`, { envelopes: [{ contentTopic: topic, timestampNs: '3', message: 'Aw==' }] }, { Authorization: token })
    expect(http.status).toBe(200)
    await client.publish([envelope(topic, 4), envelope(topic, 5), envelope(topic, 6)]).catch(() => {}) // no token: 3 refused
    await post(`${node.url}/message/v1/publish`, { envelopes: [{ contentTopic: topic, timestampNs: '7', message: 'Aw==' }] }) // no token: 1 refused
    await client.query({ contentTopics: [topic] })
    const httpStream = await openStream(`${node.url}/message/v1/subscribe`, { contentTopics: [topic] })
    const grpcStream = client.subscribe2([topic, '/xmtp/0/m-other/proto'])
    await grpcStream.ready
    // The default bucket holds 8: drain it (some of these are refused).
    for (let i = 0; i < 8; i++) await client.query({ contentTopics: [topic] }).catch(() => {})

    const response = await fetch(`${node.url}/metrics`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    expect(text).toContain('# TYPE parley_requests_total counter')
    expect(sample(text, 'parley_requests_total{transport="grpc",method="publish",status="OK"}')).toBe(1)
    expect(sample(text, 'parley_requests_total{transport="http",method="publish",status="200"}')).toBe(1)
    expect(sample(text, 'parley_requests_total{transport="grpc",method="publish",status="UNAUTHENTICATED"}')).toBe(1)
    expect(sample(text, 'parley_requests_total{transport="http",method="publish",status="401"}')).toBe(1)
    expect(sample(text, 'parley_requests_total{transport="grpc",method="query",status="RESOURCE_EXHAUSTED"}')).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'parley_envelopes_stored_total{origin="client"}')).toBe(3)
    expect(sample(text, 'parley_envelopes_refused_total{reason="unauthenticated"}')).toBe(4)
    expect(sample(text, 'parley_rate_limit_refusals_total{bucket="DEF"}')).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'parley_request_duration_seconds_count{transport="grpc",method="publish"}')).toBe(2)
    expect(sample(text, 'parley_streams_open{transport="http"}')).toBe(1)
    expect(sample(text, 'parley_streams_open{transport="grpc"}')).toBe(1)
    expect(sample(text, 'parley_subscribed_topics')).toBe(3)
    expect(sample(text, 'parley_connections_open{transport="grpc"}')).toBe(1)
    expect(sample(text, 'parley_store_up')).toBe(1)
    expect(sample(text, 'parley_stream_buffered_bytes')).toBe(0)
    // Every metric is ours; nothing unprefixed (no process defaults mixed in).
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^parley_/)
    httpStream.close()
    grpcStream.cancel()
  })

  it('serves the scrape on --metrics-port alone when given, and scrapes never hold up publishes', async () => {
    node = await startNode({ auth: false, args: ['--metrics-port', '0'] })
    const metricsUrl = /Parley node metrics on (\S+)/.exec(node.output())![1]!
    expect((await fetch(`${node.url}/metrics`)).status).toBe(404)
    const scrapes = Array.from({ length: 20 }, () => fetch(metricsUrl).then((r) => r.status))
    const publishes = Array.from({ length: 50 }, (_, i) =>
      post(`${node!.url}/message/v1/publish`, { envelopes: [{ contentTopic: '/xmtp/0/m-scrape/proto', timestampNs: String(i + 1), message: 'AQ==' }] }).then((r) => r.status),
    )
    expect(new Set(await Promise.all(publishes))).toEqual(new Set([200]))
    expect(new Set(await Promise.all(scrapes))).toEqual(new Set([200]))
    const text = await (await fetch(metricsUrl)).text()
    expect(sample(text, 'parley_envelopes_stored_total{origin="client"}')).toBe(50)
  })
})
