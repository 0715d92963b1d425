// Typed calls from Parley's own pages (popup, later approval windows) to the background:
// `await rpc.call('ping')` returns PingResult or throws a ProviderRpcError. The send
// function is injected (browser.runtime.sendMessage in the popup) so this runs in tests.
import { errorFromPayload, providerErrors } from './dapp-visible.ts'
import { makeRuntimeRpcMessage, parseRpcResponse, type MethodName, type ParamsOf, type ResultOf, type RuntimeRpcMessage } from './messages.ts'

export interface RpcClient {
  call<M extends MethodName>(method: M, ...params: ParamsOf<M> extends undefined ? [] : [ParamsOf<M>]): Promise<ResultOf<M>>
}

export function createRpcClient(send: (message: RuntimeRpcMessage) => Promise<unknown>): RpcClient {
  return {
    async call(method, ...rest) {
      const request = rest.length === 0 ? { method } : { method, params: rest[0] }
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
    },
  }
}
