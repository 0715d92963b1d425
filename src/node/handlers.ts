// One handler per message API method, keyed by the shared method table (wire.ts MESSAGE_API).

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import {
  batchQueryResponseToJson,
  parseBatchQueryRequest,
  parseEnvelope,
  parsePublishRequest,
  parseQueryRequest,
  parseSubscribeRequest,
  queryResponseToJson,
  WireFormatError,
  type Envelope,
  type MessageApiMethod,
  type PublishRequest,
} from '../protocol/api/wire.ts'
import { authenticate, authorizeTopics, checkOwnerWriteTimes, type TokenVerifier } from './auth.ts'
import type { Dispatcher } from './dispatcher.ts'
import { ApiError, GrpcCode, invalidArgument } from './errors.ts'
import { sendJson } from './http/respond.ts'
import { topicFields } from './logging.ts'
import { MAX_BATCH_QUERIES, MAX_MESSAGE_BYTES, MAX_TOPIC_LENGTH, type NodeLimits } from './limits.ts'
import { planQuery, runQuery } from './query.ts'
import type { TokenBucketLimiter } from './rateLimit.ts'
import type { EnvelopeSink } from './sink.ts'
import type { EnvelopeStore } from './store/types.ts'
import { openStream, type StreamBudget, type StreamSlots } from './stream.ts'

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
  streamBudget: StreamBudget
  streamSlots: StreamSlots
  limits: Readonly<NodeLimits>
  logger: Logger
  nowNs(): bigint
}

export type LimiterKind = 'default' | 'publish'

export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  body: unknown
  clientIp: string
  /** Where handlers leave facts for the request log line. */
  logFields: Record<string, unknown>
  /** Tokens the server already took before the body was read (server.ts). */
  prepaid: Record<LimiterKind, number>
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

/**
 * Takes `cost` tokens of `clientIp`'s bucket (429 with Retry-After when it is short). A request
 * whose whole cost (`requestCost`, some of it maybe paid earlier) is larger than the bucket can never pass, so it gets 413 saying so, not a 429 that
 * invites a retry.
 */
export function spend(services: NodeServices, kind: LimiterKind, clientIp: string, cost: number, requestCost = cost): void {
  const limiter = services.limiters?.[kind]
  if (!limiter || cost <= 0) return
  if (requestCost > limiter.limit.burst) {
    throw new ApiError(
      GrpcCode.RESOURCE_EXHAUSTED,
      `request costs ${requestCost} of rate limit ${limiter.name}, more than its whole bucket of ${limiter.limit.burst}: split it into smaller requests`,
      { status: 413 },
    )
  }
  const result = limiter.take(clientIp, cost)
  if (!result.ok) {
    throw new ApiError(GrpcCode.RESOURCE_EXHAUSTED, result.message, { headers: { 'Retry-After': String(result.retryAfterSeconds) } })
  }
}

