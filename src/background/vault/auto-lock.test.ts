import { describe, expect, it } from 'vitest'
import { MemoryStorageArea } from '../testing/memory-storage.ts'
import { AutoLockDeadline, DEADLINE_KEY, DEFAULT_AUTOLOCK_MINUTES } from './auto-lock.ts'
import { AUTOLOCK_KEY } from './records.ts'

describe('AutoLockDeadline', () => {
  it('moves the deadline by the idle minutes, mirrors it in storage.session, and knows when it passed', async () => {
    let now = 1_000
    const local = new MemoryStorageArea()
    const session = new MemoryStorageArea()
    const deadline = new AutoLockDeadline(local, session, () => now)
    expect(await deadline.minutes()).toBe(DEFAULT_AUTOLOCK_MINUTES)
    await deadline.setMinutes(2)
    expect(await deadline.touch()).toBe(1_000 + 120_000)
    expect(session.items.get(DEADLINE_KEY)).toBe(121_000)
    now = 120_999
    expect(deadline.passed()).toBe(false)
    now = 121_000
    expect(deadline.passed()).toBe(true)
    await deadline.setMinutes(0)
    expect(await deadline.touch()).toBeNull()
    expect(session.items.has(DEADLINE_KEY)).toBe(false)
    expect(deadline.passed()).toBe(false)
  })

  it('refuses minutes outside 0…10080 and ignores a malformed stored value', async () => {
    const local = new MemoryStorageArea()
    const deadline = new AutoLockDeadline(local, new MemoryStorageArea(), () => 0)
    await expect(deadline.setMinutes(-1)).rejects.toThrow(RangeError)
    await expect(deadline.setMinutes(10_081)).rejects.toThrow(/0 to 10080/)
    local.items.set(AUTOLOCK_KEY, 'soon')
    expect(await deadline.minutes()).toBe(DEFAULT_AUTOLOCK_MINUTES)
  })
})
