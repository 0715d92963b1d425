// Deleting what the background stored for one account: its IndexedDB databases on every node
// (named `parley/<nodeUrl>/<address>`, data/account-store's accountDatabaseName). Used when an
// account is removed or its vault replaced: the cache was sealed under keys that are gone.

/** The databases of `address`, on any node, among `names`. */
export function accountDatabaseNames(names: Iterable<string | undefined>, address: string): string[] {
  if (typeof address !== 'string' || address.length === 0) throw new TypeError('address must be a non-empty string')
  const suffix = `/${address.toLowerCase()}`
  const found: string[] = []
  for (const name of names) if (name !== undefined && name.startsWith('parley/') && name.endsWith(suffix)) found.push(name)
  return found
}

/**
 * Starts deleting every database of `address`; resolves with their names. A browser without
 * IDBFactory.databases() lists nothing, so nothing is deleted there.
 */
export async function deleteAccountDatabases(indexedDB: IDBFactory, address: string): Promise<string[]> {
  const databases = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : []
  const names = accountDatabaseNames(databases.map((db) => db.name), address)
  for (const name of names) indexedDB.deleteDatabase(name)
  return names
}
