// PostgreSQL for tests. scripts/with-postgres.sh starts a throwaway server and exports
// PARLEY_TEST_DATABASE_URL (a superuser URL); each store or node under test gets a database
// of its own on it, so tests stay as independent as SQLite's `:memory:`.
//
// PARLEY_TEST_STORE=postgres makes startNode() (node-process.ts) run nodes on Postgres, so the
// node and interop tests run unchanged against either store.

import { createHash, randomBytes } from 'node:crypto'
import pg from 'pg'

export type TestStoreKind = 'sqlite' | 'postgres'

export function testStoreKind(): TestStoreKind {
  const value = process.env.PARLEY_TEST_STORE ?? 'sqlite'
  if (value !== 'sqlite' && value !== 'postgres') throw new Error(`PARLEY_TEST_STORE must be sqlite or postgres, got "${value}"`)
  return value
}

export function adminUrl(): string {
  const url = process.env.PARLEY_TEST_DATABASE_URL
  if (!url) {
    throw new Error(
      'PARLEY_TEST_DATABASE_URL is not set: these tests need a PostgreSQL server. Run them through ' +
        'scripts/with-postgres.sh, e.g. `bash scripts/with-postgres.sh npx vitest run --project node` (npm run test:node does).',
    )
  }
  return url
}

function urlFor(database: string): string {
  const url = new URL(adminUrl())
  url.pathname = `/${database}`
  return url.toString()
}

/**
 * Creates a database and returns its URL: a fresh one, or with `key` (e.g. a SQLite file path
 * a test reuses to restart a node on the same data) the same database each time.
 */
export async function createTestDatabase(key?: string): Promise<string> {
  const name = key === undefined ? `parley_${randomBytes(6).toString('hex')}` : `parley_k${createHash('sha256').update(key).digest('hex').slice(0, 16)}`
  const admin = new pg.Client({ connectionString: adminUrl() })
  await admin.connect()
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  return urlFor(name)
}
