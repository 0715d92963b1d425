// The live connection status of the configured node: GET <nodeUrl>/healthz with a timeout,
// reported as a NodeStatusView (reachable, round trip, or why not in words). A missing host
// permission is named as such, since fetch would only say "failed to fetch".
import type { NodeStatusView } from '../extension/views.ts'
import { originPattern } from './settings.ts'

export interface NodeStatusOptions {
  fetch: typeof fetch
  hasHostPermission(pattern: string): Promise<boolean>
  now?: () => number
  timeoutMs?: number
}

export async function checkNode(url: string, options: NodeStatusOptions): Promise<NodeStatusView> {
  const now = options.now ?? Date.now
  const started = now()
  const down = (error: string): NodeStatusView => ({ url, reachable: false, error, checkedAt: now() })
  if (!(await options.hasHostPermission(originPattern(url)))) return down('no host permission for this node (grant it in Settings)')
  const controller = new AbortController()
  const timeoutMs = options.timeoutMs ?? 5000
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  try {
    const response = await options.fetch(`${url}/healthz`, { signal: controller.signal, cache: 'no-store' })
    await response.body?.cancel().catch(() => {})
    if (!response.ok) return down(`the node answered HTTP ${response.status}`)
    return { url, reachable: true, latencyMs: Math.max(0, now() - started), checkedAt: now() }
  } catch (error) {
    if (controller.signal.aborted) return down(`no answer within ${Math.round(timeoutMs / 1000)} s`)
    return down('connection failed (is the node running at this address?)')
  } finally {
    clearTimeout(timer)
  }
}
