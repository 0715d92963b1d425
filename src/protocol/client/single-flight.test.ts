import { describe, expect, it } from 'vitest'
import { SingleFlight } from './single-flight.ts'

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('SingleFlight', () => {
  it('shares one run between concurrent callers of the same key', async () => {
    const flight = new SingleFlight<number>()
    const gate = deferred<number>()
    let runs = 0
    const work = () => {
      runs++
      return gate.promise
    }
    const a = flight.run('peer|', work)
    const b = flight.run('peer|', work)
    expect(flight.size).toBe(1)
    gate.resolve(7)
    expect(await a).toBe(7)
    expect(await b).toBe(7)
    expect(runs).toBe(1)
    expect(flight.size).toBe(0)
  })

  it('runs different keys independently', async () => {
    const flight = new SingleFlight<string>()
    const results = await Promise.all([flight.run('a', async () => 'A'), flight.run('b', async () => 'B')])
    expect(results).toEqual(['A', 'B'])
  })

  it('forgets a failed run so the next call retries', async () => {
    const flight = new SingleFlight<number>()
    await expect(flight.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(flight.size).toBe(0)
    expect(await flight.run('k', async () => 2)).toBe(2)
  })

  it('turns a synchronous throw into a rejection and frees the key', async () => {
    const flight = new SingleFlight<number>()
    await expect(
      flight.run('k', () => {
        throw new Error('sync')
      }),
    ).rejects.toThrow('sync')
    expect(flight.size).toBe(0)
  })

  it('rejects bad arguments', () => {
    const flight = new SingleFlight<number>()
    expect(() => flight.run(1 as unknown as string, async () => 1)).toThrow(TypeError)
    expect(() => flight.run('k', 'x' as unknown as () => Promise<number>)).toThrow(TypeError)
  })
})
