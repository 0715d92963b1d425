// How the background reaches invitation workers, per browser (issue 24):
//  - Chromium: the service worker cannot start a Worker, so it opens an offscreen document
//    (chrome.offscreen, reason WORKERS) and posts it one MessageChannel port per worker; the
//    document hands each port to its worker (src/offscreen/offscreen.ts).
//  - Firefox: the background is an event page, which starts the dedicated workers itself.
//  - Elsewhere (Node tests, a browser with neither): no connector; the listing opens
//    invitations on its own thread.
// Each connector resolves once every worker answered `ready` on its port, within a deadline,
// and lets everything go again on any failure.
import { asReadyMessage, MAX_WORKERS, OFFLOAD_TAG, OffloadError, type ConnectMessage } from './messages.ts'
import type { OffloadConnection } from './offloader.ts'

/** The offscreen document, relative to the extension root (vite.config.ts builds it). */
export const OFFSCREEN_PAGE = 'src/offscreen/index.html'
/** The worker script at a fixed name (vite.config.ts worker.entryFileNames), for Firefox's event page. */
export const INVITATION_WORKER_ASSET = 'assets/invitation-worker.js'
/** Starting the workers includes compiling libsecp256k1 in each (bounded at 5 s there). */
const READY_TIMEOUT_MS = 10_000

/** One worker per core beyond the background's own, at least one, at most MAX_WORKERS. */
export function workerCount(cores: number | undefined = globalThis.navigator?.hardwareConcurrency): number {
  const n = Number.isInteger(cores) ? (cores as number) - 1 : 1
  return Math.max(1, Math.min(MAX_WORKERS, n))
}

/** Waits for `ready` on every port; the backend the first one named. Closes them all on failure. */
async function allReady(ports: MessagePort[], timeoutMs: number): Promise<string> {
  const detach: Array<() => void> = []
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    const backends = await Promise.race([
      Promise.all(
        ports.map(
          (port) =>
            new Promise<string>((resolve) => {
              const listener = (event: MessageEvent) => {
                const ready = asReadyMessage(event.data)
                if (ready) resolve(ready.backend)
              }
              port.addEventListener('message', listener)
              detach.push(() => port.removeEventListener('message', listener))
              port.start()
            }),
        ),
      ),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new OffloadError('timeout', `the invitation workers were not ready within ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
    return backends[0] ?? 'unknown'
  } catch (error) {
    for (const port of ports) port.close()
    throw error
  } finally {
    clearTimeout(timer)
    detach.forEach((d) => d())
  }
}

const connectMessage = (slot: number): ConnectMessage => ({ tag: OFFLOAD_TAG, kind: 'connect', slot })

export interface OffscreenApis {
  offscreen: Pick<typeof chrome.offscreen, 'createDocument' | 'closeDocument'>
  getURL(path: string): string
  clients: Pick<Clients, 'matchAll'>
}

/** Chromium: workers started by the extension's offscreen document. */
export function offscreenConnector(apis: OffscreenApis, workers = workerCount(), readyTimeoutMs = READY_TIMEOUT_MS): () => Promise<OffloadConnection> {
  return async () => {
    const url = apis.getURL(OFFSCREEN_PAGE)
    const find = async () => (await apis.clients.matchAll({ includeUncontrolled: true, type: 'window' })).find((c) => c.url === url)
    let client = await find()
    if (!client) {
      try {
        await apis.offscreen.createDocument({
          url: OFFSCREEN_PAGE,
          reasons: ['WORKERS' as chrome.offscreen.Reason],
          justification: 'Opens conversation invitations on worker threads during a sync',
        })
      } catch (error) {
        // Another start may have created it meanwhile; anything else is a real failure.
        if (!(await find())) throw new OffloadError('unavailable', `the offscreen document could not be created (${error instanceof Error ? error.name : typeof error})`)
      }
      client = await find()
    }
    if (!client) throw new OffloadError('unavailable', 'the offscreen document is not reachable')
    const channels = Array.from({ length: workers }, () => new MessageChannel())
    channels.forEach((channel, slot) => client.postMessage(connectMessage(slot), [channel.port2]))
    const ports = channels.map((c) => c.port1)
    const release = () => void apis.offscreen.closeDocument().catch(() => {})
    try {
      return { ports, backend: await allReady(ports, readyTimeoutMs), release }
    } catch (error) {
      release()
      throw error
    }
  }
}

/** Firefox's event page: dedicated workers it starts itself. */
export function dedicatedWorkerConnector(workerUrl: string, workers = workerCount(), readyTimeoutMs = READY_TIMEOUT_MS): () => Promise<OffloadConnection> {
  return async () => {
    const started = Array.from({ length: workers }, () => new Worker(workerUrl, { type: 'module', name: 'parley-invitations' }))
    const release = () => started.forEach((w) => w.terminate())
    const failed = new Promise<never>((_, reject) => {
      for (const worker of started) worker.addEventListener('error', () => reject(new OffloadError('unavailable', 'an invitation worker failed to start')))
    })
    failed.catch(() => {})
    const channels = started.map((worker, slot) => {
      const channel = new MessageChannel()
      worker.postMessage(connectMessage(slot), [channel.port2])
      return channel
    })
    const ports = channels.map((c) => c.port1)
    try {
      return { ports, backend: await Promise.race([allReady(ports, readyTimeoutMs), failed]), release }
    } catch (error) {
      for (const port of ports) port.close()
      release()
      throw error
    }
  }
}

/** The connector this background can use, or null where neither way exists. */
export function platformConnector(scope: Record<string, any> = globalThis): (() => Promise<OffloadConnection>) | null {
  const chromeApi = scope.chrome
  if (typeof chromeApi?.offscreen?.createDocument === 'function' && typeof scope.clients?.matchAll === 'function') {
    return offscreenConnector({ offscreen: chromeApi.offscreen, getURL: (path) => chromeApi.runtime.getURL(path), clients: scope.clients })
  }
  if (typeof scope.Worker === 'function' && typeof scope.document === 'object' && typeof scope.browser?.runtime?.getURL === 'function') {
    return dedicatedWorkerConnector(scope.browser.runtime.getURL(INVITATION_WORKER_ASSET))
  }
  return null
}

/**
 * Closes an offscreen document a previous instance of this service worker left open (it
 * stopped before its idle timer let the workers go). Resolves true when one was closed.
 */
export async function closeLeftoverOffscreen(scope: Record<string, any> = globalThis): Promise<boolean> {
  const chromeApi = scope.chrome
  if (typeof chromeApi?.offscreen?.closeDocument !== 'function' || typeof scope.clients?.matchAll !== 'function') return false
  const url = chromeApi.runtime.getURL(OFFSCREEN_PAGE)
  const open = (await scope.clients.matchAll({ includeUncontrolled: true, type: 'window' })).some((c: { url: string }) => c.url === url)
  if (!open) return false
  await chromeApi.offscreen.closeDocument()
  return true
}
