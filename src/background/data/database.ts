// The IndexedDB schema of one account's cache (one database per node URL + account). Only
// what the indexes need is plain: blinded ids (keyed hashes of topics and addresses),
// message ids, and sort keys (lastMessageAt, sentAt, nextAttemptAt). Everything else —
// topics, addresses, text, key material — is inside `value`, sealed by RecordCipher.
import { wrap, type DBSchema, type IDBPDatabase } from 'idb'

/**
 * 1: the first release (the library's conversation records in `client`, beside the cache's rows).
 * 2: one row per conversation: the library's record lives inside the cache's `conversations`
 *    row (conversation-store.ts). Upgrading from 1 marks the database (`meta`) so that, once
 *    opened with the cache key, the old `client` conversation records are folded into those
 *    rows (fold.ts): sealing needs WebCrypto, which cannot run inside an upgrade transaction.
 */
export const DATABASE_VERSION = 2

/** The `meta` row that says the old `client` conversation records still have to be folded in. */
export const FOLD_MARKER = 'fold-client-conversations'

export interface ConversationRow {
  /** Blinded topic. */
  id: string
  lastMessageAt: number
  value: Uint8Array
}

export interface MessageRow {
  /** Blinded topic of the conversation. */
  conv: string
  /** Message id (hex SHA-256 of the Message bytes). */
  id: string
  sentAt: number
  value: Uint8Array
}

export interface OutboxRow {
  /** Message id. */
  id: string
  conv: string
  /** When the next publish attempt is due (ms); failed entries use +Infinity. */
  nextAttemptAt: number
  value: Uint8Array
}

export interface SealedRow {
  id: string
  value: Uint8Array
}

export interface ClientRow {
  /** Blinded persistence key. */
  id: string
  /** The persistence key itself, sealed (it can hold topics). */
  key: Uint8Array
  value: Uint8Array
}

/** Plain bookkeeping of the schema itself (no secrets, nothing sealed). */
export interface MetaRow {
  id: string
}

export interface CacheSchema extends DBSchema {
  conversations: { key: string; value: ConversationRow; indexes: { lastMessageAt: number } }
  messages: { key: [string, string]; value: MessageRow; indexes: { byConversation: [string, number]; bySentAt: number } }
  outbox: { key: string; value: OutboxRow; indexes: { nextAttemptAt: number } }
  client: { key: string; value: ClientRow }
  consent: { key: string; value: SealedRow }
  cursors: { key: string; value: SealedRow }
  meta: { key: string; value: MetaRow }
}

export type CacheDatabase = IDBPDatabase<CacheSchema>

/**
 * Opens (creating or upgrading) the account's database. `indexedDB` is the worker's global
 * in the extension and a fake-indexeddb factory in Node tests (idb's wrappers need the
 * IDB* classes as globals there too: `import 'fake-indexeddb/auto'`).
 */
export async function openAccountDatabase(indexedDB: IDBFactory, databaseName: string): Promise<CacheDatabase> {
  if (typeof indexedDB?.open !== 'function') throw new TypeError('indexedDB must be an IDBFactory')
  if (typeof databaseName !== 'string' || databaseName.length === 0) throw new TypeError('databaseName must be a non-empty string')
  const request = indexedDB.open(databaseName, DATABASE_VERSION)
  request.addEventListener('upgradeneeded', (event) => {
    const db = wrap(request.result) as unknown as CacheDatabase
    const oldVersion = (event as IDBVersionChangeEvent).oldVersion
    if (oldVersion < 1) createSchema(db)
    if (oldVersion < 2) {
      const meta = request.result.createObjectStore('meta', { keyPath: 'id' })
      if (oldVersion >= 1) meta.put({ id: FOLD_MARKER }) // a released database: its client records are folded in after opening
    }
  })
  let db: CacheDatabase
  try {
    db = (await wrap(request)) as unknown as CacheDatabase
  } catch (cause) {
    throw new Error(`the message cache could not be opened: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
  // Another context wants a newer schema: step aside rather than block it.
  db.addEventListener('versionchange', () => db.close())
  return db
}

function createSchema(db: CacheDatabase): void {
  const conversations = db.createObjectStore('conversations', { keyPath: 'id' })
  conversations.createIndex('lastMessageAt', 'lastMessageAt')
  const messages = db.createObjectStore('messages', { keyPath: ['conv', 'id'] })
  messages.createIndex('byConversation', ['conv', 'sentAt'])
  messages.createIndex('bySentAt', 'sentAt')
  const outbox = db.createObjectStore('outbox', { keyPath: 'id' })
  outbox.createIndex('nextAttemptAt', 'nextAttemptAt')
  db.createObjectStore('client', { keyPath: 'id' })
  db.createObjectStore('consent', { keyPath: 'id' })
  db.createObjectStore('cursors', { keyPath: 'id' })
}

/** One database per node and account: `parley/<nodeUrl>/<address>`. */
export function accountDatabaseName(nodeUrl: string, address: string): string {
  return `parley/${nodeUrl.replace(/\/+$/, '')}/${address.toLowerCase()}`
}
