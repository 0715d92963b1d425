// Per-client token buckets (spec §13.8), with two deliberate differences from node-go:
// - Refill is continuous (tokens accrue per millisecond). node-go adds whole minutes only and
//   resets its clock on every spend, so a client calling more than once a minute never
//   refills; continuous refill gives the advertised rate.
// - The bucket map is bounded: least recently used buckets are evicted first. An evicted bucket
//   is idle by then and usually full again, so eviction rarely forgives anything.

export interface BucketLimit {
  /** Tokens added per minute. */
  perMinute: number
  /** Bucket size: the largest burst. */
  burst: number
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number; message: string }

interface Bucket {
  tokens: number
  updatedMs: number
}

export class TokenBucketLimiter {
  readonly name: string
  readonly limit: BucketLimit
  private readonly maxKeys: number
  private readonly buckets = new Map<string, Bucket>()

  constructor(name: string, limit: BucketLimit, options: { maxKeys?: number } = {}) {
    if (!(limit.perMinute > 0) || !Number.isFinite(limit.perMinute)) throw new RangeError(`${name} perMinute must be a positive number`)
    if (!(limit.burst >= 1) || !Number.isFinite(limit.burst)) throw new RangeError(`${name} burst must be at least 1`)
    this.name = name
    this.limit = limit
    this.maxKeys = options.maxKeys ?? 100_000
    if (!(this.maxKeys >= 1)) throw new RangeError('maxKeys must be at least 1')
  }

  /**
   * Spends `cost` tokens of `key`'s bucket, or says how long to wait. `needed` is what the
   * refused request will need in the bucket at once when it is retried (default `cost`): more
   * than `cost` when part of the request was paid earlier and will be paid again.
   */
  take(key: string, cost: number, nowMs = Date.now(), needed = cost): TakeResult {
    const ratePerMs = this.limit.perMinute / 60_000
    let bucket = this.buckets.get(key)
    if (bucket) {
      this.buckets.delete(key) // re-inserted below: Map order is LRU order
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + Math.max(0, nowMs - bucket.updatedMs) * ratePerMs)
      bucket.updatedMs = nowMs
    } else {
      bucket = { tokens: this.limit.burst, updatedMs: nowMs }
    }
    this.buckets.set(key, bucket)
    this.evict()
    if (cost <= bucket.tokens) {
      bucket.tokens -= cost
      return { ok: true }
    }
    // A cost above the bucket size can never pass; the wait then is for a full bucket.
    const missing = Math.min(Math.max(cost, needed), this.limit.burst) - bucket.tokens
    const retryAfterSeconds = Math.max(1, Math.ceil(missing / ratePerMs / 1000))
    const message =
      cost > this.limit.burst
        ? `${cost} exceeds rate limit ${this.name}: at most ${this.limit.burst} per request`
        : `${cost} exceeds rate limit ${this.name}`
    return { ok: false, retryAfterSeconds, message }
  }

  /** Whole seconds until `key`'s bucket holds `tokens` (0 when it does now); takes nothing. */
  waitSeconds(key: string, tokens: number, nowMs = Date.now()): number {
    const bucket = this.buckets.get(key)
    const ratePerMs = this.limit.perMinute / 60_000
    const held = bucket ? Math.min(this.limit.burst, bucket.tokens + Math.max(0, nowMs - bucket.updatedMs) * ratePerMs) : this.limit.burst
    const missing = Math.min(tokens, this.limit.burst) - held
    return missing <= 0 ? 0 : Math.max(1, Math.ceil(missing / ratePerMs / 1000))
  }

  get size(): number {
    return this.buckets.size
  }

  private evict(): void {
    while (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value as string
      this.buckets.delete(oldest)
    }
  }
}

export interface RateLimits {
  /** Every API call (streams count once when opened, batch queries per query). */
  default: BucketLimit
  /** Publish, per envelope. */
  publish: BucketLimit
}

/** 2025 node-go figures (spec §13.8). */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  default: { perMinute: 4_000, burst: 20_000 },
  publish: { perMinute: 600, burst: 3_000 },
}
