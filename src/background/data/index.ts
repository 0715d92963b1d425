// src/background/data: one account's messenger data — an encrypted IndexedDB cache, the
// sync engine and the durable outbox — behind AccountData (../contracts.ts).
//
// Order of use in the background (the protocol Client keeps its own records, with their
// conversation key material, in the same encrypted database, so it needs the store first):
//
//   const store = await openAccountStore({ indexedDB, databaseName: accountDatabaseName(nodeUrl, address), cacheKey })
//   const client = await Client.create(signer, { apiUrl: nodeUrl, persistence: store.persistence })
//   const data = await createAccountData({ client, indexedDB, databaseName, cacheKey, store })
//   ... data.close() closes the store too (the client stays the caller's).
import type { Persistence } from '../../protocol/index.ts'
import type { AccountData, AccountDataOptions } from '../contracts.ts'
import type { AttachmentFetch } from './attachments.ts'
import { CachedAccountData } from './account-data.ts'
import { RecordCipher } from './cipher.ts'
import { openAccountDatabase, type CacheDatabase } from './database.ts'
import { EncryptedPersistence } from './persistence.ts'

export { AccountDataError, CachedAccountData } from './account-data.ts'
export { listCachedConversations } from './cached-list.ts'
export { CacheRecordError } from './cipher.ts'
export { accountDatabaseName, openAccountDatabase, type CacheDatabase } from './database.ts'
export { EncryptedPersistence } from './persistence.ts'
export { DEFAULT_OUTBOX_POLICY, type OutboxPolicy } from './outbox.ts'

/** An opened account database with its record cipher and the Client's Persistence over it. */
export interface AccountStore {
  readonly db: CacheDatabase
  readonly cipher: RecordCipher
  readonly persistence: Persistence
  /** Closes the database and zeroes the derived keys. */
  close(): void
}

export async function openAccountStore(options: { indexedDB: IDBFactory; databaseName: string; cacheKey: Uint8Array }): Promise<AccountStore> {
  const cipher = new RecordCipher(options.cacheKey)
  let db: CacheDatabase
  try {
    db = await openAccountDatabase(options.indexedDB, options.databaseName)
  } catch (error) {
    cipher.close()
    throw error
  }
  return {
    db,
    cipher,
    persistence: new EncryptedPersistence(db, cipher),
    close() {
      db.close()
      cipher.close()
    },
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
export async function createAccountData(options: AccountDataOptions): Promise<AccountData> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  if (!options.client || typeof options.client.address !== 'string') throw new TypeError('options.client must be a protocol Client')
  const store = options.store ?? (await openAccountStore(options))
  const fetchFn: AttachmentFetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init))
  const data = new CachedAccountData({
    client: options.client,
    db: store.db,
    cipher: store.cipher,
    now: options.now ?? Date.now,
    fetch: fetchFn,
    ...(options.outbox ? { outbox: options.outbox } : {}),
  })
  await data.start()
  return data
}
