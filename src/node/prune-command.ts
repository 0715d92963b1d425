// `npm run node -- prune --older-than 90d [--topics m,dm] [--dry-run] [--db …]`: removes old
// conversation envelopes once, with the node stopped or running (SQLite's WAL lets a second
// process write; PostgreSQL is shared anyway), and says what it removed.

import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { ConfigError, DATABASE_URL_ENV, storeChoice } from './config.ts'
import { formatDuration, parseDuration } from './duration.ts'
import { DEFAULT_PRUNED_KINDS, KEPT_KINDS, parseKinds, prune } from './retention.ts'
import { PostgresEnvelopeStore, redactUrl } from './store/postgres.ts'
import { SqliteEnvelopeStore } from './store/sqlite.ts'
import type { EnvelopeStore } from './store/types.ts'

export const PRUNE_USAGE = `Usage: npm run node -- prune --older-than <duration> [options]

Removes envelopes whose sender timestamp is older than the duration, in small batches; the node
may be running. By default only conversation topics (${DEFAULT_PRUNED_KINDS.map((k) => `${k}-`).join(', ')}); ${KEPT_KINDS.map((k) => `${k}-`).join(', ')}
are kept unless named in --topics.

Options:
  --older-than <duration>    e.g. 90d, 12h (units s, m, h, d, w)
  --topics <kinds>           topic kinds to prune, comma-separated (default: ${DEFAULT_PRUNED_KINDS.join(',')})
  --dry-run                  count what would go, remove nothing
  --db <file | postgres://…> the node's database (default: ./data/parley-node.db)
  --store <sqlite | postgres> postgres reads the URL from $${DATABASE_URL_ENV}
  -h, --help                 show this help
`

export interface PruneCommand {
  olderThanMs: number
  kinds: string[]
  dryRun: boolean
  storage: ReturnType<typeof storeChoice>
}

export function parsePruneArgs(argv: string[], env: Record<string, string | undefined> = process.env): PruneCommand | 'help' {
  let values
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'older-than': { type: 'string' },
        topics: { type: 'string' },
        'dry-run': { type: 'boolean' },
        db: { type: 'string' },
        store: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (err) {
    throw new ConfigError((err as Error).message)
  }
  if (values.help) return 'help'
  if (values['older-than'] === undefined) throw new ConfigError('prune needs --older-than <duration>, e.g. --older-than 90d')
  try {
    return {
      olderThanMs: parseDuration(values['older-than'], '--older-than'),
      kinds: values.topics === undefined ? [...DEFAULT_PRUNED_KINDS] : parseKinds(values.topics),
      dryRun: values['dry-run'] === true,
      storage: storeChoice(values.db, values.store, env),
    }
  } catch (err) {
    if (err instanceof RangeError) throw new ConfigError(err.message)
    throw err
  }
}

/** Runs the command; resolves with the exit code. */
export async function runPrune(argv: string[], out: NodeJS.WritableStream = process.stdout, errors: NodeJS.WritableStream = process.stderr): Promise<number> {
  let command
  try {
    command = parsePruneArgs(argv)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    errors.write(`parley-node prune: ${err.message}\n\n${PRUNE_USAGE}`)
    return 2
  }
  if (command === 'help') {
    out.write(PRUNE_USAGE)
    return 0
  }
  const { storage } = command
  const shown = storage.store === 'postgres' ? redactUrl(storage.databaseUrl!) : storage.db
  if (storage.store === 'sqlite' && storage.db !== ':memory:' && !existsSync(storage.db)) {
    errors.write(`parley-node prune: no database at ${storage.db} (give the node's --db)\n`)
    return 1
  }
  let store: EnvelopeStore
  try {
    store =
      storage.store === 'postgres'
        ? await PostgresEnvelopeStore.open({ url: storage.databaseUrl!, poolSize: 2, logger: pino({ level: 'warn' }) })
        : new SqliteEnvelopeStore({ path: storage.db })
  } catch (err) {
    errors.write(`parley-node prune: cannot open the database ${shown}: ${(err as Error).message}\n`)
    return 1
  }
  try {
    const beforeNs = BigInt(Date.now() - command.olderThanMs) * 1_000_000n
    const result = await prune(store, { beforeNs, kinds: command.kinds, dryRun: command.dryRun })
    const before = new Date(Number(beforeNs / 1_000_000n)).toISOString()
    const parts = command.kinds.map((k) => `${k}- ${result.byKind[k] ?? 0}`).join(', ')
    out.write(
      command.dryRun
        ? `dry run: would remove ${result.total} envelopes older than ${formatDuration(command.olderThanMs)} (sent before ${before}) from ${shown}: ${parts}\n`
        : `removed ${result.total} envelopes older than ${formatDuration(command.olderThanMs)} (sent before ${before}) from ${shown}: ${parts}\n`,
    )
    return 0
  } finally {
    await store.close()
  }
}
