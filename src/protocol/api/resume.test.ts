import { describe, expect, it } from 'vitest'
import { RecentIds, ResumePoints } from './resume.ts'

describe('RecentIds', () => {
  it('remembers keys up to its capacity and forgets the oldest first', () => {
    const ids = new RecentIds(2)
    expect(ids.add('a')).toBe(true)
    expect(ids.add('a')).toBe(false)
    expect(ids.add('b')).toBe(true)
    expect(ids.add('c')).toBe(true) // evicts a
    expect(ids.size).toBe(2)
    expect(ids.add('b')).toBe(false)
    expect(ids.add('a')).toBe(true)
    expect(() => new RecentIds(0)).toThrow(RangeError)
  })
})

describe('ResumePoints', () => {
  it('starts every topic at the subscription start unless given its own start', () => {
    const points = new ResumePoints(1000n)
    points.add('late', 5000n)
    expect(points.from('early')).toBe(1000n)
    expect(points.from('late')).toBe(5000n)
    expect([...points.fillGroups(['early', 'late', 'other'], 300n)]).toEqual([
      [700n, ['early', 'other']],
      [4700n, ['late']],
    ])
    expect([...points.fillGroups(['early'], 2000n)]).toEqual([[0n, ['early']]])
  })

  it('advances only on commit, never backwards, and never past the local clock', () => {
    const points = new ResumePoints(1000n)
    points.saw('t', 3000n)
    points.saw('t', 2000n)
    expect(points.from('t')).toBe(1000n)
    points.commit(10_000n)
    expect(points.from('t')).toBe(3000n)
    points.saw('u', 99_999n) // a sender clock far ahead
    points.commit(10_000n)
    expect(points.from('u')).toBe(10_000n)
    points.remove('t')
    expect(points.from('t')).toBe(1000n)
  })
})
