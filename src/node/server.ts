// The node: an HTTP server routing the message API (by the shared method table) to handlers,
// over one store, one dispatcher and one sink.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { MESSAGE_API, type MessageApiMethod } from '../protocol/api/wire.ts'
import type { TokenVerifier } from './auth.ts'
import { Dispatcher } from './dispatcher.ts'
import { ApiError, GrpcCode } from './errors.ts'
import { HANDLERS, type NodeServices, type RequestContext } from './handlers.ts'
import { parseJsonBody, readBody } from './http/body.ts'
import { sendError, sendJson, sendPreflight, toApiError } from './http/respond.ts'
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_STREAM_BUFFER_BYTES } from './limits.ts'
import { TokenBucketLimiter, type RateLimits } from './rateLimit.ts'
import { EnvelopeSink } from './sink.ts'
import type { EnvelopeStore } from './store/types.ts'

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
  nowNs?: () => bigint
}

const ROUTES = new Map<string, MessageApiMethod>(
  (Object.keys(MESSAGE_API) as MessageApiMethod[]).map((method) => [MESSAGE_API[method].path, method]),
)

export class XmtpNode {
  readonly server: Server
  readonly services: NodeServices
  private readonly logger: Logger
  private readonly trustProxy: boolean
  private readonly maxBodyBytes: number
  private readonly startedAt = Date.now()
  private inFlight = 0
  private idle: (() => void) | undefined
  private closing: Promise<void> | undefined

  constructor(options: NodeOptions) {
    const dispatcher = new Dispatcher()
    const limits = options.rateLimits
    this.services = {
      store: options.store,
      dispatcher,
      sink: new EnvelopeSink(options.store, dispatcher),
      verifyToken: options.verifyToken,
      limiters: limits && {
        default: new TokenBucketLimiter('DEF', limits.default),
        publish: new TokenBucketLimiter('PUB', limits.publish),
      },
      streams: new Set(),
      streamBufferBytes: options.streamBufferBytes ?? DEFAULT_STREAM_BUFFER_BYTES,
      logger: options.logger,
      nowNs: options.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n),
    }
    this.logger = options.logger
    this.trustProxy = options.trustProxy ?? false
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
    this.server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
      this.inFlight++
      res.on('close', () => {
        if (--this.inFlight === 0) this.idle?.()
      })
      this.handle(req, res).catch((err) => {
        this.logger.error({ err }, 'request handling failed')
        if (!res.headersSent) res.writeHead(500).end()
        else res.destroy()
      })
    })
    this.server.on('clientError', (err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      this.logger.debug({ err: err.message }, 'malformed HTTP')
    })
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
   * Stops accepting connections, ends open streams, lets in-flight requests finish (at most
   * `graceMs`), then closes the store.
   */
  close(graceMs = 10_000): Promise<void> {
    this.closing ??= (async () => {
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
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      this.logger.debug({ method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10, ...logFields }, 'request')
    })
    try {
      if (this.closing) {
        // A kept-alive connection may still carry a request after shutdown began.
        res.setHeader('Connection', 'close')
        throw new ApiError(GrpcCode.UNAVAILABLE, 'the node is shutting down')
      }
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) return sendPreflight(res)
      if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) return await this.health(req, res)
      const method = ROUTES.get(path)
      if (!method) throw new ApiError(GrpcCode.NOT_FOUND, `Not Found: no message API method at ${path}`)
      if (req.method !== 'POST') throw new ApiError(GrpcCode.UNIMPLEMENTED, `Method Not Allowed: ${path} takes POST, not ${req.method}`)
      const body = parseJsonBody(await readBody(req, this.maxBodyBytes))
      const ctx: RequestContext = { req, res, body, clientIp: this.clientIp(req), logFields }
      await HANDLERS[method](this.services, ctx)
    } catch (err) {
      const error = toApiError(err)
      if (error.code === GrpcCode.INTERNAL) this.logger.error({ err, path }, 'internal error')
      else logFields.error = error.message
      if (res.headersSent) {
        res.destroy()
        return
      }
      if (error.status === 413) {
        // Stop the upload: answer, then close the connection instead of reading the rest.
        res.setHeader('Connection', 'close')
        res.on('finish', () => req.destroy())
      }
      await sendError(req, res, error)
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
      subscriptions: this.services.dispatcher.subscriptionCount,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
    })
  }
}
