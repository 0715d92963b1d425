import { describe, expect, it } from 'vitest'
import { createDispatcher } from '../background/dispatcher.ts'
import { createHandlers } from '../background/handlers.ts'
import { ProviderRpcError } from './dapp-visible.ts'
import { METHODS, RUNTIME_RPC_TAG } from './messages.ts'
import { createRpcClient } from './rpc-client.ts'

describe('createRpcClient', () => {
  it('calls the background with a tagged message and returns the typed result', async () => {
    const sent: unknown[] = []
    const dispatch = createDispatcher(METHODS, createHandlers({ version: '2.0.0', startedAt: 5 }))
    const client = createRpcClient(async (message) => {
      sent.push(message)
      return dispatch(message, { kind: 'extension' })
    })
    const pong = await client.call('ping')
    expect(pong.version).toBe('2.0.0')
    expect(sent).toEqual([{ tag: RUNTIME_RPC_TAG, request: { method: 'ping' } }])
  })

  it('throws the background error as a ProviderRpcError', async () => {
    const client = createRpcClient(async () => ({ ok: false, error: { code: 4001, message: 'no' } }))
    const error = await client.call('ping').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderRpcError)
    expect((error as ProviderRpcError).code).toBe(4001)
  })

  it('throws 4900 when sending fails and -32603 for a malformed answer', async () => {
    const gone = createRpcClient(async () => {
      throw new Error('Could not establish connection. Receiving end does not exist.')
    })
    expect(((await gone.call('ping').catch((e: unknown) => e)) as ProviderRpcError).code).toBe(4900)
    const garbled = createRpcClient(async () => 'pong')
    expect(((await garbled.call('ping').catch((e: unknown) => e)) as ProviderRpcError).code).toBe(-32603)
  })
})
