import { describe, expect, it } from 'vitest'
import { describeNode, describeWorker } from './status.ts'

describe('health lines: worker and node are separate facts', () => {
  it('a running worker with an unreachable node says the node is offline', () => {
    expect(describeWorker({ state: 'online', version: '0.1.0' })).toEqual({ tone: 'ok', label: 'Running', detail: 'Background running · v0.1.0' })
    const node = describeNode({ url: 'http://127.0.0.1:5555', reachable: false, error: 'connection refused', checkedAt: 1 })
    expect(node.tone).toBe('bad')
    expect(node.label).toBe('Node offline')
    expect(node.detail).toBe('Node 127.0.0.1:5555 unreachable: connection refused')
  })

  it('a reachable node shows its latency', () => {
    expect(describeNode({ url: 'http://127.0.0.1:5555', reachable: true, latencyMs: 12, checkedAt: 1 }).detail).toBe('Node 127.0.0.1:5555 online · 12 ms')
  })

  it('an unanswering worker quotes the reason; nothing known yet is pending', () => {
    expect(describeWorker({ state: 'offline', reason: 'Parley is not reachable.' }).detail).toBe('Background not answering: Parley is not reachable.')
    expect(describeNode(null).tone).toBe('pending')
    expect(describeWorker({ state: 'checking' }).tone).toBe('pending')
  })
})
