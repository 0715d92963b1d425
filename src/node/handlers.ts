// One handler per message API method, keyed by the shared method table (wire/message-api.ts MESSAGE_API).

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
  type BatchQueryRequest,
  type BatchQueryResponse,
  type Envelope,
  type MessageApiMethod,
  type PublishRequest,
  type QueryRequest,
  type QueryResponse,
} from '../wire/message-api.ts'
import { authenticate, authorizeTopics, checkOwnerWriteTimes, type TokenVerifier } from './auth.ts'
import type { FanOut } from './fan-out.ts'
import type { NodeMetrics } from './metrics.ts'
import { ApiError, GrpcCode, invalidArgument } from './errors.ts'
import { sendJson } from './http/respond.ts'
import { topicFields } from './logging.ts'
import { MAX_BATCH_QUERIES, MAX_MESSAGE_BYTES, MAX_TOPIC_LENGTH, type NodeLimits } from './limits.ts'
import { topicCategory } from '../wire/topics.ts'
import { planQuery, runQuery } from './query.ts'
import type { TokenBucketLimiter } from './rate-limit.ts'
import type { EnvelopeSink } from './sink.ts'
import type { EnvelopeStore } from './store/types.ts'
import { openStream, type StreamBudget, type StreamSlots } from './stream.ts'

export interface NodeServices {
  store: EnvelopeStore
  sink: EnvelopeSink
  fanOut: FanOut
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
  metrics: NodeMetrics
  nowNs(): bigint
}

export type LimiterKind = 'default' | 'publish'

/** What every transport (HTTP here, gRPC in grpc/server.ts) knows of a call. */
export interface CallContext {
  clientIp: string
  /** The `Authorization` header (HTTP) or `authorization` metadata (gRPC). */
  authorization: string | undefined
  /** Where handlers leave facts for the request log line. */
  logFields: Record<string, unknown>
  /** Tokens the transport already took before the request was decoded (server.ts). */
  prepaid: Record<LimiterKind, number>
}

export interface RequestContext extends CallContext {
  req: IncomingMessage
  res: ServerResponse
  body: unknown
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
  // A retry pays the whole request again (what was prepaid included): the wait is for all of it.
  const result = limiter.take(clientIp, cost, Date.now(), requestCost)
  if (!result.ok) {
    services.metrics.rateLimitRefusal(limiter.name)
    throw new ApiError(GrpcCode.RESOURCE_EXHAUSTED, result.message, { headers: { 'Retry-After': String(result.retryAfterSeconds) } })
  }
}

/**
 * The 429 for a request refused before its body was read, once the body says what the whole
 * request costs: its Retry-After is when all of that would pass, not the admission token.
 */
export function wholeRequestRefusal(services: NodeServices, method: MessageApiMethod, body: unknown, clientIp: string): ApiError {
  const fields = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {}
  const count = (value: unknown) => (Array.isArray(value) ? value.length : 0)
  const kind: LimiterKind = method === 'publish' ? 'publish' : 'default'
  const cost = method === 'publish' ? count(fields.envelopes) : method === 'batchQuery' ? count(fields.requests) : 1
  return rateLimitRefusal(services, kind, clientIp, cost)
}

/** The refusal of a request costing `cost` whose bucket is short: when all of it would pass. */
export function rateLimitRefusal(services: NodeServices, kind: LimiterKind, clientIp: string, requestCost: number): ApiError {
  const cost = Math.max(1, requestCost)
  const limiter = services.limiters![kind]
  if (cost > limiter.limit.burst) {
    return new ApiError(GrpcCode.RESOURCE_EXHAUSTED, `request costs ${cost} of rate limit ${limiter.name}, more than its whole bucket of ${limiter.limit.burst}: split it into smaller requests`, { status: 413 })
  }
  const wait = Math.max(1, limiter.waitSeconds(clientIp, cost))
  return new ApiError(GrpcCode.RESOURCE_EXHAUSTED, `${cost} exceeds rate limit ${limiter.name}`, { headers: { 'Retry-After': String(wait) } })
}

/** Spends what `total` costs beyond what the server took up front. */
export function settle(services: NodeServices, ctx: CallContext, kind: LimiterKind, total: number): void {
  const more = total - ctx.prepaid[kind]
  if (more <= 0) return
  spend(services, kind, ctx.clientIp, more, total)
  ctx.prepaid[kind] += more
}

function checkTopic(topic: string, path: string): void {
  if (topic.length > MAX_TOPIC_LENGTH) throw invalidArgument(`${path}: topic length too big: ${topic.length} characters, at most ${MAX_TOPIC_LENGTH}`)
}

