import { describe, expect, it } from 'vitest'
import { coalesce } from './coalesced-task.ts'

function manualTimers() {
  const pending = new Map<number, () => void>()
  let next = 1
  return {
    pending,
    options: {
      setTimeout: (fn: () => void) => {
        const id = next++
        pending.set(id, fn)
        return id
      },
      clearTimeout: (id: unknown) => void pending.delete(id as number),
    },
    fire() {
      const due = [...pending]
      pending.clear()
      for (const [, fn] of due) fn()
    },
  }
}

describe('coalesce', () => {
  it('runs once per window however many requests arrive in it', () => {
    const timers = manualTimers()
    let runs = 0
    const task = coalesce(() => runs++, 300, timers.options)
    for (let i = 0; i < 1000; i++) task.request()
    expect(timers.pending.size).toBe(1)
    expect(runs).toBe(0)
    timers.fire()
    expect(runs).toBe(1)
    task.request()
    timers.fire()
    expect(runs).toBe(2)
  })

  it('drops a pending run on cancel, and a later request starts a new window', () => {
    const timers = manualTimers()
    let runs = 0
    const task = coalesce(() => runs++, 300, timers.options)
    task.request()
    task.cancel()
    expect(timers.pending.size).toBe(0)
    timers.fire()
    expect(runs).toBe(0)
    task.request()
    timers.fire()
    expect(runs).toBe(1)
  })

  it('checks its inputs', () => {
    expect(() => coalesce(undefined as never, 1)).toThrow(/run must be a function/)
    expect(() => coalesce(() => {}, -1)).toThrow(/delayMs/)
  })
})
