import { describe, expect, it } from 'vitest'
import { CommitPacer } from './commit-pacer.ts'

describe('CommitPacer', () => {
  const clock = () => {
    let t = 1_000
    return { now: () => t, advance: (ms: number) => void (t += ms) }
  }

  it('holds after an answer until the answered requests are back, at most a fraction of the commit time', () => {
    const c = clock()
    const pacer = new CommitPacer({ fraction: 0.5, maxHoldMs: 10, now: c.now })
    pacer.sent()
    c.advance(8) // the commit took 8 ms
    pacer.answered(32, 32) // 32 answered, 32 arrived meanwhile
    expect(pacer.holdMs(32)).toBe(4) // half of 8 ms
    c.advance(1)
    expect(pacer.holdMs(50)).toBe(3)
    expect(pacer.holdMs(64)).toBe(0) // everyone is back: no reason to wait
    c.advance(3)
    expect(pacer.holdMs(40)).toBe(0) // the hold is over
  })

  it('never holds longer than maxHoldMs, and not at all before the first answer or after a send', () => {
    const c = clock()
    const pacer = new CommitPacer({ fraction: 0.5, maxHoldMs: 10, now: c.now })
    expect(pacer.holdMs(1)).toBe(0)
    pacer.sent()
    c.advance(100) // a very slow disk
    pacer.answered(8, 0)
    expect(pacer.holdMs(1)).toBe(10)
    pacer.sent()
    expect(pacer.holdMs(1)).toBe(0)
  })

  it('holds almost nothing when commits are fast', () => {
    const c = clock()
    const pacer = new CommitPacer({ fraction: 0.5, maxHoldMs: 10, now: c.now })
    pacer.sent()
    c.advance(0.2)
    pacer.answered(4, 4)
    expect(pacer.holdMs(4)).toBeCloseTo(0.1)
  })
})
