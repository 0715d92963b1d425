import { describe, expect, it } from 'vitest'
import { Keepalive } from './keepalive.ts'

function manualTimers() {
  const timers = new Map<number, () => void>()
  let next = 0
  return {
    timers,
    setInterval: (fn: () => void) => {
      timers.set(++next, fn)
      return next
    },
    clearInterval: (h: unknown) => void timers.delete(h as number),
    tick: () => [...timers.values()].forEach((fn) => fn()),
  }
}

describe('Keepalive', () => {
  it('pings while any hold is open and stops with the last release', async () => {
    const t = manualTimers()
    let pings = 0
    const k = new Keepalive({ ping: async () => void pings++, ...t })
    const a = k.hold('popup')
    const b = k.hold('stream')
    expect(t.timers.size).toBe(1)
    t.tick()
    t.tick()
    expect(pings).toBe(2)
    a()
    a()
    expect(k.active).toBe(true)
    expect(k.reasons()).toEqual(['stream'])
    b()
    expect(k.active).toBe(false)
    expect(t.timers.size).toBe(0)
  })

  it('survives a failing ping', () => {
    const t = manualTimers()
    const k = new Keepalive({ ping: async () => Promise.reject(new Error('context invalidated')), ...t })
    k.hold('x')
    expect(() => t.tick()).not.toThrow()
  })
})
