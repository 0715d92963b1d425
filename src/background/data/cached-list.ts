// The conversation list straight from an open account store, before the XMTP Client (and so
// the AccountData) exists: a restarted worker answers the popup from the encrypted cache while
// the session is still being restored. Read-only but for dropping unreadable records (the
// sync that follows re-learns them), and the same views as CachedAccountData.listConversations.
import type { ConversationFilter } from '../../extension/methods/messaging.ts'
import type { ConsentView, ConversationView } from '../../extension/views.ts'
import { matches } from './conversation-state.ts'
import { AccountCache } from './cache.ts'
import { toConversationView, type ConversationState } from './conversation-state.ts'
import type { RecordCipher } from './cipher.ts'
import type { CacheDatabase } from './database.ts'

export async function listCachedConversations(
  store: { db: CacheDatabase; cipher: RecordCipher },
  filter: ConversationFilter,
  options: { limit?: number } = {},
): Promise<ConversationView[]> {
  const cache = new AccountCache(store.db, store.cipher)
  const consent = await cache.consent.all()
  const consentOf = (state: ConversationState): ConsentView => {
    const known = consent.get(state.peerAddress.toLowerCase()) ?? 'unknown'
    return known === 'unknown' && state.repliedByMe ? 'allowed' : known
  }
  const states = await cache.listConversations((s) => !s.conflict && matches(filter, consentOf(s)), options.limit ?? Infinity)
  return states.map((s) => toConversationView(s, consentOf(s)))
}
