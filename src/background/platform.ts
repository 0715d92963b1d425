// What the background needs from the browser, passed in by its entry (index.ts hands it
// chrome.* through webextension-polyfill; Node tests hand it in-memory storage areas,
// fake-indexeddb and a real node). Interfaces only.
import type { StorageArea } from './contracts.ts'
import type { InvitationOpener } from '../protocol/invitations/batch-opener.ts'
import type { InvitationWorkersView } from '../extension/views.ts'

export interface Platform {
  local: StorageArea
  /** chrome.storage.session: cleared on browser restart, kept across worker restarts. */
  sessionStorage: StorageArea
  indexedDB: IDBFactory
  fetch: typeof fetch
  version: string
  hasHostPermission(pattern: string): Promise<boolean>
  setBadge(text: string): Promise<void>
  notify(id: string, options: { title: string; message: string }): Promise<void>
  /** Opens an extension page (path relative to the extension root) in a tab. */
  openTab(path: string): Promise<void>
  openWindow(path: string, size: { width: number; height: number }): Promise<number>
  onWindowClosed(listener: (windowId: number) => void): () => void
  windowExists(windowId: number): Promise<boolean>
  findWindow(path: string): Promise<number | null>
  /** A cheap extension API call that resets the worker's idle timer. */
  keepalivePing(): Promise<unknown>
  /** The secp256k1 backend now, and when the WebAssembly one has been installed (or has failed). */
  cryptoBackend: { info(): { name: string; fallbackReason?: string }; ready: Promise<unknown> }
  /** Opens a listing's pages of invitations on worker threads where the browser allows (offload/); default: this thread. */
  invitationOffload?: { open: InvitationOpener; warm(): Promise<boolean>; status(): InvitationWorkersView }
  now?: () => number
  /** PBKDF2 rounds (tests lower it; production uses the vault's floor). */
  iterations?: number
  retryDelaysMs?: number[]
  onInternalError?: (method: string, error: unknown) => void
}
