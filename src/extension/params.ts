// Small, labelled validators for RPC params. Each throws a -32602 ProviderRpcError naming the
// method and the field, so a bad call from a page or the popup gets a clear answer and the
// background never acts on a half-checked request.
//
// Imported by the page-world script: keep it free of chrome.*, browser.* and DOM.
import { providerErrors } from './dapp-visible.ts'

export type Fields = Record<string, unknown>

/** Params must be one object (EIP-1193 allows arrays; our methods take named fields). */
export function objectParams(raw: unknown, method: string): Fields {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw providerErrors.invalidParams(method, 'params must be an object')
  }
  return raw as Fields
}

/** Rejects fields the method does not know, so typos fail loudly instead of being ignored. */
export function onlyFields(fields: Fields, allowed: readonly string[], method: string): void {
  for (const key of Object.keys(fields)) {
    if (!allowed.includes(key)) throw providerErrors.invalidParams(method, `unknown field "${key.slice(0, 40)}"`)
  }
}

export function stringField(fields: Fields, name: string, method: string, opts: { max?: number; min?: number } = {}): string {
  const v = fields[name]
  const max = opts.max ?? 10_000
  const min = opts.min ?? 1
  if (typeof v !== 'string') throw providerErrors.invalidParams(method, `${name} must be a string`)
  if (v.length < min) throw providerErrors.invalidParams(method, `${name} must be at least ${min} characters`)
  if (v.length > max) throw providerErrors.invalidParams(method, `${name} must be at most ${max} characters`)
  return v
}

export function optionalString(fields: Fields, name: string, method: string, opts: { max?: number; min?: number } = {}): string | undefined {
  return fields[name] === undefined ? undefined : stringField(fields, name, method, opts)
}

export function integerField(fields: Fields, name: string, method: string, min: number, max: number): number {
  const v = fields[name]
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw providerErrors.invalidParams(method, `${name} must be a whole number from ${min} to ${max}`)
  }
  return v
}

export function optionalInteger(fields: Fields, name: string, method: string, min: number, max: number): number | undefined {
  return fields[name] === undefined ? undefined : integerField(fields, name, method, min, max)
}

export function booleanField(fields: Fields, name: string, method: string): boolean {
  const v = fields[name]
  if (typeof v !== 'boolean') throw providerErrors.invalidParams(method, `${name} must be true or false`)
  return v
}

export function optionalBoolean(fields: Fields, name: string, method: string): boolean | undefined {
  return fields[name] === undefined ? undefined : booleanField(fields, name, method)
}

export function oneOf<T extends string>(fields: Fields, name: string, method: string, values: readonly T[]): T {
  const v = fields[name]
  if (typeof v !== 'string' || !values.includes(v as T)) {
    throw providerErrors.invalidParams(method, `${name} must be one of ${values.join(', ')}`)
  }
  return v as T
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/

/**
 * An Ethereum address: 0x + 40 hex digits. The EIP-55 checksum is checked by the background
 * (it has keccak); here only the shape, so the page-world bundle stays small.
 */
export function addressField(fields: Fields, name: string, method: string): string {
  const v = fields[name]
  if (typeof v !== 'string' || !ADDRESS.test(v)) {
    throw providerErrors.invalidParams(method, `${name} must be an Ethereum address (0x and 40 hex digits)`)
  }
  return v
}

const TOPIC = /^\/xmtp\/0\/[A-Za-z0-9._~:\-/]{1,200}\/proto$/

export function topicField(fields: Fields, name: string, method: string): string {
  const v = fields[name]
  if (typeof v !== 'string' || !TOPIC.test(v)) throw providerErrors.invalidParams(method, `${name} must be an XMTP conversation topic`)
  return v
}

const MESSAGE_ID = /^[0-9a-f]{64}$/

export function messageIdField(fields: Fields, name: string, method: string): string {
  const v = fields[name]
  if (typeof v !== 'string' || !MESSAGE_ID.test(v)) throw providerErrors.invalidParams(method, `${name} must be a message id (64 lowercase hex digits)`)
  return v
}
