// The load generator of bench/node.ts, run as its own process so its CPU is not the node's:
// HTTP through autocannon (keep-alive connections, pipelining off), gRPC through one
// @grpc/grpc-js channel with `clients` calls in flight. Every publish carries a new envelope
// (a repeated one would be a duplicate the store skips). Prints {requests, ms, errors} as JSON.
//
//   node --import tsx bench/lib/load.ts '{"transport":"http","target":"http://…","kind":"publish","clients":8,"requests":3000}'

import autocannon from 'autocannon'
import { grpcClient } from '../../src/node/testing/grpc.ts'

export interface LoadSpec {
  transport: 'http' | 'grpc'
  /** http://host:port, or host:port for gRPC. */
  target: string
  kind: 'publish' | 'query'
  clients: number
  requests: number
  /** Distinguishes runs so their envelopes never collide. */
  seed: number
  /** The topic a query reads. */
  queryTopic?: string
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec
const payload = Buffer.alloc(256, 0x5a)
let stamp = 1_700_000_000_000_000_000n + BigInt(spec.seed) * 1_000_000_000n
const topic = (n: number) => `/xmtp/0/m-load${n % 100}/proto`

async function http(): Promise<{ requests: number; ms: number; errors: number }> {
  const path = spec.kind === 'publish' ? '/message/v1/publish' : '/message/v1/query'
  const queryBody = JSON.stringify({ contentTopics: [spec.queryTopic], pagingInfo: { limit: 100 } })
  let n = 0
  const start = performance.now()
  const result = await autocannon({
    url: spec.target + path,
    connections: spec.clients,
    amount: spec.requests,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request: Record<string, unknown>) => ({
          ...request,
          body:
            spec.kind === 'publish'
              ? JSON.stringify({ envelopes: [{ contentTopic: topic(n++), timestampNs: String(++stamp), message: payload.toString('base64') }] })
              : queryBody,
        }),
      },
    ],
  })
  return { requests: result.requests.total, ms: performance.now() - start, errors: result.errors + result.non2xx }
}

async function grpc(): Promise<{ requests: number; ms: number; errors: number }> {
  const client = grpcClient(spec.target)
  let next = 0
  let errors = 0
  const worker = async () => {
    while (next < spec.requests) {
      const n = next++
      try {
        if (spec.kind === 'publish') await client.publish([{ contentTopic: topic(n), timestampNs: ++stamp, message: payload }])
        else await client.query({ contentTopics: [spec.queryTopic!], pagingInfo: { limit: 100, direction: 2 } })
      } catch {
        errors++
      }
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: spec.clients }, worker))
  const ms = performance.now() - start
  client.close()
  return { requests: spec.requests, ms, errors }
}

const result = await (spec.transport === 'http' ? http() : grpc())
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
