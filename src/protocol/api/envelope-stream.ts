// A live subscription to content topics (EnvelopeStream; options and events in
// envelope-stream-options.ts) over POST /message/v1/subscribe (§12.4,
// §13.6), as an async iterable of envelopes that survives dropped connections.
//
// Design:
// - Streams deliver nothing historical, and over HTTP a client cannot see when the
//   node has registered the subscription: the gateway sends its response headers only
//   with the first envelope. So `ApiClient.subscribe()` resolves once the request is
//   issued, and every connection is followed by a GAP FILL: a query per topic,
//   ascending, from the last envelope seen on it (or from the subscription's start
//   time) minus `skewMs`. It runs after `registrationGraceMs`, or at once when the
//   first line arrives (proof of registration). Anything published after subscribe()
//   resolved therefore reaches the consumer, by the stream or by the fill.
//   (Ephemeral topics, `mE-`/`dmE-`, are not stored by the node and cannot be filled.)
// - Envelopes are deduplicated by topic + message ID (hex SHA-256 of the message
//   bytes, §14 item 17) within a bounded window of recent IDs, so stream/fill overlap
//   is invisible. The same bytes on two topics (V1 intro + dm) are two envelopes.
// - A drop (stream ended, broke off, error line, fill failed) reconnects with capped
//   exponential backoff with jitter; the backoff resets once a connection lived
//   `healthyAfterMs`. 4xx answers other than 429 end the subscription with the error.
// - Liveness: `status`, `lastActivityAt` and the onStatus/onConnectionLost/onReconnect
//   callbacks. In an MV3 service worker stream data does not keep the worker alive
//   (../shared/notes/mv3-worker.md), so the caller keeps it alive and may call
//   `reconnect()` when it suspects a dead connection.
// - Resume points advance only after a connection's fill succeeded, so a connection
//   that dropped before filling never hides a gap; they are clamped to the local clock
//   so a sender with a clock in the future cannot push them ahead.

import { sha256 } from '@noble/hashes/sha2.js'
import { toHex } from '../../wire/bytes.ts'
import { EnvelopeStreamError, NetworkError, ResponseFormatError, redact } from './errors.ts'
import { errorFromResponse } from './http.ts'
import { readLines } from './ndjson.ts'
import { RecentIds, ResumePoints } from './resume.ts'
import { backoffDelay } from './retry.ts'
import { MAX_BATCH_SIZE, checkTopics, toNs } from './validate.ts'
import { parseStreamLine, type Envelope } from '../../wire/message-api.ts'
import {
  DEFAULT_RECONNECT_POLICY,
  type EnvelopeStreamStatus,
  type EnvelopeStreamTransport,
  type ReconnectPolicy,
  type SubscribeOptions,
} from './envelope-stream-options.ts'
import { shouldReconnect, streamLineError } from './envelope-stream-errors.ts'

function checkNonNegative(value: unknown, label: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw new RangeError(`${label} must be a non-negative number`)
  return value
}

const NS_PER_MS = 1_000_000n

/** Why the loop aborted a connection itself. */
type Restart = 'topics' | 'manual'

export class EnvelopeStream implements AsyncIterableIterator<Envelope> {
  private topics: string[]
  private topicSet: Set<string>
  private readonly resume: ResumePoints
  private readonly recent: RecentIds
  private readonly queue: Envelope[] = []
  /** Pending next() calls, oldest first (callers may ask again before an answer). */
  private readonly waiters: { resolve: (r: IteratorResult<Envelope>) => void; reject: (e: unknown) => void }[] = []
  private failure: { error: unknown } | undefined
  private state: EnvelopeStreamStatus = 'connecting'
  private connection: AbortController | undefined
  private wake: AbortController | undefined
  private restart: Restart | undefined
  private running: Promise<void> | undefined
  private readonly options: Required<Pick<SubscribeOptions, 'gapFill' | 'skewMs' | 'registrationGraceMs' | 'maxLineChars'>>
  private readonly policy: ReconnectPolicy
  /** Wall-clock ms of the last stream line or connection start. */
  lastActivityAt: number

