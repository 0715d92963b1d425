// The methods any web page may call through window.xmtp (all `exposure: 'dapp'`). They are a
// narrow, permission-checked view of the messenger: the background (src/background/dapp)
// decides per origin (the browser's sender origin, never a field of the request) what each
// call may see or do. Results are plain JSON (views.ts): EIP-55 addresses, ms times, hex ids.
//
// Events (accountsChanged, message) travel background → content script on their own runtime
// port, DAPP_EVENTS_PORT, and from there to the page on the window channel.
//
// Imported by the page-world script: keep it free of chrome.*, browser.* and DOM.
import { providerErrors } from '../dapp-visible.ts'
import { dappMethod, noParams, REPEATABLE } from '../method-spec.ts'
import { addressField, objectParams, onlyFields, optionalInteger, optionalString, stringField, topicField, type Fields } from '../params.ts'
import type { ContentInput, DappConversationView, DappMessageEvent, DappPermission, MessagePage, MessageView, SiteScope } from '../views.ts'
import { parseContentInput } from './messaging.ts'

export const DAPP_EVENTS_PORT = 'parley/dapp-events@1'

/** Every scope, in the order the approval window lists them. */
export const SITE_SCOPES: readonly SiteScope[] = ['read', 'readAll', 'send', 'sendWithoutConfirm', 'stream']
/** What connecting (xmtp_requestAccounts) asks for. */
export const CONNECT_SCOPES: readonly SiteScope[] = ['read', 'send', 'stream']

const MAX_PAGE = 100
const MAX_CONVERSATION_ID = 200
const MAX_METADATA_KEYS = 10
const MAX_METADATA_VALUE = 200
const TEXT_CONTENT_TYPE = 'xmtp.org/text:1.0'

/** EIP-2255 params: `[{ read: {}, send: {} }]`; also accepts the bare object. */
function scopeRequest(raw: unknown, method: string): SiteScope[] {
  const one = Array.isArray(raw) ? (raw.length === 1 ? raw[0] : undefined) : raw
  if (typeof one !== 'object' || one === null || Array.isArray(one)) {
    throw providerErrors.invalidParams(method, 'params must be [{ <scope>: {} }] with scopes from ' + SITE_SCOPES.join(', '))
  }
  const names = Object.keys(one)
  if (names.length === 0) throw providerErrors.invalidParams(method, 'ask for at least one scope')
  for (const name of names) {
    if (!SITE_SCOPES.includes(name as SiteScope)) {
      throw providerErrors.invalidParams(method, `unknown scope "${name.slice(0, 40)}" (known: ${SITE_SCOPES.join(', ')})`)
    }
    const caveats = (one as Record<string, unknown>)[name]
    if (typeof caveats !== 'object' || caveats === null || Object.keys(caveats).length > 0) {
      throw providerErrors.invalidParams(method, `scope "${name}" takes an empty object`)
    }
  }
  return names as SiteScope[]
}

export interface ConversationContextInput {
  conversationId: string
  /** Optional for the caller; always present after parsing. */
  metadata?: Record<string, string>
}

function contextParam(raw: unknown, method: string): ConversationContextInput {
  const f = objectParams(raw, method)
  onlyFields(f, ['conversationId', 'metadata'], method)
  const conversationId = stringField(f, 'conversationId', method, { max: MAX_CONVERSATION_ID })
  const metadata: Record<string, string> = {}
  if (f.metadata !== undefined) {
    const m = objectParams(f.metadata, method)
    const keys = Object.keys(m)
    if (keys.length > MAX_METADATA_KEYS) throw providerErrors.invalidParams(method, `context.metadata may have at most ${MAX_METADATA_KEYS} keys`)
    for (const key of keys) metadata[key.slice(0, 64)] = stringField(m, key, method, { min: 0, max: MAX_METADATA_VALUE })
  }
  return { conversationId, metadata }
}

export type DappSendTarget = { topic: string } | { peerAddress: string }

function sendParams(raw: unknown, method: string): DappSendTarget & { content: ContentInput } {
  const f: Fields = objectParams(raw, method)
  onlyFields(f, ['topic', 'peerAddress', 'content', 'contentType'], method)
  const hasTopic = f.topic !== undefined
  const hasPeer = f.peerAddress !== undefined
  if (hasTopic === hasPeer) throw providerErrors.invalidParams(method, 'give exactly one of topic and peerAddress')
  const contentType = optionalString(f, 'contentType', method, { max: 100 })
  if (contentType !== undefined && contentType !== TEXT_CONTENT_TYPE) {
    throw providerErrors.invalidParams(method, `contentType must be "${TEXT_CONTENT_TYPE}" (or leave it out and pass a typed content object)`)
  }
  if (contentType !== undefined && typeof f.content !== 'string') throw providerErrors.invalidParams(method, 'content must be a string for text')
  const content = parseContentInput(f.content, method)
  if (content.type === 'readReceipt') throw providerErrors.invalidParams(method, 'sites cannot send read receipts')
  const target = hasTopic ? { topic: topicField(f, 'topic', method) } : { peerAddress: addressField(f, 'peerAddress', method) }
  return { ...target, content }
}

