// RPC methods of the messenger: conversations, messages, sending, consent, sync and search.
// All `exposure: 'extension'` (the popup and the full-tab view); dapps have their own,
// narrower xmtp_* methods in methods/dapp.ts. Results come from the encrypted cache first.
import { extensionMethod, noParams, REPEATABLE } from '../method-spec.ts'
import { providerErrors } from '../dapp-visible.ts'
import {
  addressField,
  booleanField,
  messageIdField,
  objectParams,
  oneOf,
  onlyFields,
  optionalInteger,
  optionalString,
  stringField,
  topicField,
  type Fields,
} from '../params.ts'
import type { ContentInput, ConversationView, MessagePage, MessageView, SearchHit, SyncStatusView } from '../views.ts'

/** Largest attachment sent inline (base64 of ~1 MiB; larger files need a remote attachment). */
export const MAX_INLINE_ATTACHMENT_BASE64 = 1_400_000
const MAX_TEXT = 20_000
const MAX_PAGE = 100

/** Checks a ContentInput (what a page asks to send), shared with the dapp methods. */
export function parseContentInput(raw: unknown, method: string, name = 'content'): ContentInput {
  if (typeof raw === 'string') return { type: 'text', text: checkText(raw, method, name) }
  const f = objectParams(raw, method)
  const type = oneOf(f, 'type', method, ['text', 'reaction', 'reply', 'attachment', 'readReceipt'] as const)
  switch (type) {
    case 'text':
      onlyFields(f, ['type', 'text'], method)
      return { type, text: checkText(f.text, method, `${name}.text`) }
    case 'reaction':
      onlyFields(f, ['type', 'reference', 'action', 'content'], method)
      return {
        type,
        reference: messageIdField(f, 'reference', method),
        action: oneOf(f, 'action', method, ['added', 'removed'] as const),
        content: stringField(f, 'content', method, { max: 64 }),
      }
    case 'reply':
      onlyFields(f, ['type', 'reference', 'text'], method)
      return { type, reference: messageIdField(f, 'reference', method), text: checkText(f.text, method, `${name}.text`) }
    case 'attachment': {
      onlyFields(f, ['type', 'filename', 'mimeType', 'dataBase64'], method)
      const dataBase64 = stringField(f, 'dataBase64', method, { max: MAX_INLINE_ATTACHMENT_BASE64 })
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(dataBase64)) throw providerErrors.invalidParams(method, 'dataBase64 must be base64')
      return {
        type,
        filename: stringField(f, 'filename', method, { max: 255 }),
        mimeType: stringField(f, 'mimeType', method, { max: 127 }),
        dataBase64,
      }
    }
    case 'readReceipt':
      onlyFields(f, ['type'], method)
      return { type }
  }
}

function checkText(value: unknown, method: string, name: string): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw providerErrors.invalidParams(method, `${name} must be non-empty text`)
  if (value.length > MAX_TEXT) throw providerErrors.invalidParams(method, `${name} must be at most ${MAX_TEXT} characters`)
  return value
}

function topicParams(raw: unknown, m: string, extra: string[] = []): { fields: Fields; topic: string } {
  const fields = objectParams(raw, m)
  onlyFields(fields, ['topic', ...extra], m)
  return { fields, topic: topicField(fields, 'topic', m) }
}

/** 'blocked': the conversations whose peer the user blocked (Settings lists them to unblock). */
export type ConversationFilter = 'messages' | 'requests' | 'all' | 'blocked'

