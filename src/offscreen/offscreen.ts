// Chromium's offscreen document (reason WORKERS): an MV3 service worker cannot start a
// dedicated Worker, so this page starts them for it. It only hands ports on: the background
// posts a `connect` message with one end of a MessageChannel, and this page gives that port to
// the worker of that slot (started on first use). Requests, keys and answers then go between
// the background and the worker directly; this page never sees them. Messages are accepted
// only from this extension's own service worker.
import { asConnectMessage } from '../background/offload/messages.ts'

const workers: Worker[] = []

navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
  const source = event.source
  if (!(source instanceof ServiceWorker) || !source.scriptURL.startsWith(`${location.origin}/`)) return
  const connect = asConnectMessage(event.data)
  const port = event.ports[0]
  if (!connect || !port) return
  const worker = (workers[connect.slot] ??= new Worker(new URL('./invitation-worker.ts', import.meta.url), { type: 'module', name: 'parley-invitations' }))
  worker.postMessage(connect, [port])
})
navigator.serviceWorker.startMessages()
