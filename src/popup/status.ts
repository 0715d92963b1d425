// The popup's view of the background, obtained with the typed `ping` call.
import { ProviderRpcError } from '../extension/dapp-visible.ts'
import type { RpcClient } from '../extension/rpc-client.ts'

export type BackgroundStatus =
  | { state: 'checking' }
  | { state: 'online'; version: string; latencyMs: number; startedAt: number }
  | { state: 'offline'; reason: string }

export async function checkBackground(client: RpcClient, now: () => number = () => performance.now()): Promise<BackgroundStatus> {
  const sentAt = now()
  try {
    const pong = await client.call('ping')
    return { state: 'online', version: pong.version, startedAt: pong.startedAt, latencyMs: Math.max(0, Math.round(now() - sentAt)) }
  } catch (error) {
    const reason = error instanceof ProviderRpcError ? error.message : 'The background did not answer.'
    return { state: 'offline', reason }
  }
}

/** One-line summary for the status card. */
export function describeStatus(status: BackgroundStatus): string {
  switch (status.state) {
    case 'checking':
      return 'Checking background…'
    case 'online':
      return `Background online · v${status.version} · ${status.latencyMs} ms`
    case 'offline':
      return `Background offline: ${status.reason}`
  }
}
