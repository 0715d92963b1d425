// The content script's only job: carry page requests from window.xmtp to the background and
// carry the answers back, and (when the page asks) background events to the page over the
// dapp events port. It checks envelopes (same window, our channel, an id) but not the
// request itself: the background validates everything, since pages can skip the provider.
import { providerErrors } from '../extension/dapp-visible.ts'
import { retrying, type RetryOptions } from '../extension/retry.ts'
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
import { documentOrigin, isSameWindowEvent, postToSameWindow, type ChannelEvent, type ChannelWindow } from '../extension/window-channel.ts'
import { createEventsPortRelay, type ConnectEventsPort, type EventsPortOptions } from './events-port.ts'

/** Sends one message to the background and resolves with its answer (runtime.sendMessage). */
export type SendToBackground = (message: RuntimeRpcMessage) => Promise<unknown>

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
  retry: RetryOptions = {},
): () => void {
  // A sandboxed page (opaque origin) is refused by the background; it gets no events port,
  // whose sender Firefox would otherwise describe by the page's URL.
  const opaqueOrigin = documentOrigin(win) === 'null'
  const events = connectEvents && !opaqueOrigin ? createEventsPortRelay(win, connectEvents, eventOptions) : null
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
    let raw: unknown
    try {
      const send = () => sendToBackground(makeRuntimeRpcMessage(request, { opaqueOrigin }))
      raw = await (isRepeatable(request) ? retrying(send, () => true, retry) : send())
    } catch {
      // The background is gone (worker stopped mid-call; extension reloaded, updated or disabled).
      return { ok: false, error: providerErrors.disconnected().toJSON() }
    }
    return parseRpcResponse(raw) ?? { ok: false, error: providerErrors.invalidResponse().toJSON() }
  }

  win.addEventListener('message', onMessage)
  return () => {
    win.removeEventListener('message', onMessage)
    events?.stop()
  }
}
