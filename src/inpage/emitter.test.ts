import { describe, expect, it } from 'vitest'
import { EventEmitter } from './emitter.ts'

describe('EventEmitter', () => {
  it('calls listeners in order with the emitted arguments', () => {
    const emitter = new EventEmitter()
    const calls: unknown[] = []
    emitter.on('connect', (...args) => calls.push(['a', ...args]))
    emitter.on('connect', (...args) => calls.push(['b', ...args]))
    expect(emitter.emit('connect', 1, 2)).toBe(true)
    expect(calls).toEqual([['a', 1, 2], ['b', 1, 2]])
  })

  it('reports whether anyone listened, and keeps events apart', () => {
    const emitter = new EventEmitter()
    let hits = 0
    emitter.on('connect', () => hits++)
    expect(emitter.emit('disconnect')).toBe(false)
    expect(hits).toBe(0)
  })

  it('runs a listener added twice twice, and removeListener removes one copy', () => {
    const emitter = new EventEmitter()
    let hits = 0
    const listener = () => hits++
    emitter.on('e', listener)
    emitter.on('e', listener)
    emitter.emit('e')
    expect(hits).toBe(2)
    emitter.removeListener('e', listener)
    emitter.emit('e')
    expect(hits).toBe(3)
    emitter.removeListener('e', listener)
    expect(emitter.emit('e')).toBe(false)
    expect(emitter.listenerCount('e')).toBe(0)
  })

  it('ignores removing a listener that was never added', () => {
    const emitter = new EventEmitter()
    emitter.on('e', () => {})
    emitter.removeListener('e', () => {})
    expect(emitter.listenerCount('e')).toBe(1)
  })

  it('lets a listener removed during an emit still run for that emit, then never again', () => {
    const emitter = new EventEmitter()
    const order: string[] = []
    const second = () => order.push('second')
    emitter.on('e', () => {
      order.push('first')
      emitter.removeListener('e', second)
    })
    emitter.on('e', second)
    emitter.emit('e')
    emitter.emit('e')
    expect(order).toEqual(['first', 'second', 'first'])
  })

  it('isolates a throwing listener and reports its error', () => {
    const reported: unknown[] = []
    const emitter = new EventEmitter((error) => reported.push(error))
    let reached = false
    const boom = new Error('dapp bug')
    emitter.on('e', () => {
      throw boom
    })
    emitter.on('e', () => {
      reached = true
    })
    emitter.emit('e')
    expect(reached).toBe(true)
    expect(reported).toEqual([boom])
  })

  it('rejects non-function listeners and empty or non-string event names', () => {
    const emitter = new EventEmitter()
    expect(() => emitter.on('e', 'nope' as never)).toThrow(TypeError)
    expect(() => emitter.on('', () => {})).toThrow(TypeError)
    expect(() => emitter.on(3 as never, () => {})).toThrow(TypeError)
    expect(() => emitter.removeListener('e', null as never)).toThrow(TypeError)
  })
})
