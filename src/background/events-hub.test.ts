import { describe, expect, it } from 'vitest'
import { EXTENSION_EVENTS_PORT } from '../extension/events.ts'
import { EventHub, type EventPort } from './events-hub.ts'

function fakePort(name = EXTENSION_EVENTS_PORT) {
  const messageListeners: ((m: unknown) => void)[] = []
  const disconnectListeners: (() => void)[] = []
  const sent: unknown[] = []
  const port: EventPort & { sent: unknown[]; send(m: unknown): void; disconnect(): void } = {
    name,
    sent,
    postMessage: (m) => void sent.push(m),
    onMessage: { addListener: (l) => void messageListeners.push(l) },
    onDisconnect: { addListener: (l) => void disconnectListeners.push(l) },
    send: (m) => messageListeners.forEach((l) => l(m)),
    disconnect: () => disconnectListeners.forEach((l) => l()),
  }
  return port
}

describe('EventHub', () => {
  it('adopts only the events port and broadcasts to every page', () => {
    const hub = new EventHub()
    const a = fakePort()
    const b = fakePort()
    expect(hub.accept(fakePort('other'))).toBe(false)
    expect(hub.accept(a) && hub.accept(b)).toBe(true)
    hub.broadcast({ type: 'sync', status: { state: 'idle', streaming: false } })
    expect(a.sent).toHaveLength(1)
    expect(b.sent).toEqual(a.sent)
  })

  it('tracks which conversation each page views, and forgets pages that leave', () => {
    const hub = new EventHub()
    const presence: number[] = []
    hub.onPresence((n) => presence.push(n))
    const a = fakePort()
    hub.accept(a)
    a.send({ type: 'viewing', topic: '/xmtp/0/m-1/proto' })
    expect(hub.isViewing('/xmtp/0/m-1/proto')).toBe(true)
    a.send({ type: 'viewing', topic: 42 }) // malformed: ignored
    expect(hub.isViewing('/xmtp/0/m-1/proto')).toBe(true)
    a.send({ type: 'viewing', topic: null })
    expect(hub.isViewing('/xmtp/0/m-1/proto')).toBe(false)
    a.disconnect()
    expect(hub.connected).toBe(0)
    expect(presence).toEqual([1, 0])
  })

  it('drops a port whose postMessage throws', () => {
    const hub = new EventHub()
    const broken = fakePort()
    broken.postMessage = () => {
      throw new Error('Attempting to use a disconnected port object')
    }
    hub.accept(broken)
    hub.broadcast({ type: 'sync', status: { state: 'idle', streaming: false } })
    expect(hub.connected).toBe(0)
  })
})
