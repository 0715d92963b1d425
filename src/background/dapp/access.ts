// What a site may see and do, decided from its grant: pure functions over views, so the
// rules read in one place and are tested without a browser.
import type { ContentInput, ConversationView, DappConversationView, SiteScope } from '../../extension/views.ts'
import type { SiteGrant } from './permissions.ts'

export function hasScope(grant: SiteGrant | null, scope: SiteScope): boolean {
  return grant !== null && grant.scopes.includes(scope)
}

/**
 * Whether the site may read (list, page through, stream, send into) a conversation:
 * `readAll` covers every conversation; `read` only those whose invitation context carries a
 * conversationId this site created.
 */
export function canSeeConversation(grant: SiteGrant | null, conversation: Pick<ConversationView, 'context'>): boolean {
  if (grant === null) return false
  if (grant.scopes.includes('readAll')) return true
  if (!grant.scopes.includes('read')) return false
  const id = conversation.context?.conversationId
  return id !== undefined && grant.conversationIds.includes(id)
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

const PREVIEW_LENGTH = 280

/** One line for the approval window saying exactly what would be sent. */
export function previewOf(content: ContentInput): string {
  const clip = (text: string) => (text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH)}…` : text)
  switch (content.type) {
    case 'text':
      return clip(content.text)
    case 'reply':
      return clip(`Reply: ${content.text}`)
    case 'reaction':
      return clip(`${content.action === 'added' ? 'React' : 'Remove reaction'} ${content.content}`)
    case 'attachment':
      return clip(`Attachment ${content.filename} (${content.mimeType}, ${Math.floor((content.dataBase64.length * 3) / 4)} bytes)`)
    case 'readReceipt':
      return 'Read receipt'
  }
}