function checkEnvelopes(envelopes: readonly Envelope[], maxInviteBytes: number): void {
  envelopes.forEach((e, i) => {
    checkTopic(e.contentTopic, `envelopes[${i}].contentTopic`)
    if (e.message.length > MAX_MESSAGE_BYTES) {
      throw invalidArgument(`envelopes[${i}].message: message too big: ${e.message.length} bytes, at most ${MAX_MESSAGE_BYTES}`)
    }
    // Invite topics carry sealed invitations (about 1 KB) and nothing else (issue 19).
    if (e.message.length > maxInviteBytes && topicCategory(e.contentTopic) === 'invite') {
      throw invalidArgument(`envelopes[${i}].message: an invitation is at most ${maxInviteBytes} bytes, this message is ${e.message.length}`)
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
  await publishEnvelopes(services, ctx, request.envelopes)
  await sendJson(ctx.req, ctx.res, 200, {})
}

/** Checks, authorizes and stores a publish: the part every transport shares. */
export async function publishEnvelopes(services: NodeServices, ctx: CallContext, envelopes: readonly Envelope[]): Promise<void> {
  const count = envelopes.length
  if (count > services.limits.maxPublishEnvelopes) throw tooManyEnvelopes(count, services.limits.maxPublishEnvelopes)
  ctx.logFields.envelopes = count
  // For the request's debug line only: not worth building when nobody will read it.
  if (services.logger.isLevelEnabled('debug')) Object.assign(ctx.logFields, topicFields(envelopes.map((e) => e.contentTopic)))
  // The rate limit comes first (node-go checks the token first): a flood of garbage tokens
  // then costs the sender its bucket instead of costing the node signature checks. An empty
  // publish costs one token: it still costs the node a request and a token check.
  settle(services, ctx, 'publish', Math.max(1, count))
  if (services.verifyToken) {
    const wallet = await authenticate(ctx.authorization, services.verifyToken, services.nowNs())
    ctx.logFields.wallet = wallet
    authorizeTopics(wallet, envelopes)
    checkOwnerWriteTimes(ctx.authorization, envelopes)
  }
  checkEnvelopes(envelopes, services.limits.maxInviteMessageBytes)
  // All or nothing: the whole request is validated above and stored in one transaction.
  // The checked token travels with the envelopes so peers can check owner-only topics too.
  const proof = services.verifyToken ? { authorization: ctx.authorization } : {}
  const stored = await services.sink.accept(envelopes, 'client', proof)
  ctx.logFields.stored = stored
  services.metrics.envelopesStored('client', stored)
}

const query: Handler = async (services, ctx) => {
  const response = await queryEnvelopes(services, ctx, parse(parseQueryRequest, ctx.body))
  await sendJson(ctx.req, ctx.res, 200, queryResponseToJson(response), { gzip: true })
}

export async function queryEnvelopes(services: NodeServices, ctx: CallContext, request: QueryRequest): Promise<QueryResponse> {
  settle(services, ctx, 'default', 1)
  const response = await runQuery(services.store, planQuery(request, services.limits.maxQueryTopics))
  ctx.logFields.returned = response.envelopes.length
  return response
}

const batchQuery: Handler = async (services, ctx) => {
  const response = await batchQueryEnvelopes(services, ctx, parse(parseBatchQueryRequest, ctx.body))
  await sendJson(ctx.req, ctx.res, 200, batchQueryResponseToJson(response), { gzip: true })
}

export async function batchQueryEnvelopes(services: NodeServices, ctx: CallContext, request: BatchQueryRequest): Promise<BatchQueryResponse> {
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
  return { responses }
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
  const topics = parse(parseSubscribeRequest, ctx.body).contentTopics
  admitSubscription(services, ctx, topics)
  startStream(services, ctx, topics)
}

/**
 * Checks a subscription's topics, charges it and makes sure the node has room for its topic
 * registrations (`replacing`: how many a topic update gives back).
 */
export function admitSubscription(services: NodeServices, ctx: CallContext, topics: readonly string[], replacing = 0): void {
  if (topics.length === 0) throw invalidArgument('content topics required')
  const max = services.limits.maxSubscribeTopics
  if (topics.length > max) throw invalidArgument(`cannot exceed ${max} topics in a single subscription (got ${topics.length})`)
  topics.forEach((t, i) => checkTopic(t, `contentTopics[${i}]`))
  settle(services, ctx, 'default', 1)
  Object.assign(ctx.logFields, topicFields(topics))
  const registered = services.fanOut.topicRegistrations - replacing
  if (registered + topics.length > services.limits.maxSubscribedTopics) {
    throw new ApiError(GrpcCode.RESOURCE_EXHAUSTED, `the node holds its maximum of ${services.limits.maxSubscribedTopics} subscribed topics; retry later`, {
      headers: { 'Retry-After': '10' },
    })
  }
}

const subscribeAll: Handler = async (services, ctx) => {
  settle(services, ctx, 'default', 1)
  ctx.logFields.topics = 'all'
  startStream(services, ctx, 'all')
}

export const HANDLERS: Record<MessageApiMethod, Handler> = { publish, query, batchQuery, subscribe, subscribeAll }
