import { describe, expect, it } from 'vitest'
import { EXTENSION_EVENTS_PORT } from '../extension/events.ts'
import type { ConversationView } from '../extension/views.ts'
import { EventHub, SYNC_PROGRESS_INTERVAL_MS, type EventPort } from './events-hub.ts'

const conversation = (n: number, unreadCount = 0): ConversationView => ({
  topic: `/xmtp/0/m-${n}/proto`,
  peerAddress: `0x${String(n).padStart(40, '0')}`,
  version: 'v2',
  createdAt: n,
  consent: 'unknown',
  unreadCount,
  muted: false,
})
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0))

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

  it('sends a burst of conversation changes as one event, each topic once with its latest state', async () => {
    const hub = new EventHub()
    const page = fakePort()
    hub.accept(page)
    for (let n = 1; n <= 300; n++) hub.broadcast({ type: 'conversation', conversation: conversation(n) })
    hub.broadcast({ type: 'conversation', conversation: conversation(7, 3) }) // changed again in the burst
    expect(page.sent).toEqual([]) // gathered until the task ends
    await nextTask()
    expect(page.sent).toHaveLength(1)
    const event = page.sent[0] as { type: string; conversations: ConversationView[] }
    expect(event.type).toBe('conversations')
    expect(event.conversations).toHaveLength(300)
    expect(event.conversations.find((c) => c.topic === '/xmtp/0/m-7/proto')?.unreadCount).toBe(3)

    // A lone change stays a plain 'conversation' event.
    hub.broadcast({ type: 'conversation', conversation: conversation(1, 1) })
    await nextTask()
    expect(page.sent[1]).toEqual({ type: 'conversation', conversation: conversation(1, 1) })
  })

  it('keeps order: another event sends the gathered conversation changes first', () => {
    const hub = new EventHub()
    const page = fakePort()
    hub.accept(page)
    hub.broadcast({ type: 'conversation', conversation: conversation(1) })
    hub.broadcast({ type: 'messages', topic: conversation(1).topic, messages: [] })
    expect(page.sent.map((e) => (e as { type: string }).type)).toEqual(['conversation', 'messages'])
  })

  it('a sync whose progress alone moves reaches pages at most every interval, the latest only; a change of state at once', async () => {
    const hub = new EventHub()
    const page = fakePort()
    hub.accept(page)
    const syncing = (done: number) => ({ state: 'syncing' as const, streaming: false, progress: { done, total: 1000, what: 'Opening invitations' } })
    hub.broadcast({ type: 'sync', status: syncing(0) }) // a new state: at once
    for (let done = 1; done <= 1000; done++) hub.broadcast({ type: 'sync', status: syncing(done) })
    expect(page.sent).toEqual([{ type: 'sync', status: syncing(0) }])
    await new Promise((resolve) => setTimeout(resolve, SYNC_PROGRESS_INTERVAL_MS + 20))
    expect(page.sent).toEqual([
      { type: 'sync', status: syncing(0) },
      { type: 'sync', status: syncing(1000) },
    ])
    // Held progress, then the pass ends: the end goes at once and the held progress never does.
    hub.broadcast({ type: 'sync', status: syncing(1001) })
    hub.broadcast({ type: 'sync', status: { state: 'idle', streaming: false, lastSyncAt: 5 } })
    await new Promise((resolve) => setTimeout(resolve, SYNC_PROGRESS_INTERVAL_MS + 20))
    expect(page.sent.slice(2)).toEqual([{ type: 'sync', status: { state: 'idle', streaming: false, lastSyncAt: 5 } }])
    // Conversation changes gathered meanwhile still go first.
    hub.broadcast({ type: 'sync', status: syncing(1) })
    hub.broadcast({ type: 'sync', status: syncing(2) })
    hub.broadcast({ type: 'conversation', conversation: conversation(7) })
    await new Promise((resolve) => setTimeout(resolve, SYNC_PROGRESS_INTERVAL_MS + 20))
    expect(page.sent.slice(3).map((e) => (e as { type: string }).type)).toEqual(['sync', 'conversation', 'sync'])
    expect(page.sent.at(-1)).toEqual({ type: 'sync', status: syncing(2) })
  })
})
