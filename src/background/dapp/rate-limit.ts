// A token bucket per origin: a site may burst `capacity` requests, then `refillPerSecond`.
// Over the limit a call gets -32005 at once, before any work is done. Buckets of sites that
// went quiet are dropped so the map cannot grow without bound.
import { providerErrors } from '../../extension/dapp-visible.ts'

export interface RateLimitOptions {
  capacity: number
  refillPerSecond: number
  now?: () => number
  /** Most origins tracked at once (the quietest go first). */
  maxOrigins?: number
}

interface Bucket {
  tokens: number
  at: number
}

export class OriginRateLimiter {
  readonly #capacity: number
  readonly #refill: number
  readonly #now: () => number
  readonly #maxOrigins: number
  readonly #buckets = new Map<string, Bucket>()

  constructor(options: RateLimitOptions) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) throw new RangeError('capacity must be ≥ 1 and refillPerSecond > 0')
    this.#capacity = options.capacity
    this.#refill = options.refillPerSecond
    this.#now = options.now ?? Date.now
    this.#maxOrigins = options.maxOrigins ?? 1000
  }

  /** Takes one token for the origin or throws -32005. */
  take(origin: string): void {
    const now = this.#now()
    const bucket = this.#buckets.get(origin) ?? { tokens: this.#capacity, at: now }
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.#refill)
    bucket.at = now
    // Re-insert so the map's order is least recently used first.
    this.#buckets.delete(origin)
    this.#buckets.set(origin, bucket)
    if (this.#buckets.size > this.#maxOrigins) this.#buckets.delete(this.#buckets.keys().next().value as string)
    if (bucket.tokens < 1) throw providerErrors.rateLimited()
    bucket.tokens -= 1
  }
}

/** Parley's default: bursts of 60 requests, 20 per second after that. */
export const DEFAULT_DAPP_RATE_LIMIT = { capacity: 60, refillPerSecond: 20 } as const
