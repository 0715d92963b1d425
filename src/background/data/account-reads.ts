// Two reads of one account's cache that go past the conversation list: search (peer
// addresses, then the text of cached messages, newest first, a page of rows at a time) and a
// message's attachment (inline from the cache; remote ones downloaded under attachments.ts's
// rules and decrypted by the library).
import type { ConversationView, SearchHit } from '../../extension/views.ts'
import type { Client } from '../../protocol/index.ts'
import { decodeContent, decryptRemoteAttachment, type Attachment, type RemoteAttachment } from '../../protocol/content/index.ts'
import { fromBase64, toBase64 } from '../../wire/bytes.ts'
import { AccountDataError } from './account-errors.ts'
import { downloadAttachment, type AttachmentFetch } from './attachments.ts'
import type { AccountCache } from './cache.ts'
import { searchableText } from './content.ts'
import type { ConversationState } from './conversation-state.ts'

/** Search hits among the conversations `accept` lets through, at most `limit`. */
export async function searchCache(cache: AccountCache, accept: (state: ConversationState) => boolean, viewOf: (state: ConversationState) => ConversationView, query: string, limit: number): Promise<SearchHit[]> {
  const needle = query.trim().toLowerCase()
  if (needle.length === 0) return []
  const hits: SearchHit[] = []
  const byConv = new Map<string, ConversationView | null>()
  for (const state of await cache.listConversations(accept)) {
    byConv.set(cache.convId(state.topic), viewOf(state))
    if (hits.length < limit && state.peerAddress.toLowerCase().includes(needle)) hits.push({ conversation: viewOf(state) })
  }
  for await (const page of cache.messagePages()) {
    const rows = page.filter((row) => byConv.get(row.conv)) // not a denied peer's, nor an unknown conversation's
    for (const [i, stored] of (await cache.openMessages(rows)).entries()) {
      if (hits.length >= limit) return hits
      if (stored && searchableText(stored.view.content).toLowerCase().includes(needle)) hits.push({ conversation: byConv.get(rows[i]!.conv)!, message: stored.view })
    }
    if (hits.length >= limit) break
  }
  return hits
}

/** The attachment of message `id`: the cached one, or the remote one fetched and decrypted. */
export async function loadAttachment(cache: AccountCache, client: Client, fetchFn: AttachmentFetch, topic: string, id: string): Promise<{ filename: string; mimeType: string; dataBase64: string }> {
  const stored = await cache.getMessage(topic, id)
  if (!stored) throw new AccountDataError('not-found', 'no such message')
  const content = stored.view.content
  if (content.type === 'attachment') return { filename: content.filename, mimeType: content.mimeType, dataBase64: content.dataBase64 }
  if (content.type !== 'remoteAttachment' || !stored.contentBase64) throw new AccountDataError('invalid', 'that message has no attachment')
  const decoded = await decodeContent<RemoteAttachment>(fromBase64(stored.contentBase64), client.registry)
  if (!decoded.content) throw new AccountDataError('attachment', 'the attachment reference could not be read')
  let payload: Uint8Array
  try {
    // https only, never a private host, no credentials, bounded in time and size (attachments.ts).
    payload = await downloadAttachment(fetchFn, decoded.content.url, { contentLength: decoded.content.contentLength })
  } catch (cause) {
    throw new AccountDataError('attachment', cause instanceof Error ? cause.message : 'the attachment could not be downloaded', { cause })
  }
  try {
    const attachment = await decryptRemoteAttachment<Attachment>(decoded.content, payload, client.registry)
    return { filename: attachment.filename, mimeType: attachment.mimeType, dataBase64: toBase64(attachment.data) }
  } catch (cause) {
    throw new AccountDataError('attachment', 'the downloaded attachment did not match its digest or could not be decrypted', { cause })
  }
}
