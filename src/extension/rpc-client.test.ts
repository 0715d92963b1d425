import { describe, expect, it } from 'vitest'
import { createRpcRouter } from '../background/rpc-router.ts'
import { PING_METHODS, pingHandler } from '../background/handlers.ts'
import { providerErrors } from './dapp-visible.ts'
import { ProviderRpcError } from './rpc-error.ts'
import { METHODS, RUNTIME_RPC_TAG } from './messages.ts'
import { createRpcClient, isUnreachable } from './rpc-client.ts'

describe('createRpcClient', () => {
  it('calls the background with a tagged message and returns the typed result', async () => {
    const sent: unknown[] = []
    const dispatch = createRpcRouter(PING_METHODS, pingHandler({ version: '2.0.0', startedAt: 5 }))
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

  it('sends a repeatable call again while the background is unreachable, and only then', async () => {
    const dispatch = createRpcRouter(PING_METHODS, pingHandler({ version: '1', startedAt: 0 }))
    let sends = 0
    const waking = createRpcClient(
      async (message) => {
        sends++
        if (sends < 3) throw new Error('The message port closed before a response was received.')
        return dispatch(message, { kind: 'extension' })
      },
      { delayMs: 1 },
    )
    expect(METHODS.ping.repeatable).toBe(true)
    expect((await waking.call('ping')).version).toBe('1')
    expect(sends).toBe(3)

    // A method that is not repeatable (a send) is tried once: the caller decides.
    expect(METHODS.messages_send.repeatable).toBe(false)
    let sendAttempts = 0
    const dropping = createRpcClient(async () => {
      sendAttempts++
      throw new Error('The message port closed before a response was received.')
    }, { delayMs: 1 })
    const dropped = await dropping.call('messages_send', { topic: '/xmtp/0/m-x/proto', content: { type: 'text', text: 'hi' } }).catch((e: unknown) => e)
    expect(isUnreachable(dropped)).toBe(true)
    expect(sendAttempts).toBe(1)

    // A 4900 the background itself answers (locked) is not "unreachable": no retry.
    let lockedSends = 0
    const locked = createRpcClient(async () => {
      lockedSends++
      return { ok: false, error: providerErrors.locked().toJSON() }
    }, { delayMs: 1 })
    const error = await locked.call('ping').catch((e: unknown) => e)
    expect((error as ProviderRpcError).code).toBe(4900)
    expect(isUnreachable(error)).toBe(false)
    expect(lockedSends).toBe(1)

    // It gives up after the attempts, with the unreachable error.
    let goneSends = 0
    const gone = createRpcClient(async () => {
      goneSends++
      throw new Error('Receiving end does not exist.')
    }, { attempts: 2, delayMs: 1 })
    expect(isUnreachable(await gone.call('ping').catch((e: unknown) => e))).toBe(true)
    expect(goneSends).toBe(2)
  })
})
