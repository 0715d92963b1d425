import { describe, expect, it } from 'vitest'
import { StreamHolds, type StreamHolder } from './stream-holds.ts'

/** A holder and keepalive that record open holds by reason; timers run by hand. */
function harness(start = 1_000) {
  let now = start
  let pages = 0
  const open = { data: [] as string[], keepalive: [] as string[] }
  const track = (list: string[], reason: string) => {
    list.push(reason)
    let released = false
    return () => {
      if (released) return
      released = true
      list.splice(list.indexOf(reason), 1)
    }
  }
  const holder: StreamHolder = { holdStream: (reason) => track(open.data, reason) }
  const timers = new Map<number, { fn: () => void; at: number }>()
  let nextTimer = 1
  const holds = new StreamHolds({
    keepalive: (reason) => track(open.keepalive, reason),
    pagesConnected: () => pages,
    now: () => now,
    recentFlowMs: 100,
    setTimeout: (fn, ms) => {
      const id = nextTimer++
      timers.set(id, { fn, at: now + ms })
      return id
    },
    clearTimeout: (id) => void timers.delete(id as number),
  })
  const advance = (ms: number) => {
    now += ms
    for (const [id, t] of [...timers]) {
      if (t.at <= now) {
        timers.delete(id)
        t.fn()
      }
    }
  }
  return { holds, holder, open, timers, advance, setPages: (n: number) => (pages = n), now: () => now }
}

describe('StreamHolds', () => {
  it('holds the stream and the worker while a page is connected, with an active account only', () => {
    const h = harness()
    h.setPages(1)
    h.holds.pagesChanged()
    expect(h.open.data).toEqual([]) // no account: nothing to stream
    h.holds.setHolder(h.holder)
    expect(h.open).toEqual({ data: ['page'], keepalive: ['page'] })
    h.setPages(2)
    h.holds.pagesChanged()
    expect(h.open.data).toEqual(['page']) // one hold, however many pages
    h.setPages(0)
    h.holds.pagesChanged()
    expect(h.open).toEqual({ data: [], keepalive: [] })
  })

  it('keeps streaming for the recent-flow window after messages, extended by each new message', () => {
    const h = harness()
    h.holds.setHolder(h.holder)
    h.holds.messagesFlowed()
    expect(h.open).toEqual({ data: ['recent'], keepalive: ['recent'] })
    h.advance(60)
    h.holds.messagesFlowed()
    expect(h.open.data).toEqual(['recent']) // extended, not a second hold
    expect(h.timers.size).toBe(1)
    h.advance(60)
    expect(h.open.data).toEqual(['recent'])
    h.advance(40)
    expect(h.open).toEqual({ data: [], keepalive: [] })
  })

  it('resumes a flow remembered from before a restart only while its window lasts', () => {
    const h = harness(10_000)
    h.holds.setHolder(h.holder)
    h.holds.flowedAt(10_000 - 150)
    expect(h.open.data).toEqual([]) // the window ended before this worker started
    h.holds.flowedAt(10_000 - 40)
    expect(h.open.data).toEqual(['recent'])
    h.advance(59)
    expect(h.open.data).toEqual(['recent'])
    h.advance(1)
    expect(h.open.data).toEqual([])
  })

  it('releases every hold when the account changes or locks, and ignores flow without one', () => {
    const h = harness()
    h.setPages(1)
    h.holds.setHolder(h.holder)
    h.holds.messagesFlowed()
    expect(h.open.data.sort()).toEqual(['page', 'recent'])
    h.holds.setHolder(null)
    expect(h.open).toEqual({ data: [], keepalive: [] })
    expect(h.timers.size).toBe(0)
    h.holds.messagesFlowed()
    expect(h.open.data).toEqual([])
    const other = harness()
    h.holds.setHolder(other.holder) // a page is still connected: the new account streams at once
    expect(other.open.data).toEqual(['page'])
  })

  it('refuses a negative recent-flow window', () => {
    expect(() => new StreamHolds({ keepalive: () => () => {}, pagesConnected: () => 0, now: () => 0, recentFlowMs: -1 })).toThrow(/recentFlowMs/)
  })
})
