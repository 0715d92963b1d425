// Background entry: a module service worker in Chrome, a module event page in Firefox.
// Listeners are registered synchronously at top level so the event that woke the worker
// (a message, a port, an alarm, a notification click) is delivered to them; each waits for
// start-up inside the app (../shared/notes/mv3-worker.md: "handlers should await ready").
import { markBoot } from './boot-marks.ts'
import browser from 'webextension-polyfill'
import { loadCryptoBackend } from './session/crypto-backend.ts'
import { LIBSECP256K1_ASSET } from './session/libsecp256k1-asset.ts'
import { createBackground, POLL_ALARM, POLL_PERIOD_MINUTES } from './app.ts'
import { classifySender } from './rpc-router.ts'
import { DAPP_EVENTS_PORT } from './dapp/index.ts'
import { isRuntimeRpcMessage } from '../extension/messages.ts'
import type { StorageArea } from './contracts.ts'
import { Listeners } from '../state/listeners.ts'
import { closeLeftoverOffscreen, platformConnector } from './offload/connect.ts'
import { InvitationOffloader } from './offload/offloader.ts'

markBoot('modules-evaluated')
// libsecp256k1 compiles off the wake path; noble serves the first calls (crypto-backend.ts).
// The load starts once the vault and session have started and a moment has passed: its
// compile result and known-answer check run on this one thread, and on a wake they landed
// between the vault resume and the first answer from the cache. The Client that needs the
// module is built later anyway (after the cache's reads, session-manager.ts).
const BACKEND_LOAD_DELAY_MS = 50
let startedUp: () => void = () => {}
const afterStartUp = new Promise<void>((resolve) => (startedUp = resolve))
const cryptoBackend = loadCryptoBackend(async () => {
  await afterStartUp
  const response = await fetch(browser.runtime.getURL(LIBSECP256K1_ASSET))
  if (!response.ok) throw new Error(`HTTP ${response.status}`)
  return response.arrayBuffer()
})
void cryptoBackend.ready.then(() => markBoot('curve-backend-settled'))

// A first sync's invitations are opened on worker threads where the browser allows it
// (Chromium: an offscreen document's workers; Firefox: workers of this event page); on any
// failure, and where neither exists, on this thread (offload/offloader.ts).
const offloadConnector = platformConnector()
const offloader = offloadConnector
  ? new InvitationOffloader({
      // A little under half of each page opens here while the workers open the rest: on 2 cores
      // this thread otherwise waits on one worker (bench/extension.ts: 0.17× xmtp-js with, 0.26×
      // without), and it also merges, fetches and answers RPCs. At 0.45 the two threads' CPU
      // during a first sync came out even (~0.6 s each for 1,000 invitations; 0.5 gave this
      // thread 0.56-0.87 s against the worker's 0.43-0.73 s).
      inThreadShare: 0.45,
      connect: () => {
        markBoot('offload-connecting')
        return offloadConnector()
      },
      // Only the reason reaches the log, never a message that could quote an input.
      onFailure: (error) => {
        markBoot(`offload-failed-${error.reason}`)
        console.warn(`parley: invitations opened in the background thread (${error.reason})`)
      },
      // User Timing marks only (bench/extension.ts counts them), no logging.
      onConnected: (backend) => markBoot(`offload-ready-${backend.replace(/\W+/g, '-')}`),
      onOffloaded: () => markBoot('offload-batch'),
    })
  : null

const windowClosed = new Listeners<[windowId: number]>('window closed')
browser.windows?.onRemoved.addListener((windowId) => windowClosed.emit(windowId))

