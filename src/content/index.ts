// Isolated-world entry (emitted standalone by crxjs, runs at document_start).
import browser from 'webextension-polyfill'
import { startRelay } from './relay.ts'

startRelay(
  window,
  (message) => browser.runtime.sendMessage(message),
  (name) => browser.runtime.connect({ name }),
)
