// The content script's only job: carry page requests from window.xmtp to the background and
// carry the answers back, and (when the page asks) background events to the page over the
// dapp events port. It checks envelopes (same window, our channel, an id) but not the
// request itself: the background validates everything, since pages can skip the provider.
import { providerErrors } from '../extension/dapp-visible.ts'
import {
  makeRuntimeRpcMessage,
  METHODS,
  parsePageEventsControl,
  parsePageRequest,
  parseRpcResponse,
  WINDOW_CHANNEL,
  type PageResponseMessage,
  type RpcResponse,
  type RuntimeRpcMessage,
} from '../extension/messages.ts'
import { isSameWindowEvent, postToSameWindow, type ChannelEvent, type ChannelWindow } from '../extension/window-channel.ts'
import { createEventsPortRelay, type ConnectEventsPort, type EventsPortOptions } from './events-port.ts'

/** Sends one message to the background and resolves with its answer (runtime.sendMessage). */
export type SendToBackground = (message: RuntimeRpcMessage) => Promise<unknown>

/** How a repeatable request (METHODS[…].repeatable) is sent again after the worker went away. */
export interface RelayRetry {
  attempts?: number
  delayMs?: number
}

/** Whether the table marks the page's method safe to send again (the method name is untrusted). */
function isRepeatable(request: unknown): boolean {
  const method = (request as { method?: unknown } | null)?.method
  return typeof method === 'string' && Object.hasOwn(METHODS, method) && METHODS[method as keyof typeof METHODS].repeatable
}

/** Starts relaying; returns a function that stops it. */
export function startRelay(
  win: ChannelWindow,
  sendToBackground: SendToBackground,
  connectEvents?: ConnectEventsPort,
  eventOptions?: EventsPortOptions,
  retry: RelayRetry = {},
): () => void {
  const attempts = retry.attempts ?? 3
  const delayMs = retry.delayMs ?? 150
  const events = connectEvents ? createEventsPortRelay(win, connectEvents, eventOptions) : null
  const onMessage = (event: ChannelEvent): void => {
    if (!isSameWindowEvent(win, event)) return
    if (parsePageEventsControl(event.data)?.want) {
      events?.want()
      return
    }
    const message = parsePageRequest(event.data)
    if (!message) return
    // Requests wait for an opening events port, so a subscribe finds its port in the background.
    void (events?.whenReady() ?? Promise.resolve()).then(() => forward(message.request)).then((response) => {
      const answer: PageResponseMessage = { channel: WINDOW_CHANNEL, kind: 'response', id: message.id, response }
      postToSameWindow(win, answer)
    })
  }

  async function forward(request: unknown): Promise<RpcResponse> {
    // A read (or a write whose repeat changes nothing) lost to a worker stop is sent again:
    // the next message wakes a new worker. Anything else fails at once, and the page decides.
    const tries = isRepeatable(request) ? attempts : 1
    for (let attempt = 1; ; attempt++) {
      try {
        const raw = await sendToBackground(makeRuntimeRpcMessage(request))
        return parseRpcResponse(raw) ?? { ok: false, error: providerErrors.invalidResponse().toJSON() }
      } catch {
        // The background is gone (worker stopped mid-call; extension reloaded, updated or disabled).
        if (attempt >= tries) return { ok: false, error: providerErrors.disconnected().toJSON() }
        await new Promise((resolve) => setTimeout(resolve, delayMs))
      }
    }
  }

  win.addEventListener('message', onMessage)
  return () => {
    win.removeEventListener('message', onMessage)
    events?.stop()
  }
}