const background = createBackground({
  local: browser.storage.local as unknown as StorageArea,
  sessionStorage: browser.storage.session as unknown as StorageArea,
  indexedDB,
  fetch: (input, init) => fetch(input, init),
  version: browser.runtime.getManifest().version,
  cryptoBackend,
  ...(offloader ? { invitationOffload: offloader } : {}),
  hasHostPermission: (pattern) => browser.permissions.contains({ origins: [pattern] }),
  setBadge: async (text) => {
    await browser.action.setBadgeText({ text })
    if (text) await browser.action.setBadgeBackgroundColor({ color: '#c2410c' })
  },
  notify: async (id, { title, message }) => {
    await browser.notifications.create(id, { type: 'basic', iconUrl: browser.runtime.getURL('icons/icon-128.png'), title, message })
  },
  openTab: async (path) => {
    await browser.tabs.create({ url: browser.runtime.getURL(path) })
  },
  openWindow: async (path, size) => {
    const created = await browser.windows.create({ type: 'popup', url: browser.runtime.getURL(path), ...size })
    return created.id ?? -1
  },
  onWindowClosed: (listener) => windowClosed.add(listener),
  windowExists: async (windowId) => {
    try {
      await browser.windows.get(windowId)
      return true
    } catch {
      return false
    }
  },
  findWindow: async (path) => {
    // runtime.getContexts (Chrome 116+, Firefox 128+) lists the extension's own pages with their windows.
    const url = browser.runtime.getURL(path)
    const contexts = await chrome.runtime.getContexts({ contextTypes: ['TAB' as chrome.runtime.ContextType] }).catch(() => [])
    return contexts.find((c) => c.documentUrl === url && c.windowId >= 0)?.windowId ?? null
  },
  keepalivePing: () => browser.runtime.getPlatformInfo(),
  onInternalError: (method, error) => {
    // Only the error's name reaches the log: messages may quote secret inputs.
    console.error(`parley: ${method} failed (${error instanceof Error ? error.name : typeof error})`)
  },
})
void background.ready.then(() => setTimeout(startedUp, BACKEND_LOAD_DELAY_MS))
// Workers a previous instance of this worker left running (it stopped before letting them go)
// are closed once this one has settled, unless a sync has started using them by then.
const LEFTOVER_CHECK_MS = 10_000
void background.ready.then(() => setTimeout(() => void (offloader?.idle ? closeLeftoverOffscreen().catch(() => false) : false), LEFTOVER_CHECK_MS))

const extensionBaseUrl = browser.runtime.getURL('')

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  if (!isRuntimeRpcMessage(message)) return undefined // not ours: let other listeners answer
  const origin = (sender as { origin?: string }).origin
  const caller = classifySender(
    { id: sender.id, url: sender.url, origin, tabId: sender.tab?.id, frameId: sender.frameId, opaqueOrigin: message.opaqueOrigin === true },
    browser.runtime.id,
    extensionBaseUrl,
  )
  return background.dispatch(message, caller)
})

browser.runtime.onConnect.addListener((port) => {
  // A web page's content script: the dapp events port, tied to the sender's origin and frame.
  if (port.name === DAPP_EVENTS_PORT) {
    const sender = port.sender
    const caller = sender
      ? classifySender(
          { id: sender.id, url: sender.url, origin: (sender as { origin?: string }).origin, tabId: sender.tab?.id, frameId: sender.frameId },
          browser.runtime.id,
          extensionBaseUrl,
        )
      : null
    void background.acceptDappEventsPort(port, caller)
    return
  }
  // Only Parley's own pages get the events port.
  if (port.sender?.id !== browser.runtime.id || !port.sender.url?.startsWith(extensionBaseUrl)) return
  background.acceptEventsPort(port)
})

browser.alarms.onAlarm.addListener((alarm) => void background.onAlarm(alarm.name))
browser.notifications.onClicked.addListener((id) => {
  void background.onNotificationClicked(id)
  void browser.notifications.clear(id)
})

// The polling tick; creating an existing alarm would reschedule it, so only when missing.
void browser.alarms.get(POLL_ALARM).then((existing) => {
  if (!existing) return browser.alarms.create(POLL_ALARM, { periodInMinutes: POLL_PERIOD_MINUTES })
})
markBoot('listeners-registered')
void background.wake()