export const DAPP_METHODS = {
  /** Connects the site to the active account (an approval window asks the user). */
  xmtp_requestAccounts: dappMethod<undefined, string[]>(noParams),
  /** The accounts this site may see: [] until connected and while locked. */
  xmtp_accounts: dappMethod<undefined, string[]>(noParams, REPEATABLE),
  /** EIP-2255: asks for more scopes (an approval window); resolves with all the site holds. */
  xmtp_requestPermissions: dappMethod<{ scopes: SiteScope[] }, DappPermission[]>((raw, m) => ({ scopes: scopeRequest(raw, m) })),
  xmtp_getPermissions: dappMethod<undefined, DappPermission[]>(noParams, REPEATABLE),
  /** Drops scopes at once; dropping every scope disconnects the site. */
  xmtp_revokePermissions: dappMethod<{ scopes: SiteScope[] }, null>((raw, m) => ({ scopes: scopeRequest(raw, m) })),
  xmtp_canMessage: dappMethod<{ peerAddress: string }, boolean>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['peerAddress'], m)
    return { peerAddress: addressField(f, 'peerAddress', m) }
  }, REPEATABLE),
  /** With `read`: the conversations this site started (by context.conversationId); with `readAll`: all. */
  xmtp_listConversations: dappMethod<undefined, DappConversationView[]>(noParams, REPEATABLE),
  /** Finds or starts a conversation; with a context, the site may read it under `read`. */
  xmtp_newConversation: dappMethod<{ peerAddress: string; context?: ConversationContextInput }, DappConversationView>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['peerAddress', 'context'], m)
    const peerAddress = addressField(f, 'peerAddress', m)
    return f.context === undefined ? { peerAddress } : { peerAddress, context: contextParam(f.context, m) }
  }),
  /** Newest page first; `before` (ms) pages back. */
  xmtp_getMessages: dappMethod<{ topic: string; limit: number; before?: number }, MessagePage>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['topic', 'limit', 'before'], m)
    const topic = topicField(f, 'topic', m)
    const limit = optionalInteger(f, 'limit', m, 1, MAX_PAGE) ?? 50
    const before = optionalInteger(f, 'before', m, 0, Number.MAX_SAFE_INTEGER)
    return before === undefined ? { topic, limit } : { topic, limit, before }
  }, REPEATABLE),
  /** Each send is confirmed in an approval window unless the site holds `sendWithoutConfirm`. */
  xmtp_sendMessage: dappMethod<DappSendTarget & { content: ContentInput }, MessageView>(sendParams),
  /** Starts `message` events for the conversations this site may read (optionally only `topics`). */
  xmtp_subscribe: dappMethod<{ topics?: string[] }, { subscriptionId: string }>((raw, m) => {
    if (raw === undefined) return {}
    const f = objectParams(raw, m)
    onlyFields(f, ['topics'], m)
    if (f.topics === undefined) return {}
    if (!Array.isArray(f.topics) || f.topics.length === 0 || f.topics.length > 100) {
      throw providerErrors.invalidParams(m, 'topics must be a list of 1 to 100 conversation topics')
    }
    return { topics: f.topics.map((topic) => topicField({ topic }, 'topic', m)) }
  }),
  xmtp_unsubscribe: dappMethod<{ subscriptionId: string }, boolean>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['subscriptionId'], m)
    return { subscriptionId: stringField(f, 'subscriptionId', m, { max: 64 }) }
  }),
} as const

// ───────────────────────────── the dapp events port ─────────────────────────────

/** Background → content script on DAPP_EVENTS_PORT. */
export type DappPortEvent =
  | { type: 'accountsChanged'; accounts: string[] }
  | ({ type: 'message' } & DappMessageEvent)
  /** A subscription stopped on the background's side (revoke, lock, account switch). */
  | { type: 'subscriptionEnded'; subscriptionId: string }
  /** For the content script's bookkeeping (it resumes subscriptions after a worker restart). */
  | { type: 'subscribed'; subscriptionId: string; topics?: string[] }

export function isDappPortEvent(value: unknown): value is DappPortEvent {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  if (v.type === 'accountsChanged') return Array.isArray(v.accounts) && v.accounts.every((a) => typeof a === 'string')
  if (v.type === 'message') return typeof v.subscriptionId === 'string' && typeof v.message === 'object' && v.message !== null
  if (v.type === 'subscriptionEnded') return typeof v.subscriptionId === 'string'
  if (v.type === 'subscribed') return typeof v.subscriptionId === 'string' && (v.topics === undefined || Array.isArray(v.topics))
  return false
}
