// The one place the messenger touches the extension APIs.
import browser from 'webextension-polyfill'
import { createRpcClient } from '../../extension/rpc-client.ts'
import { createEventChannel } from './events-port.ts'
import type { Platform, ViewKind } from './types.ts'

export function createBrowserPlatform(view: ViewKind): Platform {
  return {
    rpc: createRpcClient((message) => browser.runtime.sendMessage(message)),
    events: createEventChannel({ connect: (name) => browser.runtime.connect({ name }) }),
    view,
    requestHostPermission: (origin) => browser.permissions.request({ origins: [`${origin}/*`] }),
    closeView: () => {
      if (view === 'popup') window.close()
    },
  }
}
