// A raw gRPC client of the node's MessageApi for tests and benchmarks: @grpc/grpc-js with the
// node's own service description and codec, so a test can send exactly the bytes it wants
// (malformed ones too) and read the status the node answers.

import { credentials, makeGenericClientConstructor, Metadata, type Client, type ClientDuplexStream, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js'
import type { BatchQueryRequest, BatchQueryResponse, Envelope, QueryRequest, QueryResponse } from '../../wire/message-api.ts'
import { decodeResponse, encodeRequest } from '../grpc/codec.ts'
import { messageApiService } from '../grpc/service.ts'

const MessageApiClient = makeGenericClientConstructor(messageApiService, 'MessageApi')

type Unary = (request: Buffer, metadata: Metadata, callback: (err: ServiceError | null, response?: Buffer) => void) => void

export interface GrpcTestClient {
  readonly raw: Client
  /** Sends `bytes` as the request of a unary rpc; resolves with the response bytes. */
  call(rpc: 'Publish' | 'Query' | 'BatchQuery', bytes: Buffer, authorization?: string, metadata?: Record<string, string>): Promise<Buffer>
  publish(envelopes: Envelope[], authorization?: string): Promise<void>
  query(request: QueryRequest): Promise<QueryResponse>
  batchQuery(request: BatchQueryRequest): Promise<BatchQueryResponse>
  subscribe(topics: string[]): GrpcEnvelopeStream
  subscribeAll(): GrpcEnvelopeStream
  /** A Subscribe2 call: `update(topics)` sends a new topic set on it. */
  subscribe2(topics: string[]): GrpcEnvelopeStream & { update(topics: string[]): void }
  close(): void
}

export interface GrpcEnvelopeStream {
  /** Resolves once the node sent the response headers (subscribed). */
  ready: Promise<void>
  /** The next `n` envelopes (rejects after `timeoutMs`, or with the stream's error status). */
  next(n?: number, timeoutMs?: number): Promise<Envelope[]>
  /** Resolves with the status the stream ended with. */
  ended: Promise<{ code: number; details: string }>
  cancel(): void
  readonly call: ClientReadableStream<Buffer> | ClientDuplexStream<Buffer, Buffer>
}

/** The status code of a failed call (a ServiceError), for expect(...).rejects checks. */
export const codeOf = (err: unknown): number | undefined => (err as ServiceError | undefined)?.code

export function grpcClient(address: string): GrpcTestClient {
  const client = new MessageApiClient(address, credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc.max_send_message_length': 128 * 1024 * 1024 })
  const unary = (rpc: string, bytes: Buffer, authorization?: string, extra: Record<string, string> = {}) =>
    new Promise<Buffer>((resolve, reject) => {
      const metadata = new Metadata()
      if (authorization !== undefined) metadata.set('authorization', authorization)
      for (const [key, value] of Object.entries(extra)) metadata.set(key, value)
      ;((client as unknown as Record<string, Unary>)[rpc]!).call(client, bytes, metadata, (err, response) => (err ? reject(err) : resolve(response!)))
    })
  const wrap = (call: ClientReadableStream<Buffer> | ClientDuplexStream<Buffer, Buffer>): GrpcEnvelopeStream => {
    const received: Envelope[] = []
    let failure: ServiceError | undefined
    let wake: (() => void) | undefined
    const ready = new Promise<void>((resolve, reject) => {
      call.once('metadata', () => resolve())
      call.once('error', reject)
    })
    ready.catch(() => {})
    const ended = new Promise<{ code: number; details: string }>((resolve) => call.on('status', (s: { code: number; details: string }) => resolve(s)))
    call.on('data', (bytes: Buffer) => {
      received.push(decodeResponse.envelope(bytes))
      wake?.()
    })
    call.on('error', (err: ServiceError) => {
      failure = err
      wake?.()
    })
    return {
      call,
      ready,
      ended,
      cancel: () => call.cancel(),
      async next(n = 1, timeoutMs = 5_000) {
        const deadline = Date.now() + timeoutMs
        while (received.length < n) {
          if (failure) throw failure
          const left = deadline - Date.now()
          if (left <= 0) throw new Error(`timed out waiting for ${n} envelopes (have ${received.length})`)
          await new Promise<void>((resolve) => {
            wake = resolve
            setTimeout(resolve, Math.min(left, 100))
          })
        }
        return received.splice(0, n)
      },
    }
  }
  type Streaming = Record<string, (request: Buffer) => ClientReadableStream<Buffer>>
  return {
    raw: client,
    call: unary,
    publish: async (envelopes, authorization) => void (await unary('Publish', encodeRequest.publish({ envelopes }), authorization)),
    query: async (request) => decodeResponse.query(await unary('Query', encodeRequest.query(request))),
    batchQuery: async (request) => decodeResponse.batchQuery(await unary('BatchQuery', encodeRequest.batchQuery(request))),
    subscribe: (topics) => wrap((client as unknown as Streaming).Subscribe!.call(client, encodeRequest.subscribe({ contentTopics: topics }))),
    subscribeAll: () => wrap((client as unknown as Streaming).SubscribeAll!.call(client, Buffer.alloc(0))),
    subscribe2: (topics) => {
      const call = (client as unknown as Record<string, () => ClientDuplexStream<Buffer, Buffer>>).Subscribe2!.call(client)
      call.write(encodeRequest.subscribe({ contentTopics: topics }))
      return Object.assign(wrap(call), { update: (next: string[]) => void call.write(encodeRequest.subscribe({ contentTopics: next })) })
    },
    close: () => client.close(),
  }
}
