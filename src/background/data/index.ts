// src/background/data: one account's messenger data — an encrypted IndexedDB cache, the
// sync engine and the durable outbox — behind AccountData (../contracts.ts).
//
// Order of use in the background (the protocol Client reads and writes its conversation
// records, with their key material, through the store's rows, and keeps its listing
// watermarks in the store's Persistence, so it needs the store first):
//
//   const store = await openAccountStore({ indexedDB, databaseName: accountDatabaseName(nodeUrl, address), cacheKey })
//   const client = await Client.create(signer, { apiUrl: nodeUrl, persistence: store.persistence, conversationStore: store.conversationStore })
//   const data = await createAccountData({ client, indexedDB, databaseName, cacheKey, store })
//   ... data.close() closes the store too (the client stays the caller's).
//
// Who owns what (one owner per record):
//   - a conversation — the library's record, its preview, unread count, read position and
//     mute — is ONE sealed row in `conversations`, written once per change in one transaction
//     (conversation-rows.ts); the library writes it through CachedConversationStore, the cache
//     through AccountCache, both with the same optimistic batched write;
//   - a message is one row in `messages`, written with its conversation's row;
//   - consent per peer is owned by the ConsentBook (consent.ts): one sealed row per peer in
//     `consent`; the views read it there (the library's contact list is where it comes from);
//   - the library's listing watermarks stay in its Persistence (`client` rows); the sync
//     engine's per-topic cursors in `cursors`; the outbox's entries in `outbox`.
import type { Client, Persistence } from '../../protocol/index.ts'
import type { AccountData } from '../contracts.ts'
import type { AttachmentFetch } from './attachments.ts'
import { CachedAccountData } from './account-data.ts'
import { RecordCipher } from './cipher.ts'
import { CachedConversationStore } from './conversation-store.ts'
import { openAccountDatabase, type CacheDatabase } from './database.ts'
import { foldClientConversations } from './fold.ts'
import type { OutboxPolicy } from './outbox.ts'
import { EncryptedPersistence } from './persistence.ts'

export { CachedAccountData } from './account-data.ts'
export { AccountDataError } from './account-errors.ts'
export { listCachedConversations } from './cached-list.ts'
export { CacheRecordError } from './cipher.ts'
export { accountDatabaseName, openAccountDatabase, type CacheDatabase } from './database.ts'
export { EncryptedPersistence } from './persistence.ts'
export { CachedConversationStore } from './conversation-store.ts'
export { DEFAULT_OUTBOX_POLICY, type OutboxPolicy } from './outbox.ts'

/**
 * What createAccountData takes (owned here, so this folder needs nothing from ../services.ts;
 * what it builds is checked against AccountData where it is used).
 */
export interface AccountDataOptions {
  client: Client
  /** An IDBFactory: `indexedDB` in the worker, fake-indexeddb in Node tests. */
  indexedDB: IDBFactory
  /** Database name, e.g. `parley/<nodeUrl>/<address>`: one database per node and account. */
  databaseName: string
  /** 32 bytes from WalletService.deriveKey for encrypting records at rest; the data layer copies it. */
  cacheKey: Uint8Array
  now?: () => number
  /** The store already opened for the Client (openAccountStore); closed with the AccountData. */
  store?: AccountStore
  /** Outbox retry policy (tests shorten it). */
  outbox?: Partial<OutboxPolicy>
  /** For downloading remote attachments (default: global fetch). */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>
}

/** An opened account database with its record cipher and the Client's Persistence over it. */
export interface AccountStore {
  readonly db: CacheDatabase
  readonly cipher: RecordCipher
  /** The library's listing watermarks. */
  readonly persistence: Persistence
  /** The library's conversation records, inside the cache's conversation rows: pass it to Client.create. */
  readonly conversationStore: CachedConversationStore
  /** Closes the database and zeroes the derived keys. */
  close(): void
}

/**
 * Opens (creating or upgrading) the account's database; a database of the first release has
 * its conversation records folded into the cache rows here (fold.ts). `address` (the
 * account's) defaults to the one at the end of an accountDatabaseName.
 */
export async function openAccountStore(options: { indexedDB: IDBFactory; databaseName: string; cacheKey: Uint8Array; address?: string }): Promise<AccountStore> {
  const cipher = new RecordCipher(options.cacheKey)
  let db: CacheDatabase | undefined
  try {
    db = await openAccountDatabase(options.indexedDB, options.databaseName)
    const persistence = new EncryptedPersistence(db, cipher)
    const me = options.address ?? /\/(0x[0-9a-fA-F]{40})$/.exec(options.databaseName)?.[1] ?? ''
    const conversationStore = new CachedConversationStore({ db, cipher, persistence, me })
    await foldClientConversations(db, persistence, conversationStore)
    const opened = db
    return {
      db,
      cipher,
      persistence,
      conversationStore,
      close() {
        opened.close()
        cipher.close()
      },
    }
  } catch (error) {
    db?.close()
    cipher.close()
    throw error
  }
}

/** The Client's Persistence over an open account database (sealed with keys derived from `cacheKey`). */
export function createEncryptedPersistence(db: CacheDatabase, cacheKey: Uint8Array): Persistence {
  return new EncryptedPersistence(db, new RecordCipher(cacheKey))
}

/**
 * The AccountData of an unlocked account whose Client exists. Resumes the outbox at once
 * (a restarted worker publishes what a previous one left); call syncNow() and holdStream()
 * as the background needs. Uses `options.store` when given, else opens the database.
 */
export async function createAccountData(options: AccountDataOptions): Promise<CachedAccountData> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  if (!options.client || typeof options.client.address !== 'string') throw new TypeError('options.client must be a protocol Client')
  const store = options.store ?? (await openAccountStore(options))
  const fetchFn: AttachmentFetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init))
  const data = new CachedAccountData({
    client: options.client,
    db: store.db,
    cipher: store.cipher,
    conversations: store.conversationStore,
    now: options.now ?? Date.now,
    fetch: fetchFn,
    ...(options.outbox ? { outbox: options.outbox } : {}),
  })
  await data.start()
  return data
}
