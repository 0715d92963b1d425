import { describe, expect, it } from 'vitest'
import { retrying } from './retry.ts'

describe('retrying', () => {
  it('tries again while the error is retryable, up to the attempts, and gives back the last error', async () => {
    let tries = 0
    const flaky = async () => {
      tries++
      if (tries < 3) throw new Error(`gone ${tries}`)
      return 'answer'
    }
    expect(await retrying(flaky, () => true, { delayMs: 1 })).toBe('answer')
    expect(tries).toBe(3)
    tries = 0
    await expect(retrying(flaky, () => true, { attempts: 2, delayMs: 1 })).rejects.toThrow('gone 2')
  })

  it('stops at once on an error that is not retryable', async () => {
    let tries = 0
    const refused = async () => {
      tries++
      throw new RangeError('refused')
    }
    await expect(retrying(refused, (e) => !(e instanceof RangeError), { delayMs: 1 })).rejects.toThrow('refused')
    expect(tries).toBe(1)
  })
})
