// What a site may see and do, decided from its origin and grant: pure functions over views, so
// the rules read in one place and are tested without a browser.
//
// The namespace rule: a site whose origin has host H (the URL's `host`: the name, and the port
// when it is not the scheme's default) owns the XMTP conversation ids `H` and `H/…` — XMTP's own
// convention names a conversation by domain and path. `read` covers every conversation of the
// account whose context.conversationId lies in that namespace, whoever started it; `readAll`
// covers everything. Nothing is recorded per site, so revoking a site and connecting it again
// gives back exactly its namespace, and no site can claim an id of another's.
import type { ContentInput, ConversationView, DappConversationView, SiteScope } from '../../extension/views.ts'
import type { SiteGrant } from './permissions.ts'

export function hasScope(grant: SiteGrant | null, scope: SiteScope): boolean {
  return grant !== null && grant.scopes.includes(scope)
}

/** The site's namespace: its origin's host, lowercase (`app.example.org`, `127.0.0.1:5556`). */
export function siteNamespace(origin: string): string {
  let host: string
  try {
    host = new URL(origin).host
  } catch {
    throw new TypeError('origin must be a URL origin')
  }
  if (host.length === 0) throw new TypeError('origin must have a host')
  return host.toLowerCase()
}

/** Whether a conversationId lies in the namespace `H` (exactly `H`, or `H/` followed by anything). */
export function inNamespace(namespace: string, conversationId: string): boolean {
  // Host names are case-insensitive; the path after the first slash is compared as given.
  const slash = conversationId.indexOf('/')
  const head = (slash === -1 ? conversationId : conversationId.slice(0, slash)).toLowerCase()
  return head === namespace
}

/**
 * Whether the site may read (list, page through, stream, send into) a conversation:
 * `readAll` covers every conversation; `read` those whose context.conversationId is in the
 * site's namespace.
 */
export function canSeeConversation(origin: string, grant: SiteGrant | null, conversation: Pick<ConversationView, 'context'>): boolean {
  if (grant === null) return false
  if (grant.scopes.includes('readAll')) return true
  if (!grant.scopes.includes('read')) return false
  const id = conversation.context?.conversationId
  return id !== undefined && inNamespace(siteNamespace(origin), id)
}

/** The dapp's view of a conversation: no consent, unread or mute state of the user's inbox. */
export function toDappConversation(conversation: ConversationView): DappConversationView {
  const view: DappConversationView = {
    topic: conversation.topic,
    peerAddress: conversation.peerAddress,
    version: conversation.version,
    createdAt: conversation.createdAt,
  }
  if (conversation.context) {
    view.context = { conversationId: conversation.context.conversationId, metadata: { ...conversation.context.metadata } }
  }
  return view
}

/** What the approval window shows of a message: all of it, in words, never cut. */
export function describeContent(content: ContentInput): string {
  switch (content.type) {
    case 'text':
      return content.text
    case 'reply':
      return `Reply: ${content.text}`
    case 'reaction':
      return `${content.action === 'added' ? 'React' : 'Remove reaction'} ${content.content}`
    case 'attachment':
      return `Attachment ${content.filename} (${content.mimeType}, ${Math.floor((content.dataBase64.length * 3) / 4)} bytes)`
    case 'readReceipt':
      return 'Read receipt'
  }
}
