// The content script's end of the dapp events port (DAPP_EVENTS_PORT): opened when the page
// asks for events, it passes every background event on to the page on the window channel.
// When the background goes away (the MV3 worker stopped, the extension was updated) the port
// drops; while the page still wants events it reconnects (backing off if it keeps dropping)
// and tells the background which subscriptions to carry on, so none is silently lost.
import { DAPP_EVENTS_PORT, isDappPortEvent } from '../extension/methods/dapp.ts'
import { WINDOW_CHANNEL, type PageEventMessage } from '../extension/messages.ts'
import { postToSameWindow, type ChannelWindow } from '../extension/window-channel.ts'

/** The parts of runtime.Port the content script uses. */
export interface EventsPortLike {
  postMessage(message: unknown): void
  disconnect(): void
  onMessage: { addListener(listener: (message: unknown) => void): void }
  onDisconnect: { addListener(listener: () => void): void }
}

export type ConnectEventsPort = (name: string) => EventsPortLike

export interface EventsPortOptions {
  /** Delay before the first reconnect (ms); doubles while the port keeps dropping quickly. */
  reconnectDelayMs?: number
  maxReconnectDelayMs?: number
  /** How long a request waits for a port that is still opening (ms). */
  readyTimeoutMs?: number
}

export interface EventsPortRelay {
  /** The page wants events: open the port (idempotent). */
  want(): void
  /** Resolves when the port is usable (or at once when events are not wanted). */
  whenReady(): Promise<void>
  stop(): void
}

export function createEventsPortRelay(win: ChannelWindow, connect: ConnectEventsPort, options: EventsPortOptions = {}): EventsPortRelay {
  const baseDelay = options.reconnectDelayMs ?? 1000
  const maxDelay = options.maxReconnectDelayMs ?? 30_000
  const readyTimeout = options.readyTimeoutMs ?? 3000
  const subscriptions = new Map<string, string[] | undefined>()
  let wanted = false
  let stopped = false
  let port: EventsPortLike | null = null
  let ready: Promise<void> = Promise.resolve()
  let markReady: () => void = () => {}
  let delay = baseDelay
  let timer: ReturnType<typeof setTimeout> | null = null

  function open(): void {
    if (stopped || port) return
    ready = new Promise((resolve) => (markReady = resolve))
    const openedAt = Date.now()
    let current: EventsPortLike
    try {
      current = connect(DAPP_EVENTS_PORT)
    } catch {
      // The extension context is gone for good (extension removed or updated): nothing to reconnect to.
      markReady()
      return
    }
    port = current
    current.onMessage.addListener((message) => {
      if (port !== current || !isDappPortEvent(message)) return
      markReady()
      if (message.type === 'subscribed') {
        subscriptions.set(message.subscriptionId, message.topics)
        return
      }
      if (message.type === 'subscriptionEnded') subscriptions.delete(message.subscriptionId)
      const forward: PageEventMessage = { channel: WINDOW_CHANNEL, kind: 'event', event: message }
      postToSameWindow(win, forward)
    })
    current.onDisconnect.addListener(() => {
      if (port !== current) return
      port = null
      markReady()
      if (!wanted || stopped) return
      delay = Date.now() - openedAt < 5000 ? Math.min(maxDelay, delay * 2) : baseDelay
      timer = setTimeout(() => {
        timer = null
        open()
      }, delay)
    })
    if (subscriptions.size > 0) {
      current.postMessage({
        type: 'resume',
        subscriptions: [...subscriptions].map(([subscriptionId, topics]) => (topics ? { subscriptionId, topics } : { subscriptionId })),
      })
    }
  }

  return {
    want() {
      if (wanted) return
      wanted = true
      delay = baseDelay
      open()
    },
    whenReady() {
      if (!wanted) return Promise.resolve()
      if (!port && !timer) open()
      let t: ReturnType<typeof setTimeout> | undefined
      return Promise.race([ready, new Promise<void>((resolve) => (t = setTimeout(resolve, readyTimeout)))]).finally(() => clearTimeout(t))
    },
    stop() {
      stopped = true
      wanted = false
      if (timer) clearTimeout(timer)
      port?.disconnect()
      port = null
    },
  }
}
