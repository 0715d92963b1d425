// The node: an HTTP server routing the message API (by the shared method table) to handlers,
// over one store, one fanOut and one sink.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { MESSAGE_API, type MessageApiMethod } from '../wire/message-api.ts'
import type { TokenVerifier } from './auth.ts'
import { FanOut } from './fan-out.ts'
import { ApiError, GrpcCode } from './errors.ts'
import { HANDLERS, spend, wholeRequestRefusal, type NodeServices, type RequestContext } from './handlers.ts'
import { BodyBudget, ClientGoneError, parseJsonBody, readBody } from './http/body.ts'
import { sendError, sendJson, sendPreflight, toApiError } from './http/respond.ts'
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_NODE_LIMITS, DEFAULT_STREAM_BUFFER_BYTES, type NodeLimits } from './limits.ts'
import { TokenBucketLimiter, type RateLimits } from './rate-limit.ts'
import { admissionCost, bodyRules, publishBytesCost } from './request-rules.ts'
import { EnvelopeSink } from './sink.ts'
import type { EnvelopeStore } from './store/types.ts'
import { StreamBudget, StreamSlots } from './stream.ts'
import { ConnectionGuard } from './connections.ts'
import { GrpcGateway } from './grpc/server.ts'
import type { MessageApiRpc } from './grpc/service.ts'
import { codeName, NodeMetrics, storeAnswers, type MetricsSources } from './metrics.ts'
import { lingerThenClose } from './linger.ts'

export interface NodeOptions {
  store: EnvelopeStore
  logger: Logger
  /** Undefined turns publish authentication off. */
  verifyToken: TokenVerifier | undefined
  rateLimits?: RateLimits | undefined
  trustProxy?: boolean
  maxBodyBytes?: number
  /** Backlog bound of one subscriber stream (default 32 MiB). */
  streamBufferBytes?: number
  /** Limits against hostile clients; each missing one takes its default (limits.ts). */
  limits?: Partial<NodeLimits>
  nowNs?: () => bigint
}

/** The peer-to-peer side as the HTTP API sees it (p2p/network.ts implements it). */
export interface NetworkView {
  addresses(): string[]
  peers(): unknown[]
  peerCount(): number
  status(): Record<string, unknown>
  /** More for /peers: bounds, connections, what keeping peers cost. */
  overview?(): Record<string, unknown>
}

/** Bodies up to this size are read even when refused at admission (to count their cost). */
const READ_REFUSED_BODY_BYTES = 256 * 1024

/** Paths besides the message API, by name in the request metrics. */
const OTHER_PATHS = new Set(['/healthz', '/peers', '/metrics'])

/** gRPC rpc → the method label HTTP uses for the same call. */
const GRPC_METHOD_LABEL: Record<MessageApiRpc, string> = {
  Publish: 'publish',
  Query: 'query',
  BatchQuery: 'batchQuery',
  Subscribe: 'subscribe',
  SubscribeAll: 'subscribeAll',
  Subscribe2: 'subscribe2',
}

const ROUTES_METHODS = Object.keys(MESSAGE_API) as MessageApiMethod[]
const ROUTES = new Map<string, MessageApiMethod>(ROUTES_METHODS.map((method) => [MESSAGE_API[method].path, method]))

export class XmtpNode {
  readonly server: Server
  readonly services: NodeServices
  private readonly logger: Logger
  private readonly trustProxy: boolean
  private readonly maxBodyBytes: number
  private readonly limits: Readonly<NodeLimits>
  private readonly bodyBudget: BodyBudget
  /** Each method's body rules (they follow from the limits, fixed at construction). */
  private readonly bodyRules: Record<MessageApiMethod, ReturnType<typeof bodyRules>>
  private readonly connections: ConnectionGuard
  private readonly startedAt = Date.now()
  private inFlight = 0
  private idle: (() => void) | undefined
  private closing: Promise<void> | undefined
  private network: NetworkView | undefined
  private grpc: GrpcGateway | undefined
  private metricsServer: Server | undefined

