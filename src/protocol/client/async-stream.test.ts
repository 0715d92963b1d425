import { describe, expect, it } from 'vitest'
import { AsyncStream } from './async-stream.ts'

describe('AsyncStream', () => {
  it('delivers values pushed before and after the consumer waits, in order', async () => {
    const stream = new AsyncStream<number>()
    stream.push(1)
    const pending = stream.next()
    expect(await pending).toEqual({ value: 1, done: false })
    const waiting = stream.next()
    stream.push(2)
    expect(await waiting).toEqual({ value: 2, done: false })
  })

  it('return() ends for-await, runs the close hook once and drops later pushes', async () => {
    let closes = 0
    const stream = new AsyncStream<number>(() => {
      closes++
    })
    stream.push(1)
    stream.push(2)
    const seen: number[] = []
    for await (const value of stream) {
      seen.push(value)
      if (value === 1) break // calls return()
    }
    expect(seen).toEqual([1])
    stream.push(3)
    expect(await stream.next()).toEqual({ value: undefined, done: true })
    await stream.return()
    expect(closes).toBe(1)
  })

  it('return() resolves a consumer that is waiting', async () => {
    const stream = new AsyncStream<number>()
    const waiting = stream.next()
    await stream.return()
    expect(await waiting).toEqual({ value: undefined, done: true })
  })

  it('fail() delivers buffered values then rejects once, then reports done', async () => {
    const stream = new AsyncStream<number>()
    stream.push(1)
    stream.fail(new Error('lost'))
    expect(await stream.next()).toEqual({ value: 1, done: false })
    await expect(stream.next()).rejects.toThrow('lost')
    expect(await stream.next()).toEqual({ value: undefined, done: true })
  })

  it('fail() rejects a waiting consumer', async () => {
    const stream = new AsyncStream<number>()
    const waiting = stream.next()
    stream.fail(new Error('down'))
    await expect(waiting).rejects.toThrow('down')
    expect(stream.closed).toBe(true)
  })
})
