// How the background reaches its invitation workers: which way each browser gets, and the
// Chromium connector against stand-ins for chrome.offscreen and the service worker's clients,
// with the worker side (serve.ts) on the far end of each real MessagePort.
import { describe, expect, it } from 'vitest'
import { OFFLOAD_TAG, asConnectMessage } from './messages.ts'
import { closeLeftoverOffscreen, INVITATION_WORKER_ASSET, OFFSCREEN_PAGE, offscreenConnector, platformConnector, workerCount } from './connect.ts'
import { servePort, type PortLike } from './serve.ts'

const BASE = 'chrome-extension://abc/'

/** chrome.offscreen and clients stand-ins; `answer` decides what the "document" does with each port. */
function chromium(answer: (port: MessagePort, slot: number) => void, { createFails = false } = {}) {
  const calls: string[] = []
  let open = false
  const client = {
    url: BASE + OFFSCREEN_PAGE,
    postMessage(message: unknown, transfer: MessagePort[]) {
      const connect = asConnectMessage(message)
      if (connect) answer(transfer[0]!, connect.slot)
    },
  }
  const apis = {
    offscreen: {
      createDocument: async (options: chrome.offscreen.CreateParameters) => {
        calls.push(`create ${options.url} ${options.reasons.join()}`)
        if (createFails) throw new Error('no offscreen here')
        open = true
      },
      closeDocument: async () => {
        calls.push('close')
        open = false
      },
    },
    getURL: (path: string) => BASE + path,
    clients: { matchAll: async () => (open ? [client] : []) as unknown as readonly Client[] },
  }
  return { apis: apis as never, calls }
}

describe('offscreenConnector (Chromium)', () => {
  it('opens the offscreen document for WORKERS, gives each worker a port, and resolves once all answered ready', async () => {
    const served: Array<() => void> = []
    const { apis, calls } = chromium((port) => served.push(servePort(port as unknown as PortLike, () => 'libsecp256k1 (wasm)')))
    const connection = await offscreenConnector(apis, 2)()
    expect(calls).toEqual([`create ${OFFSCREEN_PAGE} WORKERS`])
    expect(connection.ports).toHaveLength(2)
    expect(connection.backend).toBe('libsecp256k1 (wasm)')
    // A second connect (a restarted service worker) reuses the open document.
    await offscreenConnector(apis, 1)()
    expect(calls).toEqual([`create ${OFFSCREEN_PAGE} WORKERS`])
    connection.release()
    expect(calls.at(-1)).toBe('close')
    served.forEach((stop) => stop())
  })

  it('fails with a labelled reason when the document cannot be created, or no worker answers in time (and lets the document go)', async () => {
    await expect(offscreenConnector(chromium(() => {}, { createFails: true }).apis, 1)()).rejects.toMatchObject({ reason: 'unavailable', message: 'the offscreen document could not be created (Error)' })
    const silent = chromium(() => {})
    await expect(offscreenConnector(silent.apis, 1, 100)()).rejects.toMatchObject({ reason: 'timeout', message: 'the invitation workers were not ready within 100 ms' })
    expect(silent.calls.at(-1)).toBe('close')
  })

  it('does not take a message from the port for ready unless it is one', async () => {
    const { apis } = chromium((port) => {
      port.postMessage({ tag: 'someone-else', kind: 'ready', backend: 'x' })
      port.postMessage({ tag: OFFLOAD_TAG, kind: 'ready', backend: 42 })
    })
    await expect(offscreenConnector(apis, 1, 150)()).rejects.toMatchObject({ reason: 'timeout' })
  })
})

describe('closeLeftoverOffscreen', () => {
  it('closes an offscreen document left open, and does nothing when there is none or no chrome.offscreen', async () => {
    const { apis, calls } = chromium((port) => servePort(port as unknown as PortLike, () => 'noble'))
    const a = apis as { offscreen: object; clients: object; getURL: (p: string) => string }
    const scope = { chrome: { offscreen: a.offscreen, runtime: { getURL: a.getURL } }, clients: a.clients }
    expect(await closeLeftoverOffscreen(scope)).toBe(false)
    await offscreenConnector(apis, 1)()
    expect(await closeLeftoverOffscreen(scope)).toBe(true)
    expect(calls.at(-1)).toBe('close')
    expect(await closeLeftoverOffscreen({})).toBe(false)
  })
})

describe('platformConnector', () => {
  it('Chromium (chrome.offscreen and clients): the offscreen document; Firefox (an event page with Worker): its own workers; else none', () => {
    const { apis } = chromium(() => {})
    expect(platformConnector({ chrome: { offscreen: (apis as { offscreen: object }).offscreen, runtime: { getURL: (p: string) => BASE + p } }, clients: { matchAll: async () => [] } })).toBeTypeOf('function')
    let started = ''
    class FakeWorker {
      constructor(url: string) {
        started = url
      }
    }
    const firefox = platformConnector({ chrome: {}, Worker: FakeWorker, document: {}, browser: { runtime: { getURL: (p: string) => `moz-extension://id/${p}` } } })
    expect(firefox).toBeTypeOf('function')
    expect(started).toBe('') // nothing starts before the first connect
    expect(platformConnector({})).toBeNull()
    expect(platformConnector({ Worker: FakeWorker })).toBeNull() // a worker scope without a document (Chromium's service worker has no Worker anyway)
    expect(INVITATION_WORKER_ASSET).toBe('assets/invitation-worker.js')
  })

  it('one worker per core beyond the background thread, 1 to 4', () => {
    expect([workerCount(1), workerCount(2), workerCount(4), workerCount(16), workerCount(undefined)]).toEqual([1, 1, 3, 4, 1])
  })
})
