// One handler per message API method, keyed by the shared method table (wire.ts MESSAGE_API).

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import {
  batchQueryResponseToJson,
  parseBatchQueryRequest,
  parsePublishRequest,
  parseQueryRequest,
  parseSubscribeRequest,
  queryResponseToJson,
  streamLine,
  WireFormatError,
  type Envelope,
  type MessageApiMethod,
} from '../protocol/api/wire.ts'
import { authenticate, authorizeTopics, type TokenVerifier } from './auth.ts'
import type { Dispatcher } from './dispatcher.ts'
import { ApiError, GrpcCode, invalidArgument } from './errors.ts'
import { sendJson, setCorsHeaders } from './http/respond.ts'
import { MAX_BATCH_QUERIES, MAX_MESSAGE_BYTES, MAX_TOPIC_LENGTH } from './limits.ts'
import { planQuery, runQuery } from './query.ts'
import type { TokenBucketLimiter } from './rateLimit.ts'
import type { EnvelopeSink } from './sink.ts'
import type { EnvelopeStore } from './store/types.ts'

export interface NodeServices {
  store: EnvelopeStore
  sink: EnvelopeSink
  dispatcher: Dispatcher
  /** Undefined turns publish authentication off (--no-auth). */
  verifyToken: TokenVerifier | undefined
  /** Undefined turns rate limiting off. */
  limiters: { default: TokenBucketLimiter; publish: TokenBucketLimiter } | undefined
  /** Open streams, so shutdown can end them. */
  streams: Set<ServerResponse>
  /** Bytes a slow subscriber may have waiting in its stream before envelopes are dropped. */
  streamBufferBytes: number
  logger: Logger
  nowNs(): bigint
}

export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  body: unknown
  clientIp: string
  /** Where handlers leave facts for the request log line. */
  logFields: Record<string, unknown>
}

type Handler = (services: NodeServices, ctx: RequestContext) => Promise<void>

/** Wire-format errors become INVALID_ARGUMENT naming the field. */
function parse<T>(parser: (value: unknown) => T, value: unknown): T {
  try {
    return parser(value)
  } catch (err) {
    if (err instanceof WireFormatError) throw invalidArgument(err.message)
    throw err
  }
}

function spend(services: NodeServices, kind: 'default' | 'publish', clientIp: string, cost: number): void {
  const limiter = services.limiters?.[kind]
  if (!limiter || cost <= 0) return
  const result = limiter.take(clientIp, cost)
  if (!result.ok) {
    throw new ApiError(GrpcCode.RESOURCE_EXHAUSTED, result.message, { headers: { 'Retry-After': String(result.retryAfterSeconds) } })
  }
}

function checkTopic(topic: string, path: string): void {
  if (topic.length > MAX_TOPIC_LENGTH) throw invalidArgument(`${path}: topic length too big: ${topic.length} characters, at most ${MAX_TOPIC_LENGTH}`)
}

function checkEnvelopes(envelopes: readonly Envelope[]): void {
  envelopes.forEach((e, i) => {
    checkTopic(e.contentTopic, `envelopes[${i}].contentTopic`)
    if (e.message.length > MAX_MESSAGE_BYTES) {
      throw invalidArgument(`envelopes[${i}].message: message too big: ${e.message.length} bytes, at most ${MAX_MESSAGE_BYTES}`)
    }
  })
}

const publish: Handler = async (services, ctx) => {
  const request = parse(parsePublishRequest, ctx.body)
  ctx.logFields.envelopes = request.envelopes.length
  // The rate limit comes first (node-go checks the token first): a flood of garbage tokens
  // then costs the sender its bucket instead of costing the node signature checks.
  spend(services, 'publish', ctx.clientIp, request.envelopes.length)
  if (services.verifyToken) {
    const wallet = await authenticate(ctx.req.headers.authorization, services.verifyToken, services.nowNs())
    ctx.logFields.wallet = wallet
    authorizeTopics(wallet, request.envelopes)
  }
  checkEnvelopes(request.envelopes)
  // All or nothing: the whole request is validated above and stored in one transaction.
  // The checked token travels with the envelopes so peers can check owner-only topics too.
  const proof = services.verifyToken ? { authorization: ctx.req.headers.authorization } : {}
  ctx.logFields.stored = await services.sink.accept(request.envelopes, 'client', proof)
  await sendJson(ctx.req, ctx.res, 200, {})
}

