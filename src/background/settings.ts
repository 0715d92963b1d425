// The user's settings (node URL, auto-lock minutes, the notification switch), one record in
// storage.local. Values are checked here, so a bad update is refused with a clear -32602 and
// the stored record is never half-written.
import { providerErrors } from '../extension/dapp-visible.ts'
import type { SettingsView } from '../extension/views.ts'
import type { StorageArea } from './contracts.ts'
import { Listeners } from '../state/listeners.ts'

export const DEFAULT_SETTINGS: SettingsView = Object.freeze({
  nodeUrl: 'http://127.0.0.1:5555',
  autoLockMinutes: 15,
  notifications: true,
  readReceipts: true,
  notifyAllAccounts: true,
})

const KEY = 'settings'
const METHOD = 'settings_update'

/**
 * A node URL as the message API client wants it: http(s), no credentials, query or fragment,
 * no trailing slash. Throws -32602 naming what is wrong.
 */
export function normalizeNodeUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw providerErrors.invalidParams(METHOD, `nodeUrl "${raw.slice(0, 80)}" is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw providerErrors.invalidParams(METHOD, 'nodeUrl must start with http:// or https://')
  if (url.username || url.password) throw providerErrors.invalidParams(METHOD, 'nodeUrl must not contain a user name or password')
  if (url.search || url.hash) throw providerErrors.invalidParams(METHOD, 'nodeUrl must not have a query or fragment')
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

/**
 * The host-permission pattern that covers a node URL, e.g. `https://node.example/*`. Match
 * patterns without a port cover every port, which is how the manifest grants 127.0.0.1.
 */
export function originPattern(nodeUrl: string): string {
  const url = new URL(nodeUrl)
  return `${url.protocol}//${url.hostname}/*`
}

function fromStored(value: unknown): SettingsView {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<SettingsView>
  return {
    nodeUrl: typeof v.nodeUrl === 'string' ? v.nodeUrl : DEFAULT_SETTINGS.nodeUrl,
    autoLockMinutes: typeof v.autoLockMinutes === 'number' && Number.isInteger(v.autoLockMinutes) && v.autoLockMinutes >= 0 ? v.autoLockMinutes : DEFAULT_SETTINGS.autoLockMinutes,
    notifications: typeof v.notifications === 'boolean' ? v.notifications : DEFAULT_SETTINGS.notifications,
    readReceipts: typeof v.readReceipts === 'boolean' ? v.readReceipts : DEFAULT_SETTINGS.readReceipts,
    notifyAllAccounts: typeof v.notifyAllAccounts === 'boolean' ? v.notifyAllAccounts : DEFAULT_SETTINGS.notifyAllAccounts,
  }
}

export interface SettingsOptions {
  local: StorageArea
  /** Whether the extension may fetch from an origin pattern (permissions.contains in the worker). */
  hasHostPermission(pattern: string): Promise<boolean>
}

export class Settings {
  readonly #local: StorageArea
  readonly #hasHostPermission: (pattern: string) => Promise<boolean>
  readonly #changes = new Listeners<[next: SettingsView, previous: SettingsView]>('settings change')
  #cached: SettingsView | undefined

  constructor(options: SettingsOptions) {
    this.#local = options.local
    this.#hasHostPermission = options.hasHostPermission
  }

  async get(): Promise<SettingsView> {
    this.#cached ??= fromStored((await this.#local.get(KEY))[KEY])
    return { ...this.#cached }
  }

  /** Checks, stores and announces a change; throws -32602 (nothing stored) on a bad value. */
  async update(changes: Partial<SettingsView>): Promise<SettingsView> {
    const previous = await this.get()
    const next = { ...previous }
    if (changes.nodeUrl !== undefined) {
      next.nodeUrl = normalizeNodeUrl(changes.nodeUrl)
      const pattern = originPattern(next.nodeUrl)
      if (next.nodeUrl !== previous.nodeUrl && !(await this.#hasHostPermission(pattern))) {
        throw providerErrors.invalidParams(
          METHOD,
          `Parley has no permission to reach ${new URL(next.nodeUrl).origin}; grant it when the browser asks (permissions.request for ${pattern}), then save again`,
        )
      }
    }
    if (changes.autoLockMinutes !== undefined) next.autoLockMinutes = changes.autoLockMinutes
    if (changes.notifications !== undefined) next.notifications = changes.notifications
    if (changes.readReceipts !== undefined) next.readReceipts = changes.readReceipts
    if (changes.notifyAllAccounts !== undefined) next.notifyAllAccounts = changes.notifyAllAccounts
    await this.#local.set({ [KEY]: next })
    this.#cached = next
    this.#changes.emit({ ...next }, previous)
    return { ...next }
  }

  onChange(listener: (next: SettingsView, previous: SettingsView) => void): () => void {
    return this.#changes.add(listener)
  }
}
