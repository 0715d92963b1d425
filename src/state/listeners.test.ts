import { describe, expect, it, vi } from 'vitest'
import { Listeners } from './listeners.ts'

describe('Listeners', () => {
  it('calls every listener in order with the same arguments', () => {
    const seen: string[] = []
    const set = new Listeners<[string, number]>('test')
    set.add((a, b) => seen.push(`one ${a} ${b}`))
    set.add((a, b) => seen.push(`two ${a} ${b}`))
    set.emit('x', 1)
    expect(seen).toEqual(['one x 1', 'two x 1'])
  })

  it('reports a throwing listener and still calls the rest', () => {
    const onError = vi.fn()
    const set = new Listeners<[]>('test', { onError })
    const after = vi.fn()
    set.add(() => {
      throw new Error('boom')
    })
    set.add(after)
    expect(() => set.emit()).not.toThrow()
    expect(after).toHaveBeenCalledOnce()
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }), 'test')
  })

  it('reports a listener whose promise rejects', async () => {
    const onError = vi.fn()
    const set = new Listeners<[]>('async', { onError })
    set.add(async () => {
      throw new Error('later')
    })
    set.emit()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'later' }), 'async')
  })

  it('survives a throwing error hook', () => {
    const set = new Listeners<[]>('test', {
      onError: () => {
        throw new Error('hook')
      },
    })
    const after = vi.fn()
    set.add(() => {
      throw new Error('boom')
    })
    set.add(after)
    expect(() => set.emit()).not.toThrow()
    expect(after).toHaveBeenCalledOnce()
  })

  it('removes idempotently, counts one add per call, and applies changes from the next emit', () => {
    const set = new Listeners<[]>('test')
    const listener = vi.fn()
    const offA = set.add(listener)
    const offB = set.add(listener)
    set.emit()
    expect(listener).toHaveBeenCalledTimes(2)
    offA()
    offA()
    set.emit()
    expect(listener).toHaveBeenCalledTimes(3)
    offB()
    const late = vi.fn()
    set.add(() => void set.add(late))
    set.emit()
    expect(late).not.toHaveBeenCalled()
    expect(set.size).toBe(2)
  })

  it('labels bad input', () => {
    expect(() => new Listeners('')).toThrow(TypeError)
    expect(() => new Listeners<[]>('x').add(42 as never)).toThrow(/listener must be a function/)
  })
})
