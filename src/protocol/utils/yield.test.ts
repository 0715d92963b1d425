// yieldToEventLoop on each of its three ways: scheduler.yield where it exists, setImmediate in
// Node, one MessageChannel elsewhere (what a browser without scheduler.yield uses).
import { afterEach, describe, expect, it } from 'vitest'
import { yieldToEventLoop } from './yield.ts'

const global = globalThis as { scheduler?: unknown; setImmediate?: unknown }
const saved = { scheduler: global.scheduler, setImmediate: global.setImmediate }
afterEach(() => {
  global.scheduler = saved.scheduler
  global.setImmediate = saved.setImmediate
})

describe('yieldToEventLoop', () => {
  it('in Node (setImmediate): resumes a task later, after the microtasks queued meanwhile', async () => {
    let microtasksDone = false
    const yielded = yieldToEventLoop().then(() => microtasksDone)
    await Promise.resolve()
    await Promise.resolve()
    microtasksDone = true
    expect(await yielded).toBe(true)
  })

  it('without scheduler.yield or setImmediate: one MessageChannel, each caller resumed in order', async () => {
    global.scheduler = undefined
    global.setImmediate = undefined
    const order: number[] = []
    await Promise.all([1, 2, 3].map((n) => yieldToEventLoop().then(() => order.push(n))))
    expect(order).toEqual([1, 2, 3])
    let microtasksDone = false
    const yielded = yieldToEventLoop().then(() => microtasksDone)
    await Promise.resolve()
    microtasksDone = true
    expect(await yielded).toBe(true) // a task later, not a microtask
  })

  it('uses scheduler.yield where the host has it', async () => {
    let asked = 0
    global.scheduler = { yield: () => (asked++, Promise.resolve()) }
    await yieldToEventLoop()
    expect(asked).toBe(1)
  })
})
