// What a caller can set on an envelope stream (ApiClient.subscribe), the events it reports,
// its reconnect policy, and what it needs from the API client (envelope-stream.ts).
import type { Envelope } from '../../wire/message-api.ts'
import type { Sleep } from './unary-call.ts'
import type { QueryParams } from './validate.ts'

export type EnvelopeStreamStatus = 'connecting' | 'live' | 'reconnecting' | 'closed'

export interface ConnectionLostEvent {
  error: unknown
  /** Consecutive failed connections so far (1 for the first drop after a healthy one). */
  attempt: number
  retryInMs: number
}

export interface ReconnectEvent {
  attempt: number
  /** Envelopes the gap fill found that the stream had not delivered. */
  gapFilled: number
}

export interface ReconnectPolicy {
  initialDelayMs: number
  maxDelayMs: number
  /** A connection that lived this long resets the backoff. */
  healthyAfterMs: number
  /** Consecutive failed connections before the subscription gives up. */
  maxAttempts: number
}

export const DEFAULT_RECONNECT_POLICY: Readonly<ReconnectPolicy> = Object.freeze({
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  healthyAfterMs: 30_000,
  maxAttempts: Infinity,
})

export interface SubscribeOptions {
  /** Aborting it closes the subscription. */
  signal?: AbortSignal
  /**
   * Where the first gap fill starts (minus `skewMs`): e.g. the last sync time a service
   * worker persisted before it was stopped. Default: the moment subscribe() was called.
   */
  since?: Date | bigint
  /** Query for missed envelopes after every (re)connect. Default true. */
  gapFill?: boolean
  /** Gap fills start this far before the resume point (sender clocks differ). Default 10 s. */
  skewMs?: number
  /** Wait this long after connecting before the gap fill, unless a line arrives first. Default 1 s. */
  registrationGraceMs?: number
  /** Message IDs remembered for deduplication. Default 10 000. */
  recentIdsWindow?: number
  reconnect?: Partial<ReconnectPolicy>
  /** Longest stream line accepted. Default 4 MiB (a 1 MiB message is ~1.4 MB of base64). */
  maxLineChars?: number
  onStatus?: (status: EnvelopeStreamStatus) => void
  onConnectionLost?: (event: ConnectionLostEvent) => void
  onReconnect?: (event: ReconnectEvent) => void
}

/** What an EnvelopeStream needs from the client (ApiClient provides it). */
export interface EnvelopeStreamTransport {
  open(topics: string[], signal: AbortSignal): Promise<Response>
  query(params: QueryParams): Promise<Envelope[]>
  now(): number
  sleep: Sleep
  random(): number
}
