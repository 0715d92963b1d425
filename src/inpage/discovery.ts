// Discovery in the manner of EIP-6963, under Parley's own event names: the provider announces
// itself with `xmtp:announceProvider` (detail: frozen { info, provider }) at start and again
// whenever a dapp dispatches `xmtp:requestProvider`, so dapps find it without racing the
// injection and several XMTP providers can coexist. Parley never answers Ethereum discovery.
import { DISCOVERY_EVENTS, PROVIDER_ICON, PROVIDER_NAME, PROVIDER_RDNS, type ProviderInfo } from '../extension/dapp-visible.ts'

export interface DiscoveryTarget {
  addEventListener(type: string, listener: () => void): void
  dispatchEvent(event: Event): boolean
}

export interface ProviderAnnouncement<P> {
  readonly info: Readonly<ProviderInfo>
  readonly provider: P
}

export function providerInfo(uuid: string): Readonly<ProviderInfo> {
  return Object.freeze({ uuid, name: PROVIDER_NAME, icon: PROVIDER_ICON, rdns: PROVIDER_RDNS })
}

/** Announces now and on every request; returns the (frozen) announcement. */
export function announceProvider<P>(target: DiscoveryTarget, provider: P, uuid: string = crypto.randomUUID()): ProviderAnnouncement<P> {
  const detail: ProviderAnnouncement<P> = Object.freeze({ info: providerInfo(uuid), provider })
  const announce = () => void target.dispatchEvent(new CustomEvent(DISCOVERY_EVENTS.announce, { detail }))
  target.addEventListener(DISCOVERY_EVENTS.request, announce)
  announce()
  return detail
}