const query: Handler = async (services, ctx) => {
  const request = parse(parseQueryRequest, ctx.body)
  spend(services, 'default', ctx.clientIp, 1)
  const response = await runQuery(services.store, planQuery(request))
  ctx.logFields.returned = response.envelopes.length
  await sendJson(ctx.req, ctx.res, 200, queryResponseToJson(response), { gzip: true })
}

const batchQuery: Handler = async (services, ctx) => {
  const request = parse(parseBatchQueryRequest, ctx.body)
  const count = request.requests.length
  ctx.logFields.queries = count
  if (count > MAX_BATCH_QUERIES) throw invalidArgument(`cannot exceed ${MAX_BATCH_QUERIES} requests in single batch (got ${count})`)
  spend(services, 'default', ctx.clientIp, Math.max(1, count))
  // Validate all first so a bad sub-query costs no database work. node-go answers INTERNAL
  // for any failing sub-query; a client mistake gets INVALID_ARGUMENT naming the sub-query.
  const plans = request.requests.map((q, i) => {
    try {
      return planQuery(q)
    } catch (err) {
      if (err instanceof ApiError) throw new ApiError(err.code, `requests[${i}]: ${err.message}`)
      throw err
    }
  })
  const responses = []
  for (const plan of plans) responses.push(await runQuery(services.store, plan))
  await sendJson(ctx.req, ctx.res, 200, batchQueryResponseToJson({ responses }), { gzip: true })
}

/** Streams `{"result": Envelope}\n` lines until the client goes or the node shuts down. */
function openStream(services: NodeServices, ctx: RequestContext, topics: string[] | 'all'): void {
  const { req, res } = ctx
  let dropped = 0
  const write = (envelope: Envelope) => {
    const line = streamLine(envelope)
    // A reader that does not keep up gets its envelopes dropped once its backlog passes the
    // bound (node-go drops too, §13.6), so one stalled client cannot eat the node's memory.
    // Whole lines only: the stream stays valid newline-delimited JSON.
    if (res.writableLength > 0 && res.writableLength + line.length > services.streamBufferBytes) {
      if (dropped++ === 0) services.logger.warn({ clientIp: ctx.clientIp }, 'slow subscriber: dropping envelopes')
      return
    }
    res.write(line)
  }
  const subscription = services.dispatcher.subscribe(topics, write)
  services.streams.add(res)
  const close = () => {
    subscription.close()
    services.streams.delete(res)
    if (dropped > 0) services.logger.warn({ clientIp: ctx.clientIp, dropped }, 'slow subscriber closed; envelopes were dropped')
  }
  res.on('close', close)
  req.on('close', () => {
    if (!res.writableEnded) res.end()
  })
  setCorsHeaders(res)
  res.setHeader('Content-Type', 'application/json')
  res.setHeader('Cache-Control', 'no-cache')
  res.setHeader('X-Accel-Buffering', 'no')
  // Headers go out now (the gateway waits for the first envelope): the subscription is
  // registered at this point, so a client may treat the response as "subscribed".
  res.setHeader('subscribed', 'true')
  res.writeHead(200)
  res.flushHeaders()
  res.socket?.setNoDelay(true)
}

const subscribe: Handler = async (services, ctx) => {
  const request = parse(parseSubscribeRequest, ctx.body)
  if (request.contentTopics.length === 0) throw invalidArgument('content topics required')
  request.contentTopics.forEach((t, i) => checkTopic(t, `contentTopics[${i}]`))
  spend(services, 'default', ctx.clientIp, 1)
  ctx.logFields.topics = request.contentTopics.length
  openStream(services, ctx, request.contentTopics)
}

const subscribeAll: Handler = async (services, ctx) => {
  spend(services, 'default', ctx.clientIp, 1)
  openStream(services, ctx, 'all')
}

export const HANDLERS: Record<MessageApiMethod, Handler> = { publish, query, batchQuery, subscribe, subscribeAll }
