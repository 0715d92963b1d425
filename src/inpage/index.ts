// MAIN-world entry (emitted standalone by crxjs, runs at document_start): installs
// window.xmtp before the page's own scripts run. Deliberately tiny and polyfill-free.
import { PROVIDER_GLOBAL, PROVIDER_INITIALIZED_EVENT } from '../extension/dapp-visible.ts'
import { announceProvider } from './discovery.ts'
import { createProvider } from './provider.ts'
import { createWindowTransport } from './window-transport.ts'

if (!Object.hasOwn(window, PROVIDER_GLOBAL)) {
  const provider = createProvider(createWindowTransport(window))
  // Not writable or configurable: a page script cannot swap the provider under other scripts.
  Object.defineProperty(window, PROVIDER_GLOBAL, { value: provider, enumerable: true })
  window.dispatchEvent(new Event(PROVIDER_INITIALIZED_EVENT))
  announceProvider(window, provider)
}