/** Spends what `total` costs beyond what the server took up front. */
function settle(services: NodeServices, ctx: RequestContext, kind: LimiterKind, total: number): void {
  const more = total - ctx.prepaid[kind]
  if (more <= 0) return
  spend(services, kind, ctx.clientIp, more, total)
  ctx.prepaid[kind] += more
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

/** Base64 bytes decoded between two event-loop turns while a large publish is parsed. */
const PARSE_SLICE_BYTES = 4 * 1024 * 1024

/**
 * parsePublishRequest, one envelope at a time with a turn of the event loop after every few
 * megabytes of messages: a maximal publish (~50 MB of base64) otherwise decodes in one block
 * of a quarter second or more. Same result and same errors.
 */
async function parsePublish(value: unknown, maxEnvelopes: number): Promise<PublishRequest> {
  const list = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>).envelopes : undefined
  // Counted before anything is decoded.
  if (Array.isArray(list) && list.length > maxEnvelopes) throw tooManyEnvelopes(list.length, maxEnvelopes)
  if (!Array.isArray(list) || list.length <= 1) return parse(parsePublishRequest, value)
  const envelopes: Envelope[] = []
  let sliceBytes = 0
  for (let i = 0; i < list.length; i++) {
    const item = list[i] as { message?: unknown } | null
    envelopes.push(parse((v) => parseEnvelope(v, `request.envelopes[${i}]`), item))
    sliceBytes += typeof item?.message === 'string' ? item.message.length : 0
    if (sliceBytes >= PARSE_SLICE_BYTES) {
      sliceBytes = 0
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  return { envelopes }
}

const tooManyEnvelopes = (count: number, max: number) =>
  new ApiError(GrpcCode.RESOURCE_EXHAUSTED, `cannot exceed ${max} envelopes in a single publish (got ${count}): split it`, { status: 413 })

const publish: Handler = async (services, ctx) => {
  const request = await parsePublish(ctx.body, services.limits.maxPublishEnvelopes)
  const count = request.envelopes.length
  ctx.logFields.envelopes = count
  Object.assign(ctx.logFields, topicFields(request.envelopes.map((e) => e.contentTopic)))
  // The rate limit comes first (node-go checks the token first): a flood of garbage tokens
  // then costs the sender its bucket instead of costing the node signature checks. An empty
  // publish costs one token: it still costs the node a request and a token check.
  settle(services, ctx, 'publish', Math.max(1, count))
  if (services.verifyToken) {
    const wallet = await authenticate(ctx.req.headers.authorization, services.verifyToken, services.nowNs())
    ctx.logFields.wallet = wallet
    authorizeTopics(wallet, request.envelopes)
    checkOwnerWriteTimes(ctx.req.headers.authorization, request.envelopes)
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
  settle(services, ctx, 'default', 1)
  const response = await runQuery(services.store, planQuery(request, services.limits.maxQueryTopics))
  ctx.logFields.returned = response.envelopes.length
  await sendJson(ctx.req, ctx.res, 200, queryResponseToJson(response), { gzip: true })
}

const batchQuery: Handler = async (services, ctx) => {
  const request = parse(parseBatchQueryRequest, ctx.body)
  const count = request.requests.length
  ctx.logFields.queries = count
  if (count > MAX_BATCH_QUERIES) throw invalidArgument(`cannot exceed ${MAX_BATCH_QUERIES} requests in single batch (got ${count})`)
  const topics = request.requests.reduce((sum, q) => sum + q.contentTopics.length, 0)
  const maxTopics = services.limits.maxBatchTopics
  if (topics > maxTopics) throw invalidArgument(`cannot exceed ${maxTopics} topics in a single batch, over all its queries (got ${topics})`)
  settle(services, ctx, 'default', Math.max(1, count))
  // Validate all first so a bad sub-query costs no database work. node-go answers INTERNAL
  // for any failing sub-query; a client mistake gets INVALID_ARGUMENT naming the sub-query.
  const plans = request.requests.map((q, i) => {
    try {
      return planQuery(q, services.limits.maxQueryTopics)
    } catch (err) {
      if (err instanceof ApiError) throw new ApiError(err.code, `requests[${i}]: ${err.message}`)
      throw err
    }
  })
  const responses = []
  for (const plan of plans) responses.push(await runQuery(services.store, plan))
  await sendJson(ctx.req, ctx.res, 200, batchQueryResponseToJson({ responses }), { gzip: true })
}

function startStream(services: NodeServices, ctx: RequestContext, topics: string[] | 'all'): void {
  const releaseSlot = services.streamSlots.acquire(ctx.clientIp)
  try {
    services.logger.debug({ path: ctx.req.url, clientIp: ctx.clientIp, ...(topics === 'all' ? { topics: 'all' } : topicFields(topics)) }, 'subscription opened')
    openStream(services, { req: ctx.req, res: ctx.res, clientIp: ctx.clientIp, releaseSlot, logFields: ctx.logFields }, topics)
  } catch (err) {
    releaseSlot()
    throw err
  }
}

const subscribe: Handler = async (services, ctx) => {
  const request = parse(parseSubscribeRequest, ctx.body)
  const topics = request.contentTopics
  if (topics.length === 0) throw invalidArgument('content topics required')
  const max = services.limits.maxSubscribeTopics
  if (topics.length > max) throw invalidArgument(`cannot exceed ${max} topics in a single subscription (got ${topics.length})`)
  topics.forEach((t, i) => checkTopic(t, `contentTopics[${i}]`))
  settle(services, ctx, 'default', 1)
  Object.assign(ctx.logFields, topicFields(topics))
  const registered = services.dispatcher.topicRegistrations
  if (registered + topics.length > services.limits.maxSubscribedTopics) {
    throw new ApiError(GrpcCode.RESOURCE_EXHAUSTED, `the node holds its maximum of ${services.limits.maxSubscribedTopics} subscribed topics; retry later`, {
      headers: { 'Retry-After': '10' },
    })
  }
  startStream(services, ctx, topics)
}

const subscribeAll: Handler = async (services, ctx) => {
  settle(services, ctx, 'default', 1)
  ctx.logFields.topics = 'all'
  startStream(services, ctx, 'all')
}

export const HANDLERS: Record<MessageApiMethod, Handler> = { publish, query, batchQuery, subscribe, subscribeAll }
