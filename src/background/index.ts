// Background entry: a module service worker in Chrome, a module event page in Firefox.
// Listeners are registered synchronously at top level so a message that wakes the worker
// is delivered to them.
import browser from 'webextension-polyfill'
import { classifySender, createDispatcher } from './dispatcher.ts'
import { createHandlers } from './handlers.ts'
import { isRuntimeRpcMessage, METHODS } from '../extension/messages.ts'

const dispatch = createDispatcher(
  METHODS,
  createHandlers({ version: browser.runtime.getManifest().version, startedAt: Date.now() }),
  {
    onInternalError: (method, error) => {
      // Only the error's name reaches the log: messages may one day quote secret inputs.
      console.error(`parley: ${method} failed (${error instanceof Error ? error.name : typeof error})`)
    },
  },
)

const extensionBaseUrl = browser.runtime.getURL('')

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  if (!isRuntimeRpcMessage(message)) return undefined // not ours: let other listeners answer
  const origin = (sender as { origin?: string }).origin
  const caller = classifySender(
    { id: sender.id, url: sender.url, origin, tabId: sender.tab?.id, frameId: sender.frameId },
    browser.runtime.id,
    extensionBaseUrl,
  )
  return dispatch(message, caller)
})