  constructor(
    private readonly transport: EnvelopeStreamTransport,
    topics: string[],
    private readonly callbacks: SubscribeOptions = {},
  ) {
    if (typeof callbacks !== 'object' || callbacks === null) throw new TypeError('options must be an object')
    this.topics = [...new Set(checkTopics(topics, 'topics'))]
    this.topicSet = new Set(this.topics)
    this.options = {
      gapFill: callbacks.gapFill ?? true,
      skewMs: checkNonNegative(callbacks.skewMs ?? 10_000, 'options.skewMs'),
      registrationGraceMs: checkNonNegative(callbacks.registrationGraceMs ?? 1_000, 'options.registrationGraceMs'),
      maxLineChars: checkNonNegative(callbacks.maxLineChars ?? 4 * 1024 * 1024, 'options.maxLineChars'),
    }
    const window = callbacks.recentIdsWindow ?? 10_000
    if (!Number.isInteger(window) || window < 1) throw new RangeError('options.recentIdsWindow must be a positive integer')
    this.recent = new RecentIds(window)
    this.policy = { ...DEFAULT_RECONNECT_POLICY, ...callbacks.reconnect }
    for (const key of ['initialDelayMs', 'maxDelayMs', 'healthyAfterMs', 'maxAttempts'] as const) {
      checkNonNegative(this.policy[key], `options.reconnect.${key}`)
    }
    for (const key of ['onStatus', 'onConnectionLost', 'onReconnect'] as const) {
      if (callbacks[key] !== undefined && typeof callbacks[key] !== 'function') throw new TypeError(`options.${key} must be a function`)
    }
    this.lastActivityAt = transport.now()
    this.resume = new ResumePoints(callbacks.since === undefined ? this.nowNs() : toNs(callbacks.since, 'options.since'))
  }

  private isClosed(): boolean {
    return this.state === 'closed'
  }

  get status(): EnvelopeStreamStatus {
    return this.state
  }

  /** The topics currently subscribed. */
  get contentTopics(): readonly string[] {
    return this.topics
  }

  /** Starts the connection loop (called once by ApiClient.subscribe). */
  start(): void {
    if (this.running) return
    const signal = this.callbacks.signal
    if (signal?.aborted) {
      this.close()
      return
    }
    signal?.addEventListener('abort', () => this.close(), { once: true })
    this.running = this.run().catch((error) => this.fail(error))
  }

