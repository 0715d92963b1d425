// The message API client (../shared/protocol/xmtp-v2.md §12): publish, query (pages,
// iterator, all), batch query, and subscriptions (envelope-stream.ts), over the node's
// HTTP/JSON gateway. Uses only global fetch / AbortController / TextDecoder, so it
// runs unchanged in an MV3 service worker and in Node; `fetch` can be injected.
//
// Requests: JSON bodies from src/wire/message-api.ts. How a call is sent (headers, auth
// token, timeout) and retried (retry.ts) lives in unary-call.ts; what each method sends
// and how it reads the answer lives here.

import { normaliseApiUrl, type FetchFn } from './http.ts'
import { DEFAULT_RETRY_POLICY, checkRetryPolicy, type RetryPolicy } from './retry.ts'
import { EnvelopeStream } from './envelope-stream.ts'
import type { EnvelopeStreamTransport, SubscribeOptions } from './envelope-stream-options.ts'
import { UnaryCaller, defaultSleep, type Authenticator, type CallOptions, type Sleep, type UnaryCallOptions } from './unary-call.ts'
import {
  MAX_BATCH_SIZE,
  MAX_PAGE_SIZE,
  checkEnvelope,
  checkPageSize,
  checkTopics,
  normaliseQueryRequest,
  queryRequestFromParams,
  type QueryParams,
} from './validate.ts'
import {
  MESSAGE_API,
  batchQueryRequestToJson,
  parseBatchQueryResponse,
  parseQueryResponse,
  publishRequestToJson,
  queryRequestToJson,
  subscribeRequestToJson,
  WireFormatError,
  type Envelope,
  type IndexCursor,
  type QueryRequest,
  type QueryResponse,
} from '../../wire/message-api.ts'
import { ResponseFormatError } from './errors.ts'
import { parseBoundedPage, type BoundedPage, type BoundedPageOptions } from './bounded-page.ts'
import { equalBytes } from '../../wire/bytes.ts'

function equalCursor(a: IndexCursor, b: IndexCursor): boolean {
  return a.senderTimeNs === b.senderTimeNs && equalBytes(a.digest, b.digest)
}

/** Parley's version; package.json's "version" (a unit test keeps them equal). */
export const PARLEY_VERSION = '0.1.0'
export const DEFAULT_CLIENT_VERSION = `parley/${PARLEY_VERSION}`

export interface PublishOptions extends CallOptions {
  /** Overrides of the client's retry policy for this publish only. */
  retry?: Partial<RetryPolicy>
}

export interface ApiClientOptions {
  /** Base URL of the node's HTTP gateway, e.g. `http://127.0.0.1:5555`. */
  apiUrl: string
  fetch?: FetchFn
  /** Needed to publish to a node that requires auth. */
  authenticator?: Authenticator
  /** X-Client-Version header, `<name>/<version>`. Default `parley/<version>`. */
  clientVersion?: string
  /** X-App-Version header, `<app>/<version>`; not sent when unset. */
  appVersion?: string
  retry?: Partial<RetryPolicy>
  /** Per-request timeout for unary calls (body included). Default 30 s; 0 = none. */
  timeoutMs?: number
  /** How long a token is reused. Default 1 h − 10 s (the node accepts tokens up to 1 h old). */
  tokenTtlMs?: number
  /** Concurrent requests a batchQuery of more than 50 queries may run. Default 3. */
  batchConcurrency?: number
  /** Wall clock in ms (injectable for tests). */
  now?: () => number
  /** Abortable delay (injectable for tests). */
  sleep?: Sleep
  /** Uniform [0, 1) source for backoff jitter (injectable for tests). */
  random?: () => number
}

function checkHeaderValue(value: unknown, label: string): string {
  if (typeof value !== 'string' || !/^[\x21-\x7e][\x20-\x7e]*$/.test(value) || value.length > 200) {
    throw new TypeError(`${label} must be a printable ASCII string of at most 200 characters`)
  }
  return value
}

function checkMs(value: unknown, label: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`${label} must be a non-negative number of milliseconds`)
  return value
}

function checkFunction<T>(value: unknown, label: string): T {
  if (typeof value !== 'function') throw new TypeError(`${label} must be a function`)
  return value as T
}

function wireError(method: string, error: unknown): never {
  if (error instanceof WireFormatError) {
    throw new ResponseFormatError(`${method} failed: malformed answer: ${error.message}`, { method, httpStatus: 200, cause: error })
  }
  throw error
}

export class ApiClient {
  readonly apiUrl: string
  readonly clientVersion: string
  readonly appVersion: string | undefined
  readonly retry: RetryPolicy
  private readonly fetchFn: FetchFn
  private readonly batchConcurrency: number
  private readonly unary: UnaryCaller
  readonly now: () => number
  readonly sleep: Sleep
  readonly random: () => number

