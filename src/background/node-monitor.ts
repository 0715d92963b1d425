// Keeps the node's reachability current in every open Parley page. Every request the session
// makes to the node goes through observe()'s fetch: one that gets no answer says "down", one
// that gets any HTTP answer says "up". When that differs from what pages were last told, a
// fresh /healthz check (node-status.ts) is run and its result pushed as a 'node' event, so a
// page learns of an outage on the first failed attempt and of the node's return on the first
// one that gets through. While a page is open and the node is down, a probe every
// PROBE_INTERVAL_MS finds its return even when nothing else is trying (the outbox may be
// waiting out a long backoff).
import type { NodeStatusView } from '../extension/views.ts'

export const PROBE_INTERVAL_MS = 5_000

export interface NodeMonitorOptions {
  /** The configured node URL (settings), read on each request. */
  nodeUrl(): Promise<string> | string
  /** A /healthz check of `url` (checkNode with the platform's fetch and permissions). */
  check(url: string): Promise<NodeStatusView>
  /** Pushes the status to the open pages. */
  publish(status: NodeStatusView): void
  /** Whether some Parley page is open (the probe runs only then). */
  pagesOpen(): boolean
  probeIntervalMs?: number
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

export class NodeMonitor {
  readonly #o: NodeMonitorOptions
  #last: NodeStatusView | null = null
  #checking: Promise<NodeStatusView> | null = null
  #probe: unknown
  #url = ''

  constructor(options: NodeMonitorOptions) {
    this.#o = options
  }

  /** What pages were last told (null before the first check). */
  get last(): NodeStatusView | null {
    return this.#last
  }

  /** Runs a check now, remembers and publishes it when it changed; answers node_status. */
  check(): Promise<NodeStatusView> {
    this.#checking ??= (async () => {
      try {
        const url = await this.#o.nodeUrl()
        const status = await this.#o.check(url)
        // A check of a URL that is no longer the setting says nothing about the current node.
        if ((await this.#o.nodeUrl()) === url) this.#record(status)
        return status
      } finally {
        this.#checking = null
      }
    })()
    return this.#checking
  }

  /** A fetch for the session's requests that reports each outcome to the monitor. */
  observe(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
    return async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
      let nodeUrl = this.#url
      try {
        nodeUrl = this.#url = await this.#o.nodeUrl()
      } catch {
        // Settings unreadable: keep the last URL known.
      }
      const toNode = nodeUrl !== '' && url.startsWith(nodeUrl)
      try {
        const response = await fetch(input, init)
        if (toNode) this.#observed(true)
        return response
      } catch (error) {
        // An abort is the caller's choice (a closed stream, a timeout it set), not an outage.
        if (toNode && !init?.signal?.aborted) this.#observed(false)
        throw error
      }
    }
  }

  /** Pages came or went: probe while one is open and the node is down. */
  pagesChanged(): void {
    this.#scheduleProbe()
  }

  /** The node URL setting changed: check the new node and tell the pages. */
  urlChanged(): void {
    this.#last = null
    void this.check().catch(() => {})
  }

  #observed(reachable: boolean): void {
    if (this.#last && this.#last.reachable === reachable) return
    void this.check().catch(() => {})
  }

  #record(status: NodeStatusView): void {
    const changed = !this.#last || this.#last.reachable !== status.reachable || this.#last.url !== status.url || this.#last.error !== status.error
    this.#last = status
    if (changed) this.#o.publish(status)
    this.#scheduleProbe()
  }

  #scheduleProbe(): void {
    const wanted = this.#last !== null && !this.#last.reachable && this.#o.pagesOpen()
    if (!wanted) {
      if (this.#probe !== undefined) (this.#o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(this.#probe)
      this.#probe = undefined
      return
    }
    if (this.#probe !== undefined) return
    const setTimer = this.#o.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
    this.#probe = setTimer(() => {
      this.#probe = undefined
      void this.check().catch(() => this.#scheduleProbe())
    }, this.#o.probeIntervalMs ?? PROBE_INTERVAL_MS)
  }
}
