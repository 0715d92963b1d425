// When and how long to wait before trying a request again. Transient failures (no
// answer, 5xx, 429) are retried a few times with capped exponential backoff and
// jitter; a 429's Retry-After is honoured up to a cap. Every other 4xx is the
// caller's problem and is never retried (xmtp-js retries everything, 429s included,
// 100 ms apart — which only deepens a rate limit).

import { ApiError, GrpcCode, NetworkError, RateLimitedError } from './errors.ts'

export interface RetryPolicy {
  /** Total attempts including the first (1 = never retry). Default 4. */
  maxAttempts: number
  /** Backoff before the first retry. Default 250 ms. */
  baseDelayMs: number
  /** Cap on a single backoff. Default 5 s. */
  maxDelayMs: number
  /** Longest Retry-After the client will wait out; a longer one surfaces the RateLimitedError. Default 30 s. */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
})

export function checkRetryPolicy(input: Partial<RetryPolicy> | undefined, label = 'retry'): RetryPolicy {
  if (input !== undefined && (typeof input !== 'object' || input === null)) throw new TypeError(`${label} must be an object`)
  const policy = { ...DEFAULT_RETRY_POLICY, ...input }
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1 || policy.maxAttempts > 20) {
    throw new RangeError(`${label}.maxAttempts must be an integer in 1..20`)
  }
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    const v = policy[key]
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`${label}.${key} must be a non-negative number of milliseconds`)
  }
  return policy
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so
 * retries of many clients spread out but never collapse to zero.
 * `attempt` counts from 0 (the wait before the first retry).
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(step / 2 + (random() * step) / 2)
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3) → ms, or undefined. */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined
  const text = header.trim()
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowMs)
}

/**
 * How long to wait before retrying after `error`, or undefined if it must not be
 * retried. `attempt` is the number of the retry about to happen, from 0.
 */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy, random?: () => number): number | undefined {
  if (attempt + 1 >= policy.maxAttempts) return undefined
  const backoff = backoffDelay(attempt, policy.baseDelayMs, policy.maxDelayMs, random)
  if (error instanceof RateLimitedError) {
    if (error.retryAfterMs === undefined) return backoff
    return error.retryAfterMs <= policy.maxRetryAfterMs ? error.retryAfterMs : undefined
  }
  return isTransient(error) ? backoff : undefined
}

/** No answer, or an answer that says "try again later". */
export function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof RateLimitedError) return true
  if (!(error instanceof ApiError)) return false
  if (error.code === GrpcCode.UNIMPLEMENTED) return false
  return (
    error.httpStatus >= 500 ||
    error.code === GrpcCode.UNAVAILABLE ||
    error.code === GrpcCode.INTERNAL ||
    error.code === GrpcCode.DEADLINE_EXCEEDED
  )
}
