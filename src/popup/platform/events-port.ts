// The page side of the background's events port (EXTENSION_EVENTS_PORT): one long-lived port,
// reconnected with backoff when the worker restarts, re-announcing the conversation on screen.
import { EXTENSION_EVENTS_PORT, isExtensionEvent, type ExtensionEvent, type ViewingMessage } from '../../extension/events.ts'
import { Listeners } from '../../state/listeners.ts'
import type { EventChannel } from './types.ts'

/** The part of runtime.Port this needs (webextension-polyfill and chrome both fit). */
export interface PortLike {
  postMessage(message: unknown): void
  disconnect(): void
  onMessage: { addListener(listener: (message: unknown) => void): void }
  onDisconnect: { addListener(listener: () => void): void }
}

export interface EventPortOptions {
  connect: (name: string) => PortLike
  /** Delay before reconnect attempt n (0-based). */
  backoffMs?: (attempt: number) => number
  setTimer?: (fn: () => void, ms: number) => unknown
}

export function createEventChannel(options: EventPortOptions): EventChannel {
  const backoff = options.backoffMs ?? ((n) => Math.min(5000, 250 * 2 ** n))
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
  const listeners = new Listeners<[event: ExtensionEvent]>('background event')
  const connectionListeners = new Listeners<[connected: boolean]>('events port connection')
  let viewing: string | null = null
  let port: PortLike | null = null
  let closed = false
  let attempt = 0


  const open = () => {
    if (closed) return
    let p: PortLike
    try {
      p = options.connect(EXTENSION_EVENTS_PORT)
    } catch {
      retry()
      return
    }
    port = p
    p.onMessage.addListener((message) => {
      attempt = 0
      if (!isExtensionEvent(message)) return
      listeners.emit(message)
    })
    p.onDisconnect.addListener(() => {
      if (port === p) port = null
      connectionListeners.emit(false)
      retry()
    })
    if (viewing !== null) p.postMessage({ type: 'viewing', topic: viewing } satisfies ViewingMessage)
    connectionListeners.emit(true)
  }

  const retry = () => {
    if (closed) return
    setTimer(open, backoff(attempt++))
  }

  open()

  return {
    subscribe: (listener) => listeners.add(listener),
    onConnection: (listener) => connectionListeners.add(listener),
    setViewing(topic) {
      viewing = topic
      try {
        port?.postMessage({ type: 'viewing', topic } satisfies ViewingMessage)
      } catch {
        // The port dropped; the reconnect re-announces `viewing`.
      }
    },
    close() {
      closed = true
      port?.disconnect()
      port = null
    },
  }
}
