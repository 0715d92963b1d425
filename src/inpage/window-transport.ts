// ProviderTransport over same-window postMessage: each request gets an id, the content script
// answers on the same channel with that id. Unknown ids, foreign windows and malformed
// messages are ignored.
import {
  parsePageEvent,
  parsePageResponse,
  WINDOW_CHANNEL,
  type PageEventsControlMessage,
  type PageRequestMessage,
  type RpcResponse,
} from '../extension/messages.ts'
import type { DappPortEvent } from '../extension/methods/dapp.ts'
import { isSameWindowEvent, postToSameWindow, type ChannelEvent, type ChannelWindow } from '../extension/window-channel.ts'
import type { ProviderTransport } from './provider.ts'

export function createWindowTransport(win: ChannelWindow): ProviderTransport {
  // Random per page so ids from two providers on one window (e.g. two installs) never collide.
  const prefix = Math.random().toString(36).slice(2, 10)
  let counter = 0
  const pending = new Map<string, (response: RpcResponse) => void>()
  let onEvent: ((event: DappPortEvent) => void) | null = null

  win.addEventListener('message', (event: ChannelEvent) => {
    if (!isSameWindowEvent(win, event)) return
    const pushed = onEvent ? parsePageEvent(event.data) : null
    if (pushed) {
      onEvent?.(pushed.event)
      return
    }
    const message = parsePageResponse(event.data)
    if (!message) return
    const settle = pending.get(message.id)
    if (!settle) return
    pending.delete(message.id)
    settle(message.response)
  })

  return {
    openEvents(listener) {
      onEvent = listener
      const control: PageEventsControlMessage = { channel: WINDOW_CHANNEL, kind: 'events', want: true }
      postToSameWindow(win, control)
    },
    send(request) {
      const id = `${prefix}-${++counter}`
      return new Promise<RpcResponse>((resolve) => {
        pending.set(id, resolve)
        const message: PageRequestMessage = { channel: WINDOW_CHANNEL, kind: 'request', id, request }
        postToSameWindow(win, message)
      })
    },
  }
}