  constructor(options: NodeOptions) {
    const nodeLimits: NodeLimits = { ...DEFAULT_NODE_LIMITS, ...options.limits }
    this.limits = nodeLimits
    this.bodyBudget = new BodyBudget(nodeLimits.maxBufferedBodyBytes)
    const fanOut = new FanOut({ onDeliveryError: (err) => options.logger.error({ err }, 'stream delivery failed') })
    const limits = options.rateLimits
    this.services = {
      store: options.store,
      fanOut,
      sink: new EnvelopeSink(options.store, fanOut),
      verifyToken: options.verifyToken,
      limiters: limits && {
        default: new TokenBucketLimiter('DEF', limits.default),
        publish: new TokenBucketLimiter('PUB', limits.publish),
      },
      streams: new Set(),
      streamBufferBytes: options.streamBufferBytes ?? DEFAULT_STREAM_BUFFER_BYTES,
      streamBudget: new StreamBudget(nodeLimits.totalStreamBufferBytes),
      streamSlots: new StreamSlots(nodeLimits.maxStreamsPerIp, nodeLimits.maxStreams),
      limits: nodeLimits,
      logger: options.logger,
      metrics: new NodeMetrics(),
      nowNs: options.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n),
    }
    this.logger = options.logger
    this.trustProxy = options.trustProxy ?? false
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
    this.bodyRules = Object.fromEntries(ROUTES_METHODS.map((m) => [m, bodyRules(m, nodeLimits, this.maxBodyBytes)])) as XmtpNode['bodyRules']
    this.server = createServer(
      {
        keepAliveTimeout: nodeLimits.keepAliveTimeoutMs,
        // Node requires headersTimeout ≤ requestTimeout.
        headersTimeout: Math.min(nodeLimits.headersTimeoutMs, nodeLimits.requestTimeoutMs),
        requestTimeout: nodeLimits.requestTimeoutMs,
        // How often Node looks for connections past those timeouts (its default is 30 s).
        connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(nodeLimits.headersTimeoutMs / 4))),
      },
      (req, res) => {
        this.inFlight++
        res.on('close', () => {
          if (--this.inFlight === 0) this.idle?.()
        })
        this.handle(req, res).catch((err) => {
          this.logger.error({ err }, 'request handling failed')
          if (!res.headersSent) res.writeHead(500).end()
          else res.destroy()
        })
      },
    )
    this.connections = new ConnectionGuard(this.server, {
      logger: this.logger,
      maxConnections: nodeLimits.maxConnections,
      // Behind a trusted proxy every connection comes from the proxy; it must cap per client.
      maxConnectionsPerIp: this.trustProxy ? Infinity : nodeLimits.maxConnectionsPerIp,
    })
    const services = this.services
    services.metrics.attach({
      connections: (t) => (t === 'http' ? this.connections.openCount : (this.grpc?.connectionCount ?? 0)),
      streams: (t) => (t === 'http' ? services.streams.size : (this.grpc?.streamCount ?? 0)),
      subscribedTopics: () => services.fanOut.topicRegistrations,
      streamBufferedBytes: () => services.streamBudget.heldBytes,
      storeUp: () => storeAnswers(services.store.health?.bind(services.store)),
      p2p: () => this.network?.status() as ReturnType<MetricsSources['p2p']>,
      commits: () => (services.store as { commitStats?: { commits: number; requests: number } }).commitStats,
    })
  }

  /** Serves GET /metrics alone on its own port (--metrics-port); resolves with its URL. */
  listenMetrics(port: number, host: string): Promise<string> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]
      if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) return void this.metricsText(res).catch(() => res.destroy())
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('only GET /metrics here\n')
    })
    this.metricsServer = server
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        const address = server.address() as AddressInfo
        resolve(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/metrics`)
      })
    })
  }

  private async metricsText(res: ServerResponse): Promise<void> {
    const text = await this.services.metrics.scrape()
    res.writeHead(200, { 'Content-Type': this.services.metrics.contentType(), 'Cache-Control': 'no-store' }).end(text)
  }

  /** Shows the peer-to-peer network in GET /peers and /healthz. */
  attachNetwork(network: NetworkView): void {
    this.network = network
  }

  get sink(): EnvelopeSink {
    return this.services.sink
  }

  /** Listens and resolves with the base URL (port 0 picks a free port). */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, () => {
        this.server.off('error', reject)
        const address = this.server.address() as AddressInfo
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
        resolve(`http://${shownHost}:${address.port}`)
      })
    })
  }

  /**
   * Serves the message API over gRPC on `port` (0 picks a free one) beside HTTP, on the same
   * services; resolves with `host:port`.
   */
  async listenGrpc(port: number, host: string): Promise<string> {
    if (this.grpc) throw new Error('the gRPC API is already listening')
    this.grpc = new GrpcGateway({
      services: this.services,
      logger: this.logger,
      isClosing: () => this.closing !== undefined,
      maxConnections: this.limits.maxConnections,
      maxConnectionsPerIp: this.trustProxy ? Infinity : this.limits.maxConnectionsPerIp,
      trustProxy: this.trustProxy,
      onCall: (rpc, code, seconds, envelopes) => {
        const metrics = this.services.metrics
        metrics.request('grpc', GRPC_METHOD_LABEL[rpc], codeName(code).toUpperCase(), seconds)
        if (code !== GrpcCode.OK) {
          metrics.failed(code)
          if (rpc === 'Publish') metrics.publishRefused(code, envelopes ?? 1)
        }
      },
    })
    return this.grpc.listen(port, host)
  }

  /** The gRPC side, when listenGrpc was called. */
  get grpcGateway(): GrpcGateway | undefined {
    return this.grpc
  }

  /**
   * Stops accepting connections, ends open streams, lets in-flight requests finish (at most
   * `graceMs`), then closes the store.
   */
  close(graceMs = 10_000): Promise<void> {
    this.closing ??= (async () => {
      const grpcStopped = this.grpc?.close(graceMs)
      this.metricsServer?.close()
      this.metricsServer?.closeAllConnections()
      const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()))
      for (const res of this.services.streams) res.end()
      this.server.closeIdleConnections()
      if (this.inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (this.idle = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
        ])
      }
      this.server.closeAllConnections()
      await stopped
      await grpcStopped
      await this.services.store.close()
    })()
    return this.closing
  }

  private clientIp(req: IncomingMessage): string {
    if (this.trustProxy) {
      const forwarded = req.headers['x-forwarded-for']
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
      if (first) return first
    }
    return req.socket.remoteAddress ?? 'ip_unknown'
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint()
    const path = (req.url ?? '/').split('?')[0]!
    const logFields: Record<string, unknown> = {}
    const clientVersion = req.headers['x-client-version']
    if (clientVersion) logFields.client = clientVersion
    // On 'close', not 'finish': a stream the client aborts never finishes, and its line (how
    // long it lasted, what it delivered) is the one an operator looks for.
    res.on('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const route = ROUTES.get(path)
      const label = route ?? (OTHER_PATHS.has(path) ? path.slice(1) : 'other')
      this.services.metrics.request('http', label, String(res.statusCode), ms / 1000)
      if (route === 'publish' && res.statusCode !== 200) this.services.metrics.publishRefused(refusedCode ?? GrpcCode.INTERNAL, Number(logFields.envelopes ?? 1))
      if (refusedCode !== undefined) this.services.metrics.failed(refusedCode)
      if (!this.logger.isLevelEnabled('debug')) return
      const aborted = !res.writableFinished
      const fields = { method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10, ...logFields, ...(aborted && { aborted }) }
      this.logger.debug(fields, aborted ? 'request ended by the client' : 'request')
    })
    let heldBody = 0
    let refusedCode: number | undefined
    try {
      if (this.closing) {
        // A kept-alive connection may still carry a request after shutdown began.
        res.setHeader('Connection', 'close')
        throw new ApiError(GrpcCode.UNAVAILABLE, 'the node is shutting down')
      }
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) return sendPreflight(res)
      if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) return await this.health(req, res)
      if (path === '/peers' && (req.method === 'GET' || req.method === 'HEAD')) return await this.peers(req, res)
      // With --metrics-port the scrape lives there only (an operator may keep it private).
      if (path === '/metrics' && !this.metricsServer && (req.method === 'GET' || req.method === 'HEAD')) return await this.metricsText(res)
      const method = ROUTES.get(path)
      if (!method) throw new ApiError(GrpcCode.NOT_FOUND, `Not Found: no message API method at ${path}`)
      if (req.method !== 'POST') throw new ApiError(GrpcCode.UNIMPLEMENTED, `Method Not Allowed: ${path} takes POST, not ${req.method}`)
      const clientIp = this.clientIp(req)
      // Charged before a byte of the body is read, so malformed, empty and unauthenticated
      // requests all pay, and a large body pays for its size before it costs any memory.
      const prepaid = { default: 0, publish: 0 }
      const admission = admissionCost(method, req.headers['content-length'])
      // A small request refused here is still read, so its answer can say when the whole of
      // it would pass (a 100-envelope publish costs 100, not the 1 token of its admission).
      let admissionRefusal: ApiError | undefined
      try {
        spend(this.services, admission.kind, clientIp, admission.cost)
        prepaid[admission.kind] = admission.cost
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 429 && Number(req.headers['content-length']) <= READ_REFUSED_BODY_BYTES)) throw err
        admissionRefusal = err
      }
      const refusedAtAdmission = admissionRefusal !== undefined
      const rules = this.bodyRules[method]
      const reading = readBody(req, {
        maxBytes: rules.maxBytes,
        // The publish cap is the operator's --max-body-bytes; say so only for the small ones.
        hint: method === 'publish' ? undefined : rules.hint,
        guard: rules.guard,
        idleTimeoutMs: this.limits.bodyTimeoutMs,
        budget: this.bodyBudget,
        // A chunked publish pays as it grows, as a declared length paid above.
        onProgress:
          method === 'publish' && !refusedAtAdmission
            ? (size) => {
                const owed = publishBytesCost(size) - prepaid.publish
                if (owed > 0) {
                  spend(this.services, 'publish', clientIp, owed, owed + prepaid.publish)
                  prepaid.publish += owed
                }
              }
            : undefined,
      })
      if (admissionRefusal) {
        // Whatever is wrong with the body, the answer stays the 429; a readable one refines its wait.
        const body = await reading.then((raw) => ((heldBody = raw.length), parseJsonBody(raw))).catch((err: unknown) => {
          if (err instanceof ClientGoneError) throw err
          return undefined
        })
        throw body === undefined ? admissionRefusal : wholeRequestRefusal(this.services, method, body, clientIp)
      }
      const raw = await reading
      heldBody = raw.length
      const body = parseJsonBody(raw)
      const ctx: RequestContext = { req, res, body, clientIp, authorization: req.headers.authorization, logFields, prepaid }
      await HANDLERS[method](this.services, ctx)
    } catch (err) {
      if (err instanceof ClientGoneError) {
        // Nobody is left to answer; this is the client's doing, not an error of the node.
        this.logger.debug({ path, reason: err.message }, 'client went away')
        req.socket.destroy()
        return
      }
      const error = toApiError(err)
      refusedCode = error.code
      if (error.code === GrpcCode.INTERNAL) this.logger.error({ err, path }, 'internal error')
      else logFields.error = error.message
      if (res.headersSent) {
        res.destroy()
        return
      }
      if (!req.complete) {
        // The body was refused part-way (or never read): answer, then close (linger.ts).
        res.setHeader('Connection', 'close')
        res.on('finish', () => lingerThenClose(req))
      }
      await sendError(req, res, error)
    } finally {
      this.bodyBudget.give(heldBody)
    }
  }

  private async health(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // 503 while the store cannot be reached, so a load balancer sends traffic elsewhere.
    const store = await this.services.store.health?.()
    const up = store?.available !== false
    await sendJson(req, res, up ? 200 : 503, {
      status: up ? 'ok' : 'unavailable',
      ...(store ? { store } : {}),
      envelopes: up ? await this.services.store.count().catch(() => null) : null,
      subscriptions: this.services.fanOut.subscriptionCount,
      subscribedTopics: this.services.fanOut.topicRegistrations,
      streamBufferedBytes: this.services.streamBudget.heldBytes,
      bodyBufferedBytes: this.bodyBudget.heldBytes,
      connections: this.connections.openCount + (this.grpc?.connectionCount ?? 0),
      streams: this.services.streamSlots.open,
      ...(this.grpc && { grpc: { connections: this.grpc.connectionCount, streams: this.grpc.streamCount } }),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      ...(this.network && { peers: this.network.peerCount(), p2p: this.network.status() }),
    })
  }

  private async peers(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const network = this.network
    await sendJson(req, res, 200, network ? { p2p: true, addresses: network.addresses(), peers: network.peers(), ...network.overview?.() } : { p2p: false, addresses: [], peers: [] })
  }
}
