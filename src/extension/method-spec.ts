// What one RPC method is: who may call it and how its params are checked. The table itself is
// METHODS in messages.ts, assembled from the per-domain tables in methods/.
//
// Imported by the page-world script: keep it free of chrome.*, browser.* and DOM.
import { providerErrors } from './dapp-visible.ts'

/** Who may call a method: any web page through window.xmtp, or only Parley's own pages. */
export type Exposure = 'dapp' | 'extension'

export interface MethodSpec<P, R, E extends Exposure = Exposure> {
  readonly exposure: E
  /**
   * Safe to send again when no answer came back (the worker stopped mid-call): a read, or a
   * write whose repeat changes nothing more. Parley's pages retry these (rpc-client.ts).
   */
  readonly repeatable: boolean
  /** Turns raw params into the typed params, or throws a -32602 ProviderRpcError. */
  readonly parseParams: (raw: unknown, method: string) => P
  /** Type-only carrier; never set at runtime. */
  readonly _types?: { params: P; result: R }
}

export interface MethodOptions {
  /** See MethodSpec.repeatable; false unless said. */
  repeatable?: boolean
}

/** A method any web page may call through window.xmtp. */
export function dappMethod<P, R>(parseParams: (raw: unknown, method: string) => P, options: MethodOptions = {}): MethodSpec<P, R, 'dapp'> {
  return Object.freeze({ exposure: 'dapp', repeatable: options.repeatable === true, parseParams })
}

/** A method only Parley's own pages (popup, approval windows) may call. */
export function extensionMethod<P, R>(parseParams: (raw: unknown, method: string) => P, options: MethodOptions = {}): MethodSpec<P, R, 'extension'> {
  return Object.freeze({ exposure: 'extension', repeatable: options.repeatable === true, parseParams })
}

/** Marks a method as safe to send again (MethodSpec.repeatable). */
export const REPEATABLE: MethodOptions = Object.freeze({ repeatable: true })

/** Params parser for methods that take none: absent, [] or {} are all fine. */
export function noParams(raw: unknown, method: string): undefined {
  if (raw === undefined) return undefined
  if (Array.isArray(raw) ? raw.length === 0 : Object.keys(raw as object).length === 0) return undefined
  throw providerErrors.invalidParams(method, 'this method takes no params')
}

export type MethodTable = Readonly<Record<string, MethodSpec<unknown, unknown>>>
