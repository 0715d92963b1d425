// gRPC while the store cannot be reached: UNAVAILABLE (14) with a retry-after, never INTERNAL,
// the metrics saying so, and service again once the database is back (PostgreSQL stopped and
// started under a running node).

import { status } from '@grpc/grpc-js'
import { afterAll, describe, expect, it } from 'vitest'
import { codeOf, grpcClient } from './testing/grpc.ts'
import { startNode, type NodeProcess } from './testing/node-process.ts'
import { startPostgresServer, type PostgresServer } from './testing/postgres-server.ts'

let server: PostgresServer | undefined
let node: NodeProcess | undefined
afterAll(async () => {
  await node?.kill()
  await server?.destroy()
})

const sample = (text: string, series: string) => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.slice(series.length + 1))

describe('gRPC with the store down', () => {
  it('answers UNAVAILABLE with retry-after while PostgreSQL is stopped, and serves again after', async () => {
    server = await startPostgresServer()
    node = await startNode({ auth: false, rateLimits: false, databaseUrl: server.url })
    const client = grpcClient(node.grpcAddress!)
    try {
      const topic = '/xmtp/0/m-down/proto'
      await client.publish([{ contentTopic: topic, timestampNs: 1n, message: new Uint8Array([1]) }])
      await server.stop()
      const failure = await client.query({ contentTopics: [topic] }).then(
        () => undefined,
        (err: unknown) => err as { details: string; metadata: { get(k: string): unknown[] } },
      )
      expect(codeOf(failure)).toBe(status.UNAVAILABLE)
      expect(failure!.details).toMatch(/^the message store is unavailable \(.+\); retry shortly$/)
      expect(failure!.metadata.get('retry-after')).toEqual(['1'])
      const publish = await client.publish([{ contentTopic: topic, timestampNs: 2n, message: new Uint8Array([2]) }]).catch((err: unknown) => err)
      expect(codeOf(publish)).toBe(status.UNAVAILABLE)
      const metrics = await (await fetch(`${node.url}/metrics`)).text()
      expect(sample(metrics, 'parley_store_up')).toBe(0)
      expect(sample(metrics, 'parley_store_errors_total')).toBeGreaterThanOrEqual(2)
      expect(sample(metrics, 'parley_envelopes_refused_total{reason="unavailable"}')).toBe(1)
      await server.start()
      await expect.poll(() => client.query({ contentTopics: [topic] }).then((r) => r.envelopes.length, () => -1), { timeout: 30_000, interval: 250 }).toBe(1)
    } finally {
      client.close()
    }
  })
})
