// Two different facts, said apart: whether Parley's background worker answers, and whether the
// XMTP node it talks to is reachable. A live worker says nothing about the node.
import type { NodeStatusView } from '../extension/views.ts'
import type { WorkerHealth } from './store/state.ts'

/** What a person can do about a session that cannot start, said wherever the error shows. */
export const SESSION_ERROR_HINT = 'Check the node address in Settings, or wait: Parley keeps trying. Your wallet and cached messages are safe.'

export type Tone = 'ok' | 'warn' | 'bad' | 'pending'

export interface HealthLine {
  tone: Tone
  /** Short, for a pill: "Node online". */
  label: string
  /** One sentence with the detail. */
  detail: string
}

export function describeWorker(worker: WorkerHealth): HealthLine {
  switch (worker.state) {
    case 'checking':
      return { tone: 'pending', label: 'Starting', detail: 'Checking the background…' }
    case 'online':
      return { tone: 'ok', label: 'Running', detail: `Background running · v${worker.version}` }
    case 'offline':
      return { tone: 'bad', label: 'Not answering', detail: `Background not answering: ${worker.reason}` }
  }
}

export function describeNode(node: NodeStatusView | null): HealthLine {
  if (!node) return { tone: 'pending', label: 'Node…', detail: 'Checking the node…' }
  const host = hostOf(node.url)
  if (node.reachable) {
    const latency = node.latencyMs === undefined ? '' : ` · ${node.latencyMs} ms`
    return { tone: 'ok', label: 'Node online', detail: `Node ${host} online${latency}` }
  }
  return { tone: 'bad', label: 'Node offline', detail: `Node ${host} unreachable${node.error ? `: ${node.error}` : ''}` }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url || '(not set)'
  }
}
