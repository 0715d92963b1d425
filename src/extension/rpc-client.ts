// Typed calls from Parley's own pages (popup, later approval windows) to the background:
// `await rpc.call('ping')` returns PingResult or throws a ProviderRpcError. The send
// function is injected (browser.runtime.sendMessage in the popup) so this runs in tests.
import { ERROR_CODES, ERROR_MESSAGES, errorFromPayload, providerErrors } from './dapp-visible.ts'
import { ProviderRpcError } from './rpc-error.ts'
import { retrying, type RetryOptions } from './retry.ts'
import { makeRuntimeRpcMessage, METHODS, parseRpcResponse, type MethodName, type ParamsOf, type ResultOf, type RuntimeRpcMessage } from './messages.ts'

export interface RpcClient {
  call<M extends MethodName>(method: M, ...params: ParamsOf<M> extends undefined ? [] : [ParamsOf<M>]): Promise<ResultOf<M>>
}

/**
 * A method the table marks repeatable (a read, or a write whose repeat changes nothing) is sent
 * again while the background was unreachable: the MV3 worker may stop in the middle of any call,
 * and the next message wakes a new one. Other methods fail with 4900 and the caller decides.
 */
export function createRpcClient(send: (message: RuntimeRpcMessage) => Promise<unknown>, retry: RetryOptions = {}): RpcClient {
  const once = async (request: { method: string; params?: unknown }): Promise<never> => {
    let raw: unknown
    try {
      raw = await send(makeRuntimeRpcMessage(request))
    } catch {
      throw providerErrors.disconnected()
    }
    const response = parseRpcResponse(raw)
    if (!response) throw providerErrors.invalidResponse()
    if (!response.ok) throw errorFromPayload(response.error)
    return response.result as never
  }
  return {
    call(method, ...rest) {
      const request = rest.length === 0 ? { method } : { method, params: rest[0] }
      return METHODS[method]?.repeatable ? retrying(() => once(request), isUnreachable, retry) : once(request)
    },
  }
}

/**
 * Whether a call failed because the background could not be reached (the message went out but
 * no answer came back: the worker stopped mid-call, or the extension was reloaded). Distinct
 * from 4900 answers the background itself gives (locked, not ready).
 */
export function isUnreachable(error: unknown): boolean {
  return error instanceof ProviderRpcError && error.code === ERROR_CODES.disconnected && error.message === ERROR_MESSAGES.disconnected
}
