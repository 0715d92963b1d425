import { describe, expect, it, vi } from 'vitest'
import { ObservableState, shallowEqual } from './observable-state.ts'

describe('ObservableState', () => {
  it('announces a change once with the next and previous values', () => {
    const state = new ObservableState('settings', { a: 1, b: 'x' })
    const listener = vi.fn()
    state.subscribe(listener)
    expect(state.set({ a: 2, b: 'x' })).toBe(true)
    expect(listener).toHaveBeenCalledExactlyOnceWith({ a: 2, b: 'x' }, { a: 1, b: 'x' })
    expect(state.value).toEqual({ a: 2, b: 'x' })
  })

  it('wakes nobody when a write changes nothing', () => {
    const state = new ObservableState('s', { a: 1 })
    const listener = vi.fn()
    state.subscribe(listener)
    expect(state.set({ a: 1 })).toBe(false)
    expect(state.update((current) => ({ ...current }))).toBe(false)
    expect(listener).not.toHaveBeenCalled()
  })

  it('takes a custom equality', () => {
    const state = new ObservableState('s', [1, 2], { equals: (a, b) => a.length === b.length })
    expect(state.set([3, 4])).toBe(false)
    expect(state.set([3])).toBe(true)
  })

  it('keeps the new value when a listener throws, and still calls the others', () => {
    const onListenerError = vi.fn()
    const state = new ObservableState('s', 0, { onListenerError })
    const after = vi.fn()
    state.subscribe(() => {
      throw new Error('bad screen')
    })
    state.subscribe(after)
    state.set(1)
    expect(state.value).toBe(1)
    expect(after).toHaveBeenCalledWith(1, 0)
    expect(onListenerError).toHaveBeenCalledWith(expect.any(Error), 's change')
  })

  it('hands out a read-only face that follows the owner', () => {
    const state = new ObservableState('s', 'a')
    const face = state.readonly()
    const listener = vi.fn()
    face.subscribe(listener)
    state.set('b')
    expect(face.value).toBe('b')
    expect(listener).toHaveBeenCalledWith('b', 'a')
    expect('set' in face).toBe(false)
  })

  it('compares shallowly by default', () => {
    expect(shallowEqual({ a: 1 }, { a: 1 })).toBe(true)
    expect(shallowEqual({ a: {} }, { a: {} })).toBe(false)
    expect(shallowEqual([1], { 0: 1 })).toBe(false)
    expect(shallowEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false)
  })
})
