// The consent list (§11): a pure state machine over preference actions. Apply the actions
// of the preferences topic in publication order; the last action for an entry wins.
// Addresses compare case-insensitively (xmtp-js publishes EIP-55, other clients may not);
// group and inbox ids compare exactly.
import type { ConsentEntryType, ConsentState, PreferencesAction } from './private-preferences.ts'

export interface ConsentEntry {
  entryType: ConsentEntryType
  /** The value as last given (for addresses, the spelling of the latest action). */
  value: string
  state: Exclude<ConsentState, 'unknown'>
}

const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/

function entryKey(entryType: ConsentEntryType, value: string): string {
  return `${entryType}:${entryType === 'address' ? value.toLowerCase() : value}`
}

function checkValue(entryType: ConsentEntryType, value: unknown, label: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${label} must be a non-empty string`)
  if (entryType === 'address' && !ADDRESS_PATTERN.test(value)) throw new TypeError(`${label} must be a 0x-prefixed 20-byte hex address`)
  return value
}

function toList(values: string | readonly string[], label: string): string[] {
  const list = typeof values === 'string' ? [values] : values
  if (!Array.isArray(list) || list.length === 0) throw new TypeError(`${label} must be a string or a non-empty array of strings`)
  return [...list]
}

export class ConsentList {
  readonly #entries = new Map<string, ConsentEntry>()

  /** A list built by applying `actions` in order. */
  static fromActions(actions: Iterable<PreferencesAction>): ConsentList {
    const list = new ConsentList()
    for (const action of actions) list.apply(action)
    return list
  }

  /**
   * Applies one action (e.g. decrypted from the preferences topic). Values are taken as
   * published; only their type is checked.
   */
  apply(action: PreferencesAction): void {
    if (typeof action !== 'object' || action === null) throw new TypeError('action must be an object')
    const { permission, entryType } = action
    if (permission !== 'allow' && permission !== 'deny') throw new TypeError('action.permission must be "allow" or "deny"')
    if (entryType !== 'address' && entryType !== 'groupId' && entryType !== 'inboxId') {
      throw new TypeError('action.entryType must be "address", "groupId" or "inboxId"')
    }
    if (!Array.isArray(action.values)) throw new TypeError('action.values must be an array')
    const state = permission === 'allow' ? 'allowed' : 'denied'
    for (const value of action.values) {
      if (typeof value !== 'string' || value.length === 0) throw new TypeError('action.values must hold non-empty strings')
      const key = entryKey(entryType, value)
      // Delete first so entries() lists entries in order of their latest change.
      this.#entries.delete(key)
      this.#entries.set(key, { entryType, value, state })
    }
  }

  /** Applies actions in order. */
  applyAll(actions: Iterable<PreferencesAction>): void {
    for (const action of actions) this.apply(action)
  }

  #change(permission: 'allow' | 'deny', entryType: ConsentEntryType, values: string | readonly string[]): PreferencesAction {
    const list = toList(values, 'values').map((v, i) => checkValue(entryType, v, `values[${i}]`))
    const action: PreferencesAction = { permission, entryType, values: list }
    this.apply(action)
    return action
  }

  /** Allows addresses; returns the action to encrypt and publish. */
  allow(addresses: string | readonly string[]): PreferencesAction {
    return this.#change('allow', 'address', addresses)
  }

  /** Denies addresses; returns the action to encrypt and publish. */
  deny(addresses: string | readonly string[]): PreferencesAction {
    return this.#change('deny', 'address', addresses)
  }

  allowGroup(groupIds: string | readonly string[]): PreferencesAction {
    return this.#change('allow', 'groupId', groupIds)
  }

  denyGroup(groupIds: string | readonly string[]): PreferencesAction {
    return this.#change('deny', 'groupId', groupIds)
  }

  allowInboxId(inboxIds: string | readonly string[]): PreferencesAction {
    return this.#change('allow', 'inboxId', inboxIds)
  }

  denyInboxId(inboxIds: string | readonly string[]): PreferencesAction {
    return this.#change('deny', 'inboxId', inboxIds)
  }

  /** 'allowed', 'denied' or 'unknown' (never seen) for an address. */
  state(address: string): ConsentState {
    if (typeof address !== 'string') throw new TypeError('address must be a string')
    return this.#entries.get(entryKey('address', address))?.state ?? 'unknown'
  }

  groupState(groupId: string): ConsentState {
    if (typeof groupId !== 'string') throw new TypeError('groupId must be a string')
    return this.#entries.get(entryKey('groupId', groupId))?.state ?? 'unknown'
  }

  inboxIdState(inboxId: string): ConsentState {
    if (typeof inboxId !== 'string') throw new TypeError('inboxId must be a string')
    return this.#entries.get(entryKey('inboxId', inboxId))?.state ?? 'unknown'
  }

  /** Every known entry, least recently changed first (copies). */
  entries(): ConsentEntry[] {
    return [...this.#entries.values()].map((entry) => ({ ...entry }))
  }

  get size(): number {
    return this.#entries.size
  }
}
