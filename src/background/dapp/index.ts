// The dapp side of the background. Wiring (src/background/index.ts):
//
//   handlers: { ...createDappHandlers(ctx), ...createSiteHandlers(ctx), ... }
//   runtime.onConnect: port.name === DAPP_EVENTS_PORT → attachDappEventsPort(ctx, port, caller)
//     with caller = classifySender(port.sender incl. tab id and frameId)
//
// Both factories and the port share one DappServices per BackgroundContext.
import type { Caller } from '../dispatcher.ts'
import { frameKeyOf } from '../dispatcher.ts'
import type { BackgroundContext } from '../services.ts'
import type { DappPortLike } from './event-hub.ts'
import { siteNamespace } from './access.ts'
import { dappServicesFor } from './service.ts'

export { createDappHandlers, createSiteHandlers } from './handlers.ts'
export { DAPP_EVENTS_PORT } from '../../extension/methods/dapp.ts'
export type { DappPortLike } from './event-hub.ts'

/**
 * Accepts a content script's events port. Ports from anything but a web page frame with a host
 * (the browser's sender: extension pages, other extensions, no tab) are closed at once.
 */
export function attachDappEventsPort(ctx: BackgroundContext, port: DappPortLike, caller: Caller | null): void {
  const frameKey = caller?.kind === 'dapp' ? frameKeyOf(caller.frame) : undefined
  if (caller?.kind !== 'dapp' || frameKey === undefined || !hasNamespace(caller.origin)) {
    port.disconnect()
    return
  }
  dappServicesFor(ctx).hub.attach(port, caller.origin, frameKey)
}

function hasNamespace(origin: string): boolean {
  try {
    siteNamespace(origin)
    return true
  } catch {
    return false
  }
}
