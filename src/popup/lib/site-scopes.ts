// How Settings names what a connected site may do: one line per ability, never two that
// contradict ("send, asking each time" and "send without asking" together). The stronger scope
// is named when both are held; removing it leaves the weaker one, which is then named.
import type { ConversationView, SiteScope } from '../../extension/views.ts'

export interface ScopeEntry {
  /** What the site may do, in words. */
  label: string
  /** The scope that removing this line drops. */
  scope: SiteScope
}

export function scopeEntries(scopes: readonly SiteScope[]): ScopeEntry[] {
  const held = new Set(scopes)
  const entries: ScopeEntry[] = []
  if (held.has('readAll')) entries.push({ label: 'read all your conversations', scope: 'readAll' })
  else if (held.has('read')) entries.push({ label: 'read its own conversations', scope: 'read' })
  if (held.has('sendWithoutConfirm')) entries.push({ label: 'send without asking', scope: 'sendWithoutConfirm' })
  else if (held.has('send')) entries.push({ label: 'send, asking you each time', scope: 'send' })
  if (held.has('stream')) entries.push({ label: 'receive new messages while open', scope: 'stream' })
  return entries
}

/**
 * What a site's conversation says after "via": its conversationId, which by XMTP's convention
 * starts with the domain (and port) of the app that started it (`app.example.org`,
 * `app.example.org/support`), so two conversations with one peer never read alike.
 * Null for a personal conversation (no context).
 */
export function viaLabel(conversation: Pick<ConversationView, 'context'>): string | null {
  const id = conversation.context?.conversationId.trim()
  if (!id) return null
  return id.length > 80 ? `${id.slice(0, 79)}…` : id
}
