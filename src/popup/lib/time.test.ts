import { describe, expect, it } from 'vitest'
import { dayLabel, relativeTime } from './time.ts'

const at = (y: number, mo: number, d: number, h = 12, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime()

describe('times as a messenger shows them', () => {
  const now = at(2026, 12, 2, 14, 30)
  it('compact relative times for the list', () => {
    expect(relativeTime(now - 20_000, now)).toBe('now')
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5m')
    expect(relativeTime(at(2026, 12, 2, 9, 0), now)).toBe('5h')
    expect(relativeTime(at(2026, 12, 1, 23, 0), now)).toBe('Yesterday')
    expect(relativeTime(at(2026, 11, 29), now)).toBe('Sun')
    expect(relativeTime(at(2026, 3, 12), now)).toBe('12 Mar')
    expect(relativeTime(at(2024, 3, 12), now)).toBe('12 Mar 2024')
  })
  it('day headers', () => {
    expect(dayLabel(at(2026, 12, 2, 1), now)).toBe('Today')
    expect(dayLabel(at(2026, 12, 1), now)).toBe('Yesterday')
    expect(dayLabel(at(2026, 11, 30), now)).toBe('Monday')
    expect(dayLabel(at(2026, 3, 12), now)).toBe('12 March 2026')
  })
})
