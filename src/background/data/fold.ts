// The upgrade from database version 1 (the first release), finished once the database is open
// with its cache key: the library's conversation records, which version 1 kept as `client`
// rows (`<wallet>/conversation/<topic>`) beside the cache's own conversation rows, move into
// those rows (conversation-store.ts), and the `client` copies go. Each conversation keeps its
// row (preview, unread count, read position, mute), its messages, cursor and consent; a record
// without a cache row gets a fresh one. Interrupted, it runs again on the next open: writing
// the same record twice changes nothing, and the old rows and the marker go last, together.
import { decodeConversationRecord, type ConversationRecord } from '../../protocol/index.ts'
import type { CachedConversationStore } from './conversation-store.ts'
import { FOLD_MARKER, type CacheDatabase } from './database.ts'
import type { EncryptedPersistence } from './persistence.ts'

/** A library conversation record's Persistence key (NamespacedPersistence puts the wallet in front). */
const CONVERSATION_KEY = /^(?:[^/]+\/)?conversation\//

/** Folds version 1's conversation records into the cache rows when the upgrade left its marker; returns how many. */
export async function foldClientConversations(db: CacheDatabase, persistence: EncryptedPersistence, store: CachedConversationStore): Promise<number> {
  if (!(await db.get('meta', FOLD_MARKER))) return 0
  const keys = (await persistence.keys('')).filter((key) => CONVERSATION_KEY.test(key))
  const values = await persistence.getItems(keys) // an unreadable one is dropped there: the listing re-learns it
  const records: ConversationRecord[] = []
  for (const value of values) {
    if (!value) continue
    try {
      records.push(decodeConversationRecord(value))
    } catch {
      // not a record: dropped with the rest below, re-learnt from the network
    }
  }
  await store.saveMany(records)
  const tx = db.transaction(['client', 'meta'], 'readwrite')
  await Promise.all([...keys.map((key) => tx.objectStore('client').delete(persistence.rowId(key))), tx.objectStore('meta').delete(FOLD_MARKER), tx.done])
  persistence.forget(keys)
  return records.length
}
