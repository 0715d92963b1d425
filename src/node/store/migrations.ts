// Versioned schema of the PostgreSQL store. Each migration runs once, in its own transaction,
// in version order; `parley_schema` records what ran. A node started on a database migrated
// by a newer node refuses to run instead of writing rows the newer schema does not expect.

import type { ClientBase } from 'pg'
import { SchemaTooNewError } from './errors.ts'

export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'envelopes, and the relay table for large ephemeral envelopes',
    sql: `
      -- sender_ts holds the uint64 sender timestamp minus 2^63 (see postgres.ts), so the whole
      -- uint64 range fits a bigint in order. The primary key is node-go's dedup key (the same
      -- topic, timestamp and message are one envelope: the digest covers topic and message)
      -- and the index that serves the query order in both directions for a topic. COLLATE "C":
      -- topics are only compared for equality, byte order is enough and cheaper.
      CREATE TABLE envelopes (
        topic text COLLATE "C" NOT NULL,
        sender_ts bigint NOT NULL,
        digest bytea NOT NULL,
        receiver_ts bigint NOT NULL,
        payload bytea NOT NULL,
        PRIMARY KEY (topic, sender_ts, digest)
      );
      -- Payloads are ciphertext: compressing them only costs CPU.
      ALTER TABLE envelopes ALTER COLUMN payload SET STORAGE EXTERNAL;
      -- Ephemeral envelopes are never stored, but one too big for a NOTIFY payload (8000
      -- bytes) reaches the other processes through this table; rows live for minutes.
      CREATE UNLOGGED TABLE ephemeral_relay (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        sender_ts bigint NOT NULL,
        payload bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 2,
    name: 'owner proofs of contact and privatestore envelopes',
    // The Authorization value an owner-only envelope was accepted on; peers check it again
    // when catch-up or anti-entropy carries the envelope. NULL for rows stored before it
    // (and for every other topic). Adding a nullable column rewrites nothing.
    sql: `ALTER TABLE envelopes ADD COLUMN proof text;`,
  },
]

/** Any 64-bit constant: serialises concurrent start-ups of several nodes on one database. */
const MIGRATION_LOCK = 0x7061726c6579 // "parley"

export interface MigrationResult {
  /** Schema version after migrating. */
  version: number
  /** Versions applied now (empty when the schema was current). */
  applied: number[]
}

/** Brings the schema to the newest known version; idempotent and safe to run concurrently. */
export async function migrate(client: ClientBase, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  const known = migrations.reduce((max, m) => Math.max(max, m.version), 0)
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
  try {
    await client.query(`
      CREATE TABLE IF NOT EXISTS parley_schema (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`)
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM parley_schema')
    const current = rows[0]?.version ?? 0
    if (current > known) throw new SchemaTooNewError(current, known)
    const applied: number[] = []
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (migration.version <= current) continue
      await client.query('BEGIN')
      try {
        await client.query(migration.sql)
        await client.query('INSERT INTO parley_schema (version, name) VALUES ($1, $2)', [migration.version, migration.name])
        await client.query('COMMIT')
      } catch (err) {
        await client.query('ROLLBACK')
        throw new Error(`schema migration ${migration.version} (${migration.name}) failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
      }
      applied.push(migration.version)
    }
    return { version: Math.max(current, known), applied }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined)
  }
}
