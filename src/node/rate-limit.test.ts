import { describe, expect, it } from 'vitest'
import { TokenBucketLimiter } from './rate-limit.ts'

describe('TokenBucketLimiter', () => {
  it('allows a burst, then refuses with a Retry-After that matches the refill rate', () => {
    const limiter = new TokenBucketLimiter('PUB', { perMinute: 60, burst: 3 })
    for (let i = 0; i < 3; i++) expect(limiter.take('a', 1, 0).ok).toBe(true)
    const refused = limiter.take('a', 1, 0)
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 1, message: '1 exceeds rate limit PUB' })
  })

  it('refills continuously, not by whole minutes', () => {
    const limiter = new TokenBucketLimiter('DEF', { perMinute: 60, burst: 2 })
    expect(limiter.take('a', 2, 0).ok).toBe(true)
    expect(limiter.take('a', 1, 500).ok).toBe(false) // half a token after 0.5 s
    expect(limiter.take('a', 1, 1_000).ok).toBe(true) // one token after 1 s
    expect(limiter.take('a', 1, 1_200).ok).toBe(false)
  })

  it('never refills beyond the burst', () => {
    const limiter = new TokenBucketLimiter('DEF', { perMinute: 60_000, burst: 5 })
    expect(limiter.take('a', 5, 0).ok).toBe(true)
    expect(limiter.take('a', 6, 3_600_000).ok).toBe(false)
    expect(limiter.take('a', 5, 3_600_000).ok).toBe(true)
  })

  it('keeps clients apart', () => {
    const limiter = new TokenBucketLimiter('DEF', { perMinute: 1, burst: 1 })
    expect(limiter.take('a', 1, 0).ok).toBe(true)
    expect(limiter.take('a', 1, 0).ok).toBe(false)
    expect(limiter.take('b', 1, 0).ok).toBe(true)
  })

  it('reports a cost above the burst as never satisfiable in one request', () => {
    const limiter = new TokenBucketLimiter('PUB', { perMinute: 600, burst: 10 })
    const refused = limiter.take('a', 11, 0)
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.message).toBe('11 exceeds rate limit PUB: at most 10 per request')
  })

  it('computes Retry-After in whole seconds, rounded up', () => {
    const limiter = new TokenBucketLimiter('PUB', { perMinute: 6, burst: 1 }) // one token per 10 s
    limiter.take('a', 1, 0)
    const refused = limiter.take('a', 1, 2_500)
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 8 })
  })

  it('says when a request that paid part of its cost earlier would pass as a whole', () => {
    const limiter = new TokenBucketLimiter('PUB', { perMinute: 600, burst: 100 }) // 10 per second
    expect(limiter.take('a', 100, 0).ok).toBe(true)
    // 1 s later: 10 tokens. A 100-envelope publish paid 1 at admission; 99 more are short, and
    // its retry will pay all 100 again: 9 s more, not the 9.9 s of the 99 alone… nor 1 s.
    expect(limiter.take('a', 1, 1_000).ok).toBe(true)
    expect(limiter.take('a', 99, 1_000, 100)).toMatchObject({ ok: false, retryAfterSeconds: 10 })
    expect(limiter.waitSeconds('a', 100, 1_000)).toBe(10)
    expect(limiter.waitSeconds('a', 100, 11_000)).toBe(0)
    expect(limiter.take('a', 100, 11_000).ok).toBe(true)
    expect(limiter.waitSeconds('fresh', 100, 0)).toBe(0)
  })

  it('bounds the bucket map by evicting the least recently used bucket', () => {
    const limiter = new TokenBucketLimiter('DEF', { perMinute: 1, burst: 1 }, { maxKeys: 2 })
    limiter.take('a', 1, 0)
    limiter.take('b', 1, 0)
    limiter.take('a', 1, 0) // a is now the most recent (and empty)
    limiter.take('c', 1, 0) // evicts b
    expect(limiter.size).toBe(2)
    expect(limiter.take('a', 1, 0).ok).toBe(false) // a kept its empty bucket
    expect(limiter.take('b', 1, 0).ok).toBe(true) // b starts over
  })

  it('rejects nonsense limits', () => {
    expect(() => new TokenBucketLimiter('X', { perMinute: 0, burst: 1 })).toThrow(RangeError)
    expect(() => new TokenBucketLimiter('X', { perMinute: 1, burst: 0 })).toThrow(/burst/)
  })
})
