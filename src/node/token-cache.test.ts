import { describe, expect, it } from 'vitest'
import { cachingVerifier } from './token-cache.ts'

describe('cachingVerifier', () => {
  const HOUR = 3_600_000_000_000n
  function counting() {
    const calls: string[] = []
    const verify = (token: string, nowNs: bigint) => {
      calls.push(token)
      if (token === 'bad') throw new Error('validating token: invalid auth data signature')
      const createdNs = 1_000n
      if (nowNs - createdNs > HOUR) throw new Error('validating token: token expired')
      return { walletAddress: `0xW-${token}`, createdNs }
    }
    return { calls, verify }
  }

  it('verifies a token once and answers from the cache while it is fresh', () => {
    const { calls, verify } = counting()
    const cached = cachingVerifier(verify, { maxAgeNs: HOUR })
    expect(cached('a', 2_000n)).toBe('0xW-a')
    expect(cached('a', 3_000n)).toBe('0xW-a')
    expect(calls).toEqual(['a'])
  })

  it('re-verifies once the cached token is older than the limit, so the real error comes out', () => {
    const { calls, verify } = counting()
    const cached = cachingVerifier(verify, { maxAgeNs: HOUR })
    cached('a', 2_000n)
    expect(() => cached('a', 1_000n + HOUR + 1n)).toThrow('validating token: token expired')
    expect(calls).toEqual(['a', 'a'])
    expect(cached.size).toBe(0)
  })

  it('never caches failures', () => {
    const { calls, verify } = counting()
    const cached = cachingVerifier(verify, { maxAgeNs: HOUR })
    expect(() => cached('bad', 2_000n)).toThrow(/invalid auth data signature/)
    expect(() => cached('bad', 2_000n)).toThrow(/invalid auth data signature/)
    expect(calls).toEqual(['bad', 'bad'])
  })

  it('stays within its size bound', () => {
    const { verify } = counting()
    const cached = cachingVerifier(verify, { maxAgeNs: HOUR, maxEntries: 2 })
    for (const t of ['a', 'b', 'c', 'd']) cached(t, 2_000n)
    expect(cached.size).toBe(2)
  })
})
