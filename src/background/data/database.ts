// The IndexedDB schema of one account's cache (one database per node URL + account). Only
// what the indexes need is plain: blinded ids (keyed hashes of topics and addresses),
// message ids, and sort keys (lastMessageAt, sentAt, nextAttemptAt). Everything else —
// topics, addresses, text, key material — is inside `value`, sealed by RecordCipher.
import { wrap, type DBSchema, type IDBPDatabase } from 'idb'

export const DATABASE_VERSION = 1

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

export interface CacheSchema extends DBSchema {
  conversations: { key: string; value: ConversationRow; indexes: { lastMessageAt: number } }
  messages: { key: [string, string]; value: MessageRow; indexes: { byConversation: [string, number]; bySentAt: number } }
  outbox: { key: string; value: OutboxRow; indexes: { nextAttemptAt: number } }
  client: { key: string; value: ClientRow }
  consent: { key: string; value: SealedRow }
  cursors: { key: string; value: SealedRow }
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
  request.addEventListener('upgradeneeded', () => createSchema(wrap(request.result) as unknown as CacheDatabase))
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
