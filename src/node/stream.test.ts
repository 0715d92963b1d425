import { describe, expect, it } from 'vitest'
import { StreamBudget, StreamSlots } from './stream.ts'

describe('StreamSlots', () => {
  it('caps open streams per address and in total; a slot given back twice counts once', () => {
    const slots = new StreamSlots(2, 3)
    const a1 = slots.acquire('a')
    slots.acquire('a')
    expect(() => slots.acquire('a')).toThrow(/too many open streams from this address: at most 2/)
    slots.acquire('b')
    expect(() => slots.acquire('c')).toThrow(/maximum of 3 open streams/)
    a1()
    a1()
    expect(slots.open).toBe(2)
    slots.acquire('c')
    expect(() => slots.acquire('d')).toThrow(/maximum of 3/)
  })
})

describe('StreamBudget', () => {
  it('holds and releases bytes, never below zero', () => {
    const budget = new StreamBudget(100)
    budget.hold(60)
    expect(budget.fits(40)).toBe(true)
    expect(budget.fits(41)).toBe(false)
    budget.release(100)
    expect(budget.heldBytes).toBe(0)
  })
})
