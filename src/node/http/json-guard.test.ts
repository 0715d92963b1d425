import { describe, expect, it } from 'vitest'
import { JsonGuard, type JsonGuardLimits } from './json-guard.ts'

const LIMITS: JsonGuardLimits = { maxDepth: 4, maxValues: 20, maxStringBytes: 10 }

/** Feeds `text` in chunks of `size` bytes; returns the error message or undefined. */
function check(text: string, size = 3, limits = LIMITS): string | undefined {
  const bytes = Buffer.from(text)
  const guard = new JsonGuard(limits)
  try {
    for (let i = 0; i < bytes.length; i += size) guard.feed(bytes.subarray(i, i + size))
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

describe('JsonGuard', () => {
  it('passes ordinary bodies whatever the chunking', () => {
    const body = '{"contentTopics":["a","b\\"c"],"pagingInfo":{"limit":5,"x":[true,null,-1.5e3]}}'
    for (const size of [1, 2, 7, 1000]) expect(check(body, size, { maxDepth: 3, maxValues: 14, maxStringBytes: 13 })).toBeUndefined()
  })

  it('refuses nesting past the depth limit, ignoring brackets inside strings', () => {
    expect(check('[[[[1]]]]')).toBeUndefined()
    expect(check('[[[[[1]]]]]')).toMatch(/nests deeper than 4 levels/)
    expect(check('["[[[[[[[["]')).toBeUndefined()
    expect(check('['.repeat(1_000_000), 65_536)).toMatch(/nests deeper/)
  })

  it('counts values (keys, strings, numbers, literals, containers) and refuses too many', () => {
    expect(check(`[${Array(19).fill('1').join(',')}]`)).toBeUndefined() // 1 array + 19 numbers
    expect(check(`[${Array(20).fill('1').join(',')}]`)).toMatch(/more than 20 JSON values/)
    expect(check(`[${Array(20).fill('12345').join(' , ')}]`, 2)).toMatch(/more than 20 JSON values/) // numbers split across chunks count once
  })

  it('refuses a string longer than the limit, counting escapes split across chunks', () => {
    expect(check('"0123456789"')).toBeUndefined()
    expect(check('"0123456789a"')).toMatch(/string is longer than 10 bytes/)
    expect(check('"01234567\\"8"', 1)).toMatch(/longer than 10/) // 11 bytes with the escape
    expect(check('{"k":"\\\\"}', 1)).toBeUndefined() // an escaped backslash ends before the quote
  })
})
