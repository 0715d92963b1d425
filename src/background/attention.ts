// What asks for the user's attention: the unread count on the toolbar badge, and one desktop
// notification per new message from an allowed sender while no Parley page shows that
// conversation (muted conversations and the global switch silence them). Clicking one opens
// the conversation in the full-tab view. The browser APIs are passed in.
import type { ConversationView, MessageView } from '../extension/views.ts'

export interface AttentionOptions {
  setBadge(text: string): Promise<void>
  notify(id: string, options: { title: string; message: string }): Promise<void>
  notificationsEnabled(): Promise<boolean>
  isViewing(topic: string): boolean
  /** The active account's address: its own messages never notify. */
  ownAddress(): string | null
  now?: () => number
}

/** Notification ids carry the conversation, so a click knows what to open. */
const PREFIX = 'parley:m:'

export function notificationId(topic: string, messageId: string): string {
  return `${PREFIX}${messageId}:${topic}`
}

/** A notification for an account other than the active one also names that account. */
const ACCOUNT_PREFIX = 'parley:a:'

export function accountNotificationId(accountId: string, topic: string, messageId: string): string {
  return `${ACCOUNT_PREFIX}${encodeURIComponent(accountId)}:${messageId}:${topic}`
}

/** The account and conversation a notification is about (account null: the active one). */
export function targetOfNotification(id: string): { accountId: string | null; topic: string } | null {
  if (id.startsWith(ACCOUNT_PREFIX)) {
    const rest = id.slice(ACCOUNT_PREFIX.length)
    const first = rest.indexOf(':')
    const second = first < 0 ? -1 : rest.indexOf(':', first + 1)
    if (second < 0) return null
    return { accountId: decodeURIComponent(rest.slice(0, first)), topic: rest.slice(second + 1) }
  }
  const topic = topicOfNotification(id)
  return topic === null ? null : { accountId: null, topic }
}

export function topicOfNotification(id: string): string | null {
  if (!id.startsWith(PREFIX)) return null
  const rest = id.slice(PREFIX.length)
  const colon = rest.indexOf(':')
  return colon < 0 ? null : rest.slice(colon + 1)
}

export function badgeText(unread: number): string {
  if (unread <= 0) return ''
  return unread > 99 ? '99+' : String(unread)
}

export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address
}

/** One line for a notification body. */
export function previewOf(message: MessageView): string {
  const c = message.content
  switch (c.type) {
    case 'text':
      return c.text.length > 140 ? `${c.text.slice(0, 139)}…` : c.text
    case 'reply':
      return c.content.type === 'text' ? `Replied: ${c.content.text.slice(0, 120)}` : 'Replied'
    case 'reaction':
      return `Reacted ${c.content}`
    case 'attachment':
      return `📎 ${c.filename}`
    case 'remoteAttachment':
      return `📎 ${c.filename ?? 'attachment'}`
    case 'readReceipt':
      return ''
    case 'unknown':
      return c.fallback ?? 'New message'
  }
}

/** How old a message may be and still notify (a first sync of history must not flood the desktop). */
const FRESH_MS = 10 * 60_000

export class Attention {
  readonly #o: AttentionOptions
  readonly #notified = new Set<string>()
  #lastBadge: string | undefined

  constructor(options: AttentionOptions) {
    this.#o = options
  }

  async updateBadge(unread: number): Promise<void> {
    const text = badgeText(unread)
    if (text === this.#lastBadge) return
    this.#lastBadge = text
    await this.#o.setBadge(text)
  }

  /**
   * Called with messages that just arrived in the cache; returns the ids it notified. For an
   * account other than the active one, `account` names it: its own messages are skipped and
   * the notification says which account it is for.
   */
  async onMessages(conversation: ConversationView, messages: MessageView[], account?: { id: string; label: string; address: string }): Promise<string[]> {
    if (conversation.muted || conversation.consent !== 'allowed') return []
    if (!account && this.#o.isViewing(conversation.topic)) return []
    if (!(await this.#o.notificationsEnabled())) return []
    const own = (account?.address ?? this.#o.ownAddress())?.toLowerCase()
    const now = (this.#o.now ?? Date.now)()
    const shown: string[] = []
    for (const message of messages) {
      if (message.senderAddress.toLowerCase() === own) continue
      if (message.content.type === 'readReceipt') continue
      if (now - message.sentAt > FRESH_MS) continue
      if (this.#notified.has(message.id)) continue
      this.#notified.add(message.id)
      await this.#o.notify(account ? accountNotificationId(account.id, conversation.topic, message.id) : notificationId(conversation.topic, message.id), {
        title: account ? `${shortAddress(message.senderAddress)} → ${account.label}` : shortAddress(message.senderAddress),
        message: previewOf(message),
      })
      shown.push(message.id)
    }
    if (this.#notified.size > 5000) this.#notified.clear()
    return shown
  }
}
