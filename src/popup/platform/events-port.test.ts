import { describe, expect, it } from 'vitest'
import { EXTENSION_EVENTS_PORT, type ExtensionEvent } from '../../extension/events.ts'
import { createEventChannel, type PortLike } from './events-port.ts'

class FakePort implements PortLike {
  sent: unknown[] = []
  private onMsg: Array<(m: unknown) => void> = []
  private onDisc: Array<() => void> = []
  disconnected = false
  postMessage(m: unknown) {
    this.sent.push(m)
  }
  disconnect() {
    this.disconnected = true
  }
  onMessage = { addListener: (l: (m: unknown) => void) => void this.onMsg.push(l) }
  onDisconnect = { addListener: (l: () => void) => void this.onDisc.push(l) }
  push(m: unknown) {
    for (const l of this.onMsg) l(m)
  }
  drop() {
    for (const l of this.onDisc) l()
  }
}

describe('events port (page side)', () => {
  it('delivers only well-formed events, reconnects after the worker restarts and re-announces the open conversation', () => {
    const ports: FakePort[] = []
    const names: string[] = []
    const timers: Array<() => void> = []
    const channel = createEventChannel({
      connect: (name) => {
        names.push(name)
        const p = new FakePort()
        ports.push(p)
        return p
      },
      setTimer: (fn) => timers.push(fn),
    })
    const got: ExtensionEvent[] = []
    const connection: boolean[] = []
    channel.subscribe((e) => got.push(e))
    channel.onConnection((c) => connection.push(c))
    channel.setViewing('/xmtp/0/m-a/proto')
    expect(ports[0]?.sent).toEqual([{ type: 'viewing', topic: '/xmtp/0/m-a/proto' }])

    ports[0]?.push({ type: 'sync', status: { state: 'idle', streaming: true } })
    ports[0]?.push({ type: 'bogus' })
    ports[0]?.push('not an event')
    expect(got).toEqual([{ type: 'sync', status: { state: 'idle', streaming: true } }])

    ports[0]?.drop()
    expect(connection).toEqual([false])
    expect(timers).toHaveLength(1)
    timers[0]?.()
    expect(names).toEqual([EXTENSION_EVENTS_PORT, EXTENSION_EVENTS_PORT])
    expect(connection).toEqual([false, true])
    expect(ports[1]?.sent).toEqual([{ type: 'viewing', topic: '/xmtp/0/m-a/proto' }])
    ports[1]?.push({ type: 'node', status: { url: 'u', reachable: false, checkedAt: 1 } })
    expect(got).toHaveLength(2)

    channel.close()
    expect(ports[1]?.disconnected).toBe(true)
  })

  it('keeps retrying while connect throws, with growing delays', () => {
    const delays: number[] = []
    const timers: Array<() => void> = []
    let fail = 3
    createEventChannel({
      connect: () => {
        if (fail-- > 0) throw new Error('Extension context invalidated')
        return new FakePort()
      },
      setTimer: (fn, ms) => {
        delays.push(ms)
        timers.push(fn)
      },
    })
    while (timers.length > 0) timers.shift()?.()
    expect(delays).toEqual([250, 500, 1000])
  })

  it('a listener that throws is reported and never keeps the event from the others', () => {
    const port = new FakePort()
    const channel = createEventChannel({ connect: () => port, setTimer: () => {} })
    const got: ExtensionEvent[] = []
    const reported: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => void reported.push(args.join(' '))
    try {
      channel.subscribe(() => {
        throw new Error('a broken screen')
      })
      channel.subscribe((e) => got.push(e))
      port.push({ type: 'sync', status: { state: 'idle', streaming: true } })
    } finally {
      console.error = original
    }
    expect(got).toEqual([{ type: 'sync', status: { state: 'idle', streaming: true } }])
    expect(reported).toEqual(['[parley] a background event listener failed: Error: a broken screen'])
  })
})