export const MESSAGING_METHODS = {
  /**
   * The active account's conversations from the cache, newest activity first. `messages` =
   * allowed peers (and ones we wrote to), `requests` = unknown senders, `all` = both; denied
   * peers are never listed.
   */
  conversations_list: extensionMethod<{ filter: ConversationFilter; limit?: number }, { conversations: ConversationView[] }>((raw, m) => {
    const f = raw === undefined ? {} : objectParams(raw, m)
    onlyFields(f, ['filter', 'limit'], m)
    const filter = f.filter === undefined ? 'all' : oneOf(f, 'filter', m, ['messages', 'requests', 'all', 'blocked'] as const)
    // Optional first page (newest activity first), e.g. for a popup's first paint.
    const limit = optionalInteger(f, 'limit', m, 1, 10_000)
    return limit === undefined ? { filter } : { filter, limit }
  }, REPEATABLE),
  /** Whether an address has published XMTP keys (checked on the node). */
  peers_canMessage: extensionMethod<{ peerAddress: string }, { canMessage: boolean }>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['peerAddress'], m)
    return { peerAddress: addressField(f, 'peerAddress', m) }
  }, REPEATABLE),
  /** Starts (or finds) a conversation; a peer not on XMTP is a -32602 with a clear message. */
  conversations_new: extensionMethod<{ peerAddress: string }, ConversationView>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['peerAddress'], m)
    return { peerAddress: addressField(f, 'peerAddress', m) }
  }),
  conversations_get: extensionMethod<{ topic: string }, ConversationView>((raw, m) => ({ topic: topicParams(raw, m).topic }), REPEATABLE),
  /** A page of messages, newest page first by default; `before` (ms) pages back in time. */
  messages_list: extensionMethod<{ topic: string; before?: number; limit: number }, MessagePage>((raw, m) => {
    const { fields, topic } = topicParams(raw, m, ['before', 'limit'])
    const before = optionalInteger(fields, 'before', m, 0, Number.MAX_SAFE_INTEGER)
    const limit = optionalInteger(fields, 'limit', m, 1, MAX_PAGE) ?? 50
    return before === undefined ? { topic, limit } : { topic, before, limit }
  }, REPEATABLE),
  /** Shows the message at once as pending and hands it to the durable outbox. */
  messages_send: extensionMethod<{ topic: string; content: ContentInput }, MessageView>((raw, m) => {
    const { fields, topic } = topicParams(raw, m, ['content'])
    return { topic, content: parseContentInput(fields.content, m) }
  }),
  /** Puts a failed message back into the outbox. */
  messages_retry: extensionMethod<{ topic: string; id: string }, MessageView>((raw, m) => {
    const { fields, topic } = topicParams(raw, m, ['id'])
    return { topic, id: messageIdField(fields, 'id', m) }
  }),
  /** Loads a remote attachment (fetched and decrypted in the background). */
  attachments_load: extensionMethod<{ topic: string; id: string }, { filename: string; mimeType: string; dataBase64: string }>((raw, m) => {
    const { fields, topic } = topicParams(raw, m, ['id'])
    return { topic, id: messageIdField(fields, 'id', m) }
  }, REPEATABLE),
  /** Marks everything in a conversation as read (badge and unread marks follow). */
  conversations_markRead: extensionMethod<{ topic: string }, { unreadTotal: number }>((raw, m) => ({ topic: topicParams(raw, m).topic }), REPEATABLE),
  conversations_setMuted: extensionMethod<{ topic: string; muted: boolean }, ConversationView>((raw, m) => {
    const { fields, topic } = topicParams(raw, m, ['muted'])
    return { topic, muted: booleanField(fields, 'muted', m) }
  }, REPEATABLE),
  /** Allow or block a peer; published to the private-preferences topic so other clients agree. */
  consent_set: extensionMethod<{ peerAddress: string; state: 'allowed' | 'denied' }, { peerAddress: string; state: 'allowed' | 'denied' }>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['peerAddress', 'state'], m)
    return { peerAddress: addressField(f, 'peerAddress', m), state: oneOf(f, 'state', m, ['allowed', 'denied'] as const) }
  }, REPEATABLE),
  /** Searches peer addresses and the text of cached messages of the active account. */
  messages_search: extensionMethod<{ query: string; limit: number }, { hits: SearchHit[] }>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['query', 'limit'], m)
    return { query: stringField(f, 'query', m, { max: 200 }), limit: optionalInteger(f, 'limit', m, 1, 200) ?? 50 }
  }, REPEATABLE),
  sync_status: extensionMethod<undefined, SyncStatusView>(noParams, REPEATABLE),
  /** Runs an incremental sync now (also what "pull to refresh" does). */
  sync_now: extensionMethod<undefined, SyncStatusView>(noParams, REPEATABLE),
  /** Opens the full-tab view, optionally on one conversation. */
  ui_openTab: extensionMethod<{ topic?: string }, { ok: true }>((raw, m) => {
    const f = raw === undefined ? {} : objectParams(raw, m)
    onlyFields(f, ['topic'], m)
    const topic = optionalString(f, 'topic', m, { max: 300 })
    return topic === undefined ? {} : { topic: topicField(f, 'topic', m) }
  }),
} as const
