// The dapp side through the real RPC router and RPC table, for the unit tests of this folder:
// `setup()` gives calls as a site or as Parley's popup, and answers approval windows.
import { makeRuntimeRpcMessage, type RpcResponse } from '../../../extension/messages.ts'
import { DAPP_METHODS } from '../../../extension/methods/dapp.ts'
import { SITE_METHODS } from '../../../extension/methods/sites.ts'
import { createRpcRouter, type Caller } from '../../rpc-router.ts'
import { PING_METHODS, pingHandler } from '../../handlers.ts'
import { createDappSide, type DappServiceOptions, type DappSide } from '../index.ts'
import { approvalIdOf, FakeContext } from './fake-context.ts'

export const SITE_A = 'http://127.0.0.1:4001'
export const SITE_B = 'http://127.0.0.2:4001'
export const dappA: Caller = { kind: 'dapp', origin: SITE_A, frame: { tabId: 1, frameId: 0 } }
export const dappB: Caller = { kind: 'dapp', origin: SITE_B, frame: { tabId: 2, frameId: 0 } }
export const popup: Caller = { kind: 'extension' }

/** The dapp side told of the fake context's changes, as app.ts tells it of the real ones. */
export function createWiredDappSide(ctx: FakeContext, options: DappServiceOptions = {}): DappSide {
  const dapp = createDappSide(ctx, options)
  ctx.onSessionChange((session) => dapp.sessionChanged(session))
  ctx.wallet.onChange(() => dapp.walletChanged())
  return dapp
}

/** The methods the dapp side answers, with ping: every other method is unknown here. */
export const DAPP_SIDE_METHODS = { ...PING_METHODS, ...DAPP_METHODS, ...SITE_METHODS } as const

export function setup(ctx = new FakeContext(), rateLimit?: { capacity: number; refillPerSecond: number }) {
  const options = rateLimit ? { rateLimit } : {}
  const dapp = createWiredDappSide(ctx, options)
  const dispatch = createRpcRouter(DAPP_SIDE_METHODS, { ...pingHandler({ version: '1', startedAt: 0 }), ...dapp.handlers })
  const call = (caller: Caller, method: string, params?: unknown): Promise<RpcResponse> =>
    dispatch(makeRuntimeRpcMessage(params === undefined ? { method } : { method, params }), caller)
  const result = async (caller: Caller, method: string, params?: unknown) => {
    const response = await call(caller, method, params)
    if (!response.ok) throw new Error(`${method}: ${response.error.code} ${response.error.message}`)
    return response.result as any
  }
  /** Waits for the next approval window and answers it from the "popup". */
  const answer = async (decision: 'approve' | 'reject', remember?: string) => {
    const id = await waitFor(() => (ctx.opened.length > answered ? approvalIdOf(ctx.opened[answered]) : null))
    answered++
    const view = await result(popup, 'approvals_get', { id })
    await result(popup, 'approvals_resolve', remember ? { id, decision, remember } : { id, decision })
    return view
  }
  let answered = 0
  const connect = async (caller: Caller) => {
    const pending = result(caller, 'xmtp_requestAccounts')
    await answer('approve')
    return pending
  }
  return { ctx, dapp, call, result, answer, connect }
}

export async function waitFor<T>(probe: () => T | null, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = probe()
    if (value !== null) return value
    await new Promise((r) => setTimeout(r, 2))
  }
  throw new Error('timed out waiting')
}

