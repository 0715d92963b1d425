// Handing the thread back to the event loop between slices of long synchronous work (the
// curve work of opening a page of invitations, ~1 ms each). What waits meanwhile is tasks,
// not microtasks: a fetch's answer, an IndexedDB transaction's events, a worker's reply, an
// RPC. `await null` would run none of them; a task-level yield runs those already queued.
//
// Where it exists, scheduler.yield() (Chromium ≥ 129, in workers too) continues ahead of
// other new work; Node has setImmediate; elsewhere one MessageChannel posts to itself (a
// setTimeout chain is clamped to 4 ms after five nested levels in browsers, which would cost
// more than the slices it separates).

type Resolve = () => void

let channel: { port: MessagePort; waiting: Resolve[] } | undefined

function viaChannel(): Promise<void> {
  if (!channel) {
    const { port1, port2 } = new MessageChannel()
    const waiting: Resolve[] = []
    port1.onmessage = () => waiting.shift()?.()
    ;(port1 as { unref?: () => void }).unref?.()
    channel = { port: port2, waiting }
  }
  const { port, waiting } = channel
  return new Promise<void>((resolve) => {
    waiting.push(resolve)
    port.postMessage(null)
  })
}

/** Resolves in a later task, after the tasks already queued (I/O answers, messages) have run. */
export function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler
  if (typeof scheduler?.yield === 'function') return scheduler.yield()
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate
  if (typeof immediate === 'function') return new Promise((resolve) => void immediate(resolve))
  return viaChannel()
}
