// The dapp side of the background, built once by the background's assembly (app.ts):
//
//   const dapp = createDappSide(ctx)
//   handlers: { ...dapp.handlers, ... }
//   runtime.onConnect: port.name === DAPP_EVENTS_PORT → dapp.attachEventsPort(port, caller)
//     with caller = classifySender(port.sender incl. tab id and frameId)
//
// The handlers and the events port share the one DappServices built here.
import type { Caller } from '../rpc-router.ts'
import { frameKeyOf } from '../rpc-router.ts'
import type { ActiveSession, BackgroundContext } from '../contracts.ts'
import type { DappPortLike } from './event-hub.ts'
import { siteNamespace } from './access.ts'
import { createDappHandlers, createSiteHandlers, type DappHandlers, type SiteHandlers } from './handlers.ts'
import { createDappServices, type DappServiceOptions, type DappServices } from './service.ts'

export { createDappHandlers, createSiteHandlers } from './handlers.ts'
export { createDappServices, type DappServiceOptions, type DappServices } from './service.ts'
export { DAPP_EVENTS_PORT } from '../../extension/methods/dapp.ts'
export type { DappPortLike } from './event-hub.ts'

export interface DappSide {
  services: DappServices
  /** The xmtp_* methods' handlers and the popup's site and approval handlers. */
  handlers: DappHandlers & SiteHandlers
  /** A content script's events port (see attachDappEventsPort). */
  attachEventsPort(port: DappPortLike, caller: Caller | null): void
  /** The active session changed (lock, unlock, switch, ready): pages hear accountsChanged. */
  sessionChanged(session: ActiveSession | null): void
  /** The wallet changed (accounts, lock): pages' accounts are announced again where they differ. */
  walletChanged(): void
}

export function createDappSide(ctx: BackgroundContext, options: DappServiceOptions = {}): DappSide {
  const services = createDappServices(ctx, options)
  return {
    services,
    handlers: { ...createDappHandlers(services), ...createSiteHandlers(services) },
    attachEventsPort: (port, caller) => attachDappEventsPort(services, port, caller),
    sessionChanged: (session) => services.hub.setSession(session),
    walletChanged: () => void services.hub.refresh(),
  }
}

/**
 * Accepts a content script's events port. Ports from anything but a web page frame with a host
 * (the browser's sender: extension pages, other extensions, no tab) are closed at once.
 */
export function attachDappEventsPort(services: DappServices, port: DappPortLike, caller: Caller | null): void {
  const frameKey = caller?.kind === 'dapp' ? frameKeyOf(caller.frame) : undefined
  if (caller?.kind !== 'dapp' || frameKey === undefined || !hasNamespace(caller.origin)) {
    port.disconnect()
    return
  }
  services.hub.attach(port, caller.origin, frameKey)
}

function hasNamespace(origin: string): boolean {
  try {
    siteNamespace(origin)
    return true
  } catch {
    return false
  }
}
