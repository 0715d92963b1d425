import { describe, expect, it } from 'vitest'
import type { NodeStatusView } from '../extension/views.ts'
import { NodeMonitor } from './node-monitor.ts'

const NODE = 'http://127.0.0.1:5555'

/** A node that is up or down, a fetch that fails like a refused connection when it is down. */
function world() {
  const state = { up: true, pages: 1 }
  const published: NodeStatusView[] = []
  const timers: Array<() => void> = []
  const fetch = (async (input: RequestInfo | URL) => {
    const url = String(input)
    if (url.startsWith(NODE) && !state.up) throw new TypeError('Failed to fetch')
    return new Response('{}', { status: 200 })
  }) as typeof globalThis.fetch
  const monitor = new NodeMonitor({
    nodeUrl: () => NODE,
    check: async (url) => (state.up ? { url, reachable: true, latencyMs: 3, checkedAt: 1 } : { url, reachable: false, error: 'connection failed', checkedAt: 1 }),
    publish: (s) => published.push(s),
    pagesOpen: () => state.pages > 0,
    setTimer: (fn) => timers.push(fn),
    clearTimer: () => {},
  })
  const settle = () => new Promise((r) => setTimeout(r, 0))
  return { state, published, timers, fetch: monitor.observe(fetch), monitor, settle }
}

describe('NodeMonitor', () => {
  it('pushes "down" on the first failed request and "up" on the first one that gets through', async () => {
    const w = world()
    await w.monitor.check()
    expect(w.published.map((s) => s.reachable)).toEqual([true])

    w.state.up = false
    await expect(w.fetch(`${NODE}/message/v1/publish`, { method: 'POST' })).rejects.toThrow()
    await w.settle()
    expect(w.published.map((s) => s.reachable)).toEqual([true, false])
    // More failures say nothing new.
    await expect(w.fetch(`${NODE}/message/v1/query`)).rejects.toThrow()
    await w.settle()
    expect(w.published).toHaveLength(2)

    w.state.up = true
    await w.fetch(`${NODE}/message/v1/query`)
    await w.settle()
    expect(w.published.map((s) => s.reachable)).toEqual([true, false, true])
  })

  it('requests elsewhere (remote attachments) and aborted requests say nothing about the node', async () => {
    const w = world()
    await w.monitor.check()
    w.state.up = false
    const controller = new AbortController()
    controller.abort()
    await expect(w.fetch(`${NODE}/message/v1/subscribe`, { signal: controller.signal })).rejects.toThrow()
    await w.fetch('https://files.example/a.bin')
    await w.settle()
    expect(w.published.map((s) => s.reachable)).toEqual([true])
  })

  it('probes while a page is open and the node is down, so its return is pushed without other traffic', async () => {
    const w = world()
    w.state.up = false
    await w.monitor.check()
    expect(w.timers).toHaveLength(1)
    w.state.up = true
    w.timers.shift()!()
    await w.settle()
    await w.settle()
    expect(w.published.map((s) => s.reachable)).toEqual([false, true])
    expect(w.timers).toHaveLength(0) // up again: no more probes

    w.state.pages = 0
    w.state.up = false
    await w.monitor.check()
    expect(w.timers).toHaveLength(0) // no page open: nobody to tell
    w.state.pages = 1
    w.monitor.pagesChanged()
    expect(w.timers).toHaveLength(1)
  })

  it('a new node URL is checked at once and pushed, even when it is as reachable as the old one', async () => {
    let url = NODE
    const published: NodeStatusView[] = []
    const monitor = new NodeMonitor({
      nodeUrl: () => url,
      check: async (u) => ({ url: u, reachable: true, latencyMs: 1, checkedAt: 1 }),
      publish: (s) => published.push(s),
      pagesOpen: () => true,
      setTimer: () => 0,
      clearTimer: () => {},
    })
    await monitor.check()
    url = 'http://127.0.0.1:6000'
    monitor.urlChanged()
    await new Promise((r) => setTimeout(r, 0))
    expect(published.map((s) => s.url)).toEqual([NODE, 'http://127.0.0.1:6000'])
  })
})
