// The message API over gRPC (`xmtp.message_api.v1.MessageApi`, node-go's port 5556), served by
// @grpc/grpc-js beside the HTTP gateway and sharing everything with it: the handlers' checks,
// store, auth, rate limits per client address, caps, streams and relay (NodeServices). Errors
// are gRPC statuses as node-go answers them (the same ApiError codes the gateway turns into
// HTTP statuses); bad input is never INTERNAL.
//
// Connections arrive on our own TCP listener and are handed to grpc-js (a connection
// injector), so the connection caps per address and per node apply as they do on HTTP.

import { Metadata, Server, ServerCredentials, status, type ServerDuplexStream, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js'
import { createServer, type AddressInfo, type Server as NetServer } from 'node:net'
import type { Logger } from 'pino'
import { ConnectionGuard } from '../connections.ts'
import { ApiError, GrpcCode } from '../errors.ts'
import { admitSubscription, batchQueryEnvelopes, publishEnvelopes, rateLimitRefusal, queryEnvelopes, settle, spend, type CallContext, type NodeServices } from '../handlers.ts'
import { toApiError } from '../http/respond.ts'
import { MAX_GRPC_MESSAGE_BYTES } from '../limits.ts'
import { topicFields } from '../logging.ts'
import {
  decodeBatchQueryRequest,
  decodePublishRequest,
  decodeQueryRequest,
  decodeSubscribeAllRequest,
  decodeSubscribeRequest,
  encodeBatchQueryResponse,
  encodePublishResponse,
  encodeQueryResponse,
} from './codec.ts'
import { messageApiService, type MessageApiRpc } from './service.ts'
import { GrpcSubscriber } from './stream.ts'

/** What the gRPC side reports to the metrics (metrics.ts), per finished call. */
export type GrpcCallObserver = (rpc: MessageApiRpc, code: GrpcCode, seconds: number, envelopes: number | undefined) => void

export interface GrpcGatewayOptions {
  services: NodeServices
  logger: Logger
  /** True once the node is shutting down: new calls get UNAVAILABLE. */
  isClosing: () => boolean
  maxConnections: number
  maxConnectionsPerIp: number
  /** Key rate limits by the first `x-forwarded-for` entry (only behind your own proxy). */
  trustProxy?: boolean
  onCall?: GrpcCallObserver
}

type StreamCall = ServerWritableStream<Buffer, Buffer> | ServerDuplexStream<Buffer, Buffer>

/** `ip:port` or `[v6]:port` (grpc-js's getPeer) → the address alone, as rate limits key it. */
export function peerAddress(peer: string): string {
  const bracket = /^\[(.*)\]:\d+$/.exec(peer)
  if (bracket) return bracket[1]!
  const colon = peer.lastIndexOf(':')
  // An IPv6 address without brackets has several colons: grpc-js writes `addr:port`.
  return colon > 0 ? peer.slice(0, colon) : peer
}

function grpcStatusOf(error: ApiError): { code: number; details: string; metadata: Metadata } {
  const metadata = new Metadata()
  const retryAfter = error.headers['Retry-After']
  if (retryAfter) metadata.set('retry-after', retryAfter)
  return { code: error.code, details: error.message, metadata }
}

export class GrpcGateway {
  readonly server: Server
  private readonly listener: NetServer
  private readonly guard: ConnectionGuard
  private readonly injector
  private readonly streams = new Set<StreamCall>()
  private readonly services: NodeServices
  private readonly logger: Logger

  constructor(private readonly options: GrpcGatewayOptions) {
    this.services = options.services
    this.logger = options.logger
    const limits = options.services.limits
    this.server = new Server({
      'grpc.max_receive_message_length': MAX_GRPC_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_GRPC_MESSAGE_BYTES,
      // Pings an idle connection, and drops one that does not answer.
      'grpc.keepalive_time_ms': 60_000,
      'grpc.keepalive_timeout_ms': 20_000,
      // A client may ping as often as every 10 s (grpc-go's default minimum is 5 min).
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 10_000,
      'grpc.max_concurrent_streams': Math.min(1_000, limits.maxStreamsPerIp + 100),
      // A connection with no call for 5 minutes gets GOAWAY (clients reconnect when they need to).
      'grpc.max_connection_idle_ms': 5 * 60_000,
      // Memory an HTTP/2 session may hold (frames, headers) before grpc-js refuses more.
      'grpc-node.max_session_memory': 64,
    })
    this.server.addService(messageApiService, {
      Publish: this.unary('Publish', async (bytes, ctx) => {
        // One publish token before decoding, so garbage pays too. Refused, the request is
        // decoded anyway (grpc-js holds all of it already) so the retry-after covers every
        // envelope of it, not the one token.
        try {
          spend(this.services, 'publish', ctx.clientIp, 1)
          ctx.prepaid.publish = 1
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 429)) throw err
          throw rateLimitRefusal(this.services, 'publish', ctx.clientIp, decodePublishRequest(bytes).envelopes.length)
        }
        await publishEnvelopes(this.services, ctx, decodePublishRequest(bytes).envelopes)
        return encodePublishResponse()
      }),
      Query: this.unary('Query', async (bytes, ctx) => encodeQueryResponse(await queryEnvelopes(this.services, ctx, decodeQueryRequest(bytes)))),
      BatchQuery: this.unary('BatchQuery', async (bytes, ctx) => encodeBatchQueryResponse(await batchQueryEnvelopes(this.services, ctx, decodeBatchQueryRequest(bytes)))),
      Subscribe: (call: ServerWritableStream<Buffer, Buffer>) =>
        this.stream('Subscribe', call, (ctx, subscriber) => {
          const topics = decodeSubscribeRequest(call.request).contentTopics
          admitSubscription(this.services, ctx, topics)
          Object.assign(ctx.logFields, topicFields(topics))
          subscriber.replace(topics)
        }),
      SubscribeAll: (call: ServerWritableStream<Buffer, Buffer>) =>
        this.stream('SubscribeAll', call, (ctx, subscriber) => {
          decodeSubscribeAllRequest(call.request)
          settle(this.services, ctx, 'default', 1)
          ctx.logFields.topics = 'all'
          subscriber.replace('all')
        }),
      Subscribe2: (call: ServerDuplexStream<Buffer, Buffer>) =>
        this.stream('Subscribe2', call, (ctx, subscriber, fail) => {
          // Each request replaces the whole topic set; the first one opens the subscription.
          call.on('data', (bytes: Buffer) => {
            try {
              const topics = decodeSubscribeRequest(bytes).contentTopics
              // Every update pays its token and passes the same checks as a new subscription;
              // an empty set is a valid update (listen to nothing for now).
              ctx.prepaid.default = 0
              if (topics.length > 0) admitSubscription(this.services, ctx, topics, subscriber.topicCount)
              else settle(this.services, ctx, 'default', 1)
              subscriber.replace(topics)
              ctx.logFields.updates = ((ctx.logFields.updates as number | undefined) ?? -1) + 1
            } catch (err) {
              fail(err)
            }
          })
        }),
    })
    this.injector = this.server.createConnectionInjector(ServerCredentials.createInsecure())
    this.listener = createServer((socket) => {
      if (!socket.destroyed) this.injector.injectConnection(socket)
    })
    // Added before the listener above runs: the guard destroys a connection over a cap first.
    this.guard = new ConnectionGuard(this.listener, {
      logger: this.logger,
      maxConnections: options.maxConnections,
      maxConnectionsPerIp: options.maxConnectionsPerIp,
    })
  }

  /** Open TCP connections on the gRPC port. */
  get connectionCount(): number {
    return this.guard.openCount
  }

  get streamCount(): number {
    return this.streams.size
  }

  /** Listens and resolves with `host:port` (port 0 picks a free one). */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.listener.once('error', reject)
      this.listener.listen(port, host, () => {
        this.listener.off('error', reject)
        const address = this.listener.address() as AddressInfo
        resolve(`${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`)
      })
    })
  }

  /**
   * Stops accepting, ends open streams with OK, lets calls in flight finish (at most `graceMs`
   * for each of the two waits), then cuts what is left.
   */
  async close(graceMs = 10_000): Promise<void> {
    const stopped = new Promise<void>((resolve) => (this.listener.listening ? this.listener.close(() => resolve()) : resolve()))
    const streamsEnded = [...this.streams].map((call) => new Promise<void>((resolve) => call.once('close', () => resolve())))
    for (const call of this.streams) call.end()
    const grace = () => new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref())
    await Promise.race([Promise.all(streamsEnded), grace()])
    // Graceful: each connection gets GOAWAY and closes once its calls are done.
    await Promise.race([new Promise<void>((resolve) => this.server.tryShutdown(() => resolve())), grace()])
    this.injector.destroy()
    this.server.forceShutdown()
    await stopped
  }

  private context(call: { metadata: Metadata; getPeer(): string }): CallContext {
    const authorization = call.metadata.get('authorization')[0]
    const clientVersion = call.metadata.get('x-client-version')[0]
    const forwarded = this.options.trustProxy ? call.metadata.get('x-forwarded-for')[0] : undefined
    const forwardedIp = typeof forwarded === 'string' ? forwarded.split(',')[0]!.trim() : ''
    return {
      clientIp: forwardedIp || peerAddress(call.getPeer()),
      authorization: typeof authorization === 'string' ? authorization : undefined,
      logFields: { transport: 'grpc', ...(typeof clientVersion === 'string' && { client: clientVersion }) },
      prepaid: { default: 0, publish: 0 },
    }
  }

  private finish(rpc: MessageApiRpc, started: bigint, code: GrpcCode, ctx: CallContext, err?: unknown): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    this.options.onCall?.(rpc, code, seconds, typeof ctx.logFields.envelopes === 'number' ? ctx.logFields.envelopes : undefined)
    if (code === GrpcCode.INTERNAL) this.logger.error({ err, rpc }, 'internal error')
    else if (err instanceof Error) ctx.logFields.error = err.message
    this.logger.debug({ rpc, code, ms: Math.round(seconds * 10_000) / 10, ...ctx.logFields }, 'grpc call')
  }

  private unary(rpc: MessageApiRpc, run: (bytes: Buffer, ctx: CallContext) => Promise<Buffer>) {
    return (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      const started = process.hrtime.bigint()
      const ctx = this.context(call)
      const work = async () => {
        if (this.options.isClosing()) throw new ApiError(GrpcCode.UNAVAILABLE, 'the node is shutting down')
        // Every call pays one default token before its bytes are looked at (publish pays in
        // publish tokens instead, in run()).
        if (rpc !== 'Publish') {
          spend(this.services, 'default', ctx.clientIp, 1)
          ctx.prepaid.default = 1
        }
        return run(call.request, ctx)
      }
      work().then(
        (response) => {
          this.finish(rpc, started, GrpcCode.OK, ctx)
          callback(null, response)
        },
        (err: unknown) => {
          const error = toApiError(err)
          this.finish(rpc, started, error.code, ctx, err)
          callback(grpcStatusOf(error))
        },
      )
    }
  }

  private stream(rpc: MessageApiRpc, call: StreamCall, open: (ctx: CallContext, subscriber: GrpcSubscriber, fail: (err: unknown) => void) => void): void {
    const started = process.hrtime.bigint()
    const ctx = this.context(call)
    let releaseSlot: (() => void) | undefined
    const subscriber = new GrpcSubscriber(this.services, call, ctx.clientIp)
    let ended = false
    let code: GrpcCode = GrpcCode.OK
    let failure: unknown
    const end = () => {
      if (ended) return
      ended = true
      this.streams.delete(call)
      Object.assign(ctx.logFields, subscriber.close())
      releaseSlot?.()
      this.finish(rpc, started, code, ctx, failure)
    }
    const fail = (err: unknown) => {
      if (ended) return
      const error = toApiError(err)
      code = error.code
      failure = err
      end()
      call.emit('error', grpcStatusOf(error))
    }
    call.on('cancelled', end)
    call.on('finish', end)
    call.on('close', end)
    call.on('error', () => end())
    try {
      if (this.options.isClosing()) throw new ApiError(GrpcCode.UNAVAILABLE, 'the node is shutting down')
      if (rpc !== 'Subscribe2') {
        spend(this.services, 'default', ctx.clientIp, 1)
        ctx.prepaid.default = 1
      }
      releaseSlot = this.services.streamSlots.acquire(ctx.clientIp)
      this.streams.add(call)
      open(ctx, subscriber, fail)
      // The response headers go out at once: the subscription is registered (Subscribe2: the
      // call is open and takes topic sets).
      call.sendMetadata(new Metadata())
    } catch (err) {
      fail(err)
    }
  }
}

export { status as grpcStatus }
