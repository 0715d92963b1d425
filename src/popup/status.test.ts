import { describe, expect, it } from 'vitest'
import { providerErrors } from '../extension/dapp-visible.ts'
import type { RpcClient } from '../extension/rpc-client.ts'
import { checkBackground, describeStatus } from './status.ts'

const clientAnswering = (answer: () => Promise<unknown>): RpcClient => ({ call: answer as RpcClient['call'] })

describe('popup background status', () => {
  it('is online with the version and the measured round trip', async () => {
    let t = 100
    const client = clientAnswering(async () => {
      t += 7
      return { pong: true, version: '0.1.0', startedAt: 42 }
    })
    const status = await checkBackground(client, () => t)
    expect(status).toEqual({ state: 'online', version: '0.1.0', startedAt: 42, latencyMs: 7 })
    expect(describeStatus(status)).toBe('Background online · v0.1.0 · 7 ms')
  })

  it('is offline with the error message when the ping fails', async () => {
    const status = await checkBackground(
      clientAnswering(async () => {
        throw providerErrors.disconnected()
      }),
    )
    expect(status.state).toBe('offline')
    expect(describeStatus(status)).toContain('Parley is not reachable')
  })

  it('does not show arbitrary exception text', async () => {
    const status = await checkBackground(
      clientAnswering(async () => {
        throw new Error('internal detail')
      }),
    )
    expect(describeStatus(status)).toBe('Background offline: The background did not answer.')
  })

  it('has a checking state', () => {
    expect(describeStatus({ state: 'checking' })).toBe('Checking background…')
  })
})