  constructor(options: ApiClientOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
    this.apiUrl = normaliseApiUrl(options.apiUrl)
    this.fetchFn = options.fetch === undefined ? (input, init) => globalThis.fetch(input, init) : checkFunction<FetchFn>(options.fetch, 'options.fetch')
    if (options.authenticator !== undefined && typeof options.authenticator?.createToken !== 'function') {
      throw new TypeError('options.authenticator must have a createToken() method')
    }
    this.clientVersion = checkHeaderValue(options.clientVersion ?? DEFAULT_CLIENT_VERSION, 'options.clientVersion')
    this.appVersion = options.appVersion === undefined ? undefined : checkHeaderValue(options.appVersion, 'options.appVersion')
    this.retry = checkRetryPolicy(options.retry ?? DEFAULT_RETRY_POLICY, 'options.retry')
    const timeoutMs = checkMs(options.timeoutMs ?? 30_000, 'options.timeoutMs')
    const tokenTtlMs = checkMs(options.tokenTtlMs ?? 3_590_000, 'options.tokenTtlMs')
    const concurrency = options.batchConcurrency ?? 3
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) throw new RangeError('options.batchConcurrency must be an integer in 1..16')
    this.batchConcurrency = concurrency
    this.now = options.now === undefined ? Date.now : checkFunction(options.now, 'options.now')
    this.sleep = options.sleep === undefined ? defaultSleep : checkFunction(options.sleep, 'options.sleep')
    this.random = options.random === undefined ? Math.random : checkFunction(options.random, 'options.random')
    this.unary = new UnaryCaller({
      apiUrl: this.apiUrl,
      fetch: this.fetchFn,
      authenticator: options.authenticator,
      clientVersion: this.clientVersion,
      appVersion: this.appVersion,
      retry: this.retry,
      timeoutMs,
      tokenTtlMs,
      now: this.now,
      sleep: this.sleep,
      random: this.random,
    })
  }

  // ------------------------------------------------------------ publish

  /**
   * Publishes envelopes in one request (the node stores them in order; an error stops
   * the rest, §13.1). An empty list sends nothing. `options.retry` overrides the client's
   * retry policy for this call only (e.g. `{ maxAttempts: 1 }` where an outbox owns retries).
   */
  async publish(envelopes: Envelope[], options: PublishOptions = {}): Promise<void> {
    if (!Array.isArray(envelopes)) throw new TypeError('envelopes must be an array')
    const checked = envelopes.map((e, i) => checkEnvelope(e, `envelopes[${i}]`))
    if (checked.length === 0) return
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
    if (options.retry !== undefined) {
      if (typeof options.retry !== 'object' || options.retry === null) throw new TypeError('options.retry must be an object')
      checkRetryPolicy({ ...this.retry, ...options.retry }, 'options.retry')
    }
    await this.call('publish', publishRequestToJson({ envelopes: checked }), { ...options, auth: true })
  }

  /** Forgets the cached auth token (e.g. after the identity changed). */
  clearAuthToken(): void {
    this.unary.clearAuthToken()
  }

  // ------------------------------------------------------------ queries

  /** One page of a query: exactly one request (plus retries). Paging is made explicit (ascending by default). */
  async queryPage(request: QueryRequest, options: CallOptions = {}): Promise<QueryResponse> {
    const checked = normaliseQueryRequest(request, 'request')
    const json = await this.call('query', queryRequestToJson(checked), options)
    try {
      return parseQueryResponse(json)
    } catch (error) {
      return wireError('query', error)
    }
  }

  /**
   * One page read under hostile-input bounds (bounded-page.ts): the answer is read up to
   * `maxResponseBytes` (ResponseTooLargeError past it: ask for fewer rows) and envelopes over
   * `maxMessageBytes` are dropped undecoded (counted in `oversized`).
   */
  async queryBoundedPage(request: QueryRequest, bounds: BoundedPageOptions, options: CallOptions = {}): Promise<BoundedPage> {
    const checked = normaliseQueryRequest(request, 'request')
    if (!Number.isSafeInteger(bounds?.maxResponseBytes) || bounds.maxResponseBytes < 1) throw new RangeError('bounds.maxResponseBytes must be a positive integer')
    const json = await this.call('query', queryRequestToJson(checked), { ...options, maxResponseBytes: bounds.maxResponseBytes })
    try {
      return parseBoundedPage(json, bounds.maxMessageBytes)
    } catch (error) {
      return wireError('query', error)
    }
  }

  /** Up to 50 first pages in one batch call under the same bounds (ResponseTooLargeError past the cap). */
  async batchQueryBounded(requests: QueryRequest[], bounds: BoundedPageOptions, options: CallOptions = {}): Promise<BoundedPage[]> {
    if (!Array.isArray(requests) || requests.length > MAX_BATCH_SIZE) throw new RangeError(`requests must be an array of at most ${MAX_BATCH_SIZE} queries`)
    const checked = requests.map((r, i) => normaliseQueryRequest(r, `requests[${i}]`))
    if (checked.length === 0) return []
    const json = await this.call('batchQuery', batchQueryRequestToJson({ requests: checked }), { ...options, maxResponseBytes: bounds.maxResponseBytes })
    try {
      const responses = json !== null && typeof json === 'object' ? (json as { responses?: unknown }).responses : undefined
      if (!Array.isArray(responses) || responses.length !== checked.length) {
        throw new ResponseFormatError(`batchQuery failed: asked ${checked.length} queries, got another number of responses`, { method: 'batchQuery', httpStatus: 200 })
      }
      return responses.map((r, i) => parseBoundedPage(r, bounds.maxMessageBytes, `response.responses[${i}]`))
    } catch (error) {
      return wireError('batchQuery', error)
    }
  }

  /**
   * Pages of envelopes, following the node's cursors until a page comes back short or
   * without a cursor, or `limit` envelopes have been yielded. Empty pages are not yielded.
   */
  async *queryIterator(params: QueryParams): AsyncGenerator<Envelope[], void, undefined> {
    const base = queryRequestFromParams(params)
    const pageSize = params.pageSize === undefined ? MAX_PAGE_SIZE : checkPageSize(params.pageSize, 'params.pageSize')
    let remaining = Infinity
    if (params.limit !== undefined) {
      if (!Number.isInteger(params.limit) || params.limit < 1) throw new RangeError('params.limit must be a positive integer')
      remaining = params.limit
    }
    let cursor: IndexCursor | undefined
    while (remaining > 0) {
      const asked = Math.min(pageSize, remaining)
      const request: QueryRequest = { ...base, pagingInfo: { limit: asked, direction: base.pagingInfo!.direction, ...(cursor ? { cursor } : {}) } }
      const page = await this.queryPage(request, params.signal ? { signal: params.signal } : {})
      const envelopes = page.envelopes.length > remaining ? page.envelopes.slice(0, remaining) : page.envelopes
      remaining -= envelopes.length
      if (envelopes.length > 0) yield envelopes
      const next = page.pagingInfo?.cursor
      if (!next || page.envelopes.length < asked) return
      if (cursor && equalCursor(cursor, next)) {
        throw new ResponseFormatError('query failed: the node returned the same cursor twice', { method: 'query', httpStatus: 200 })
      }
      cursor = next
    }
  }

  /** Every envelope the query matches (up to `limit`), in the query's order. */
  async query(params: QueryParams): Promise<Envelope[]> {
    const out: Envelope[] = []
    for await (const page of this.queryIterator(params)) out.push(...page)
    return out
  }

  /**
   * One page for each request, in request order. Requests are sent 50 to a call (the
   * node's limit, §13.5), at most `batchConcurrency` calls at a time.
   */
  async batchQuery(requests: QueryRequest[], options: CallOptions = {}): Promise<QueryResponse[]> {
    if (!Array.isArray(requests)) throw new TypeError('requests must be an array')
    const checked = requests.map((r, i) => normaliseQueryRequest(r, `requests[${i}]`))
    const chunks: QueryRequest[][] = []
    for (let i = 0; i < checked.length; i += MAX_BATCH_SIZE) chunks.push(checked.slice(i, i + MAX_BATCH_SIZE))
    const results: QueryResponse[][] = new Array(chunks.length)
    let next = 0
    const worker = async () => {
      while (next < chunks.length) {
        const index = next++
        const chunk = chunks[index]!
        const json = await this.call('batchQuery', batchQueryRequestToJson({ requests: chunk }), options)
        let parsed: QueryResponse[]
        try {
          parsed = parseBatchQueryResponse(json).responses
        } catch (error) {
          return wireError('batchQuery', error)
        }
        if (parsed.length !== chunk.length) {
          throw new ResponseFormatError(`batchQuery failed: asked ${chunk.length} queries, got ${parsed.length} responses`, { method: 'batchQuery', httpStatus: 200 })
        }
        results[index] = parsed
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.batchConcurrency, chunks.length) }, worker))
    return results.flat()
  }

  // ------------------------------------------------------------ subscriptions

  /**
   * Subscribes to `topics`. When the promise resolves the subscribe request is on its
   * way and the registration race is covered by gap-fill (see envelope-stream.ts).
   */
  async subscribe(topics: string[], options: SubscribeOptions = {}): Promise<EnvelopeStream> {
    const checked = checkTopics(topics, 'topics')
    const transport: EnvelopeStreamTransport = {
      open: (contentTopics, signal) =>
        this.fetchFn(this.apiUrl + MESSAGE_API.subscribe.path, {
          method: 'POST',
          body: JSON.stringify(subscribeRequestToJson({ contentTopics })),
          headers: this.unary.headers(undefined),
          signal,
        }),
      query: (params) => this.query(params),
      now: this.now,
      sleep: this.sleep,
      random: this.random,
    }
    const stream = new EnvelopeStream(transport, checked, options)
    stream.start()
    return stream
  }

  private call(method: Parameters<UnaryCaller['call']>[0], body: unknown, options: UnaryCallOptions): Promise<unknown> {
    return this.unary.call(method, body, options)
  }


}
