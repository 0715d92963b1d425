// The handler table is complete by construction: createHandlers takes one handler per method of
// METHODS, with no runtime stand-ins. The @ts-expect-error lines are checked by `npx tsc --noEmit`:
// they fail the type check if a table missing a method were ever accepted again.
import { describe, expect, it } from 'vitest'
import { createRpcRouter, type HandlerTable } from './rpc-router.ts'
import { createHandlers, PING_METHODS, pingHandler, type DomainHandlers } from './handlers.ts'
import { makeRuntimeRpcMessage, METHODS } from '../extension/messages.ts'

describe('the handler table', () => {
  it('is a compile error without a handler for every method', () => {
    const state = { version: '1', startedAt: 0 }
    const incomplete = { wallet_status: async () => ({}) }
    const checkIncomplete = () =>
      // @ts-expect-error a table without most methods' handlers is refused
      createHandlers(state, incomplete)
    const withoutOne = (domains: DomainHandlers): Omit<DomainHandlers, 'messages_send'> => {
      const { messages_send: _dropped, ...rest } = domains
      return rest
    }
    const checkMissingOne = (domains: DomainHandlers) =>
      // @ts-expect-error one method (messages_send) without a handler is refused
      createHandlers(state, withoutOne(domains))
    const checkDispatcher = () =>
      // @ts-expect-error the router over METHODS refuses the ping-only table
      createRpcRouter(METHODS, pingHandler(state))
    expect([checkIncomplete, checkMissingOne, checkDispatcher].every((f) => typeof f === 'function')).toBe(true)
    const full: (domains: DomainHandlers) => HandlerTable = (domains) => createHandlers(state, domains)
    expect(typeof full).toBe('function')
  })

  it('routes ping over the ping-only table, and treats every other method as unknown', async () => {
    const dispatch = createRpcRouter(PING_METHODS, pingHandler({ version: '3', startedAt: 7 }))
    expect(await dispatch(makeRuntimeRpcMessage({ method: 'ping' }), { kind: 'extension' })).toEqual({
      ok: true,
      result: { pong: true, version: '3', startedAt: 7 },
    })
    expect(await dispatch(makeRuntimeRpcMessage({ method: 'wallet_status' }), { kind: 'extension' })).toMatchObject({ ok: false, error: { code: 4200 } })
  })
})