  // ---------------------------------------------------------- iteration

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<Envelope>> {
    const value = this.queue.shift()
    if (value) return Promise.resolve({ value, done: false })
    if (this.failure) {
      const { error } = this.failure
      this.failure = { error: undefined }
      if (error !== undefined) return Promise.reject(error)
    }
    if (this.state === 'closed') return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject })
    })
  }

  async return(): Promise<IteratorResult<Envelope>> {
    await this.close()
    return { value: undefined, done: true }
  }

  /** Ends the subscription: aborts the request, ends the iterator. Idempotent. */
  async close(): Promise<void> {
    if (this.state !== 'closed') {
      this.queue.length = 0
      this.setStatus('closed')
      this.connection?.abort()
      this.wake?.abort()
      for (const waiter of this.waiters.splice(0)) waiter.resolve({ value: undefined, done: true })
    }
    await this.running
  }

  /**
   * Replaces the topic set: aborts the current request and subscribes again at once.
   * An added topic's gap fill starts at `options.since`, by default where the
   * subscription started, so a conversation found mid-stream (from an invite) yields
   * every message sent to it since then.
   */
  updateTopics(topics: string[], options: { since?: Date | bigint } = {}): void {
    const next = [...new Set(checkTopics(topics, 'topics'))]
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
    const since = options.since === undefined ? undefined : toNs(options.since, 'options.since')
    if (this.state === 'closed') throw new EnvelopeStreamError('closed', 'the envelope stream is closed')
    if (next.length === this.topics.length && next.every((t) => this.topicSet.has(t))) return
    for (const t of next) if (!this.topicSet.has(t) && since !== undefined) this.resume.add(t, since)
    for (const t of this.topics) if (!next.includes(t)) this.resume.remove(t)
    this.topics = next
    this.topicSet = new Set(next)
    this.interrupt('topics')
  }

  /** Drops the current connection and reconnects now (with a gap fill), e.g. after a suspected dead stream. */
  reconnect(): void {
    if (this.state === 'closed') throw new EnvelopeStreamError('closed', 'the envelope stream is closed')
    this.interrupt('manual')
  }

  private interrupt(reason: Restart): void {
    this.restart = reason
    this.connection?.abort()
    this.wake?.abort()
  }

  // ---------------------------------------------------------- delivery

  private deliver(envelope: Envelope): boolean {
    if (this.state === 'closed' || !this.topicSet.has(envelope.contentTopic)) return false
    if (!this.recent.add(envelope.contentTopic + '\n' + toHex(sha256(envelope.message)))) return false
    this.resume.saw(envelope.contentTopic, envelope.timestampNs)
    const waiter = this.waiters.shift()
    if (waiter) {
      waiter.resolve({ value: envelope, done: false })
    } else {
      this.queue.push(envelope)
    }
    return true
  }

  private fail(error: unknown): void {
    if (this.state === 'closed') return
    this.setStatus('closed')
    this.connection?.abort()
    const [first, ...rest] = this.waiters.splice(0)
    if (first) {
      first.reject(error)
      for (const waiter of rest) waiter.resolve({ value: undefined, done: true })
    } else {
      this.failure = { error }
    }
  }

  private setStatus(status: EnvelopeStreamStatus): void {
    if (this.state === status) return
    this.state = status
    this.notify(() => this.callbacks.onStatus?.(status))
  }

  /** A listener's exception must not break the stream (and the library never logs). */
  private notify(call: () => void): void {
    try {
      call()
    } catch {
      // ignored on purpose
    }
  }

  // ---------------------------------------------------------- connection loop

  private async run(): Promise<void> {
    let failures = 0
    let afterDrop = false
    while (this.state !== 'closed') {
      const controller = new AbortController()
      this.connection = controller
      const openedAt = this.transport.now()
      this.lastActivityAt = openedAt
      const topics = [...this.topics]
      let filled = false
      let firstLine!: () => void
      const sawLine = new Promise<void>((resolve) => (firstLine = resolve))

      const stream = this.readStream(topics, controller.signal, () => firstLine())
      const fill = (async () => {
        await Promise.race([sawLine, this.transport.sleep(this.options.registrationGraceMs, controller.signal)])
        const found = await this.fillGap(topics, controller.signal)
        // An interrupted fill proves nothing: the resume points must not move.
        if (controller.signal.aborted) return
        filled = true
        this.setStatus('live')
        if (afterDrop) {
          afterDrop = false
          this.notify(() => this.callbacks.onReconnect?.({ attempt: failures, gapFilled: found }))
        }
      })()
      let error: unknown
      try {
        await new Promise<void>((_, reject) => {
          stream.then(() => reject(new NetworkError('subscribe stream closed by the node', { method: 'subscribe', httpStatus: 200 })), reject)
          fill.catch(reject)
        })
      } catch (e) {
        error = e
      }
      controller.abort()
      await Promise.allSettled([stream, fill])
      if (filled) this.resume.commit(this.nowNs())
      if (this.isClosed()) return

      const restart = this.restart
      this.restart = undefined
      if (restart) {
        // Our own abort (new topics, or reconnect()): go again at once, no backoff.
        if (restart === 'manual') this.setStatus('reconnecting')
        continue
      }
      if (!shouldReconnect(error)) throw error
      if (this.transport.now() - openedAt >= this.policy.healthyAfterMs) failures = 0
      failures++
      if (failures > this.policy.maxAttempts) throw error
      const delay = backoffDelay(failures - 1, this.policy.initialDelayMs, this.policy.maxDelayMs, this.transport.random)
      afterDrop = true
      this.setStatus('reconnecting')
      this.notify(() => this.callbacks.onConnectionLost?.({ error, attempt: failures, retryInMs: delay }))
      const wake = new AbortController()
      this.wake = wake
      try {
        await this.transport.sleep(delay, wake.signal)
      } catch {
        // woken early by close(), updateTopics() or reconnect()
      }
      this.restart = undefined
    }
  }

  /** Reads one connection until it ends; rejects with a typed error on failure. */
  private async readStream(topics: string[], signal: AbortSignal, onLine: () => void): Promise<void> {
    let response: Response
    try {
      response = await this.transport.open(topics, signal)
    } catch (error) {
      if (signal.aborted) return
      const why = (error as { cause?: { code?: unknown } })?.cause?.code ?? (error instanceof Error ? error.message : String(error))
      throw new NetworkError(`subscribe failed: no answer from the node (${redact(String(why))})`, { method: 'subscribe', cause: error })
    }
    if (!response.ok) throw await errorFromResponse(response, 'subscribe', this.transport.now())
    if (!response.body) throw new ResponseFormatError('subscribe failed: the answer has no body', { method: 'subscribe', httpStatus: response.status })
    for await (const line of readLines(response.body, this.options.maxLineChars, signal)) {
      if (signal.aborted) return
      this.lastActivityAt = this.transport.now()
      onLine()
      let envelope: Envelope | undefined
      try {
        envelope = parseStreamLine(line)
      } catch (error) {
        throw streamLineError(line, error)
      }
      if (envelope) this.deliver(envelope)
    }
  }

  /** Queries each topic from its resume point; returns how many new envelopes it delivered. */
  private async fillGap(topics: string[], signal: AbortSignal): Promise<number> {
    if (!this.options.gapFill) return 0
    const skewNs = BigInt(Math.floor(this.options.skewMs)) * NS_PER_MS
    // Topics that share a start (typically all the quiet ones) share a query.
    const groups = this.resume.fillGroups(topics, skewNs)
    let found = 0
    for (const [from, group] of groups) {
      for (let i = 0; i < group.length; i += MAX_BATCH_SIZE) {
        if (signal.aborted) return found
        const envelopes = await this.transport.query({ contentTopics: group.slice(i, i + MAX_BATCH_SIZE), startTime: from, direction: 'ascending', signal })
        for (const envelope of envelopes) if (this.deliver(envelope)) found++
      }
    }
    return found
  }

  private nowNs(): bigint {
    return BigInt(Math.floor(this.transport.now())) * NS_PER_MS
  }
}
