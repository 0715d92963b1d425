// Node configuration and its command line.

import { parseArgs } from 'node:util'
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_STREAM_BUFFER_BYTES } from './limits.ts'
import { DEFAULT_RATE_LIMITS, type RateLimits } from './rateLimit.ts'
import type { SyncMode } from './store/sqlite.ts'

export type StoreKind = 'sqlite' | 'postgres'

export interface NodeConfig {
  port: number
  host: string
  /** Embedded SQLite (default) or PostgreSQL. */
  store: StoreKind
  /** SQLite file path or `:memory:` (store sqlite; '' for postgres). */
  db: string
  /** PostgreSQL URL (store postgres); may hold a password, so never log it unredacted. */
  databaseUrl?: string
  /** Pooled PostgreSQL connections per node process. */
  poolSize: number
  sync: SyncMode
  auth: boolean
  /** Undefined = no rate limits. */
  rateLimits: RateLimits | undefined
  /** Use the first X-Forwarded-For entry as the client IP (only behind a trusted proxy). */
  trustProxy: boolean
  maxBodyBytes: number
  streamBufferBytes: number
  logLevel: string
}

/** What the CLI prints, followed by the URL, once it listens; test helpers wait for it. */
export const LISTENING_LINE = 'Parley node listening on '

export const DEFAULT_PORT = 5555
export const DEFAULT_DB = './data/parley-node.db'
/** Where `--store postgres` reads the database URL, so a password stays out of `ps`. */
export const DATABASE_URL_ENV = 'PARLEY_DATABASE_URL'
export const DEFAULT_POOL_SIZE = 10

export const USAGE = `Usage: npm run node -- [options]

Runs a Parley XMTP node: the message API v1 over HTTP (/message/v1/*), as xmtp-js 13 expects it.

Options:
  --port <n>                 port to listen on; 0 picks a free one (default: $PORT or ${DEFAULT_PORT})
  --host <addr>              address to bind (default: 127.0.0.1; 0.0.0.0 for every interface)
  --db <file | :memory: | postgres://user@host:port/db>
                             SQLite database (default: ${DEFAULT_DB}; its folder is created),
                             or a PostgreSQL URL, which selects the PostgreSQL store
  --store <sqlite | postgres>
                             sqlite (default), or postgres with the URL in $${DATABASE_URL_ENV}
                             (keeps a password out of the process list)
  --pool-size <n>            PostgreSQL connections per node process (default: ${DEFAULT_POOL_SIZE})
  --sync <full | normal>     SQLite only. full (default): every acknowledged publish is fsynced,
                             surviving power loss; normal: survives a killed process, not a
                             power loss. PostgreSQL acknowledges after its commit is on disk
                             (synchronous_commit, on by default)
  --no-auth                  accept publishes without a bearer token (experiments only)
  --rate-default <n/burst>   API calls per minute per client IP and burst (default: ${DEFAULT_RATE_LIMITS.default.perMinute}/${DEFAULT_RATE_LIMITS.default.burst})
  --rate-publish <n/burst>   published envelopes per minute per client IP and burst (default: ${DEFAULT_RATE_LIMITS.publish.perMinute}/${DEFAULT_RATE_LIMITS.publish.burst})
  --no-rate-limits           turn rate limiting off
  --trust-proxy              take the client IP from X-Forwarded-For (only behind your own proxy)
  --max-body-bytes <n>       largest request body (default: ${DEFAULT_MAX_BODY_BYTES}, the gRPC limit in base64 JSON)
  --stream-buffer-bytes <n>  backlog of a slow subscriber before its envelopes are dropped (default: ${DEFAULT_STREAM_BUFFER_BYTES})
  --log-level <level>        fatal, error, warn, info (default), debug (one line per request), trace
  -h, --help                 show this help
`

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

function integer(value: string, flag: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(value)) throw new ConfigError(`${flag} must be a whole number, got "${value}"`)
  const n = Number(value)
  if (n < min || n > max) throw new ConfigError(`${flag} must be between ${min} and ${max}, got ${n}`)
  return n
}

function rate(value: string, flag: string) {
  const match = /^([0-9]+(?:\.[0-9]+)?)\/([0-9]+)$/.exec(value)
  if (!match) throw new ConfigError(`${flag} must look like <per-minute>/<burst>, e.g. 600/3000; got "${value}"`)
  const perMinute = Number(match[1])
  const burst = Number(match[2])
  if (!(perMinute > 0) || !(burst >= 1)) throw new ConfigError(`${flag} needs a positive rate and a burst of at least 1`)
  return { perMinute, burst }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** Parses argv (without node and script); `help: true` when usage was asked for. */
export function parseNodeArgs(argv: string[], env: Record<string, string | undefined> = process.env): { help: boolean; config: NodeConfig } {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        store: { type: 'string' },
        'pool-size': { type: 'string' },
        sync: { type: 'string' },
        'no-auth': { type: 'boolean' },
        'rate-default': { type: 'string' },
        'rate-publish': { type: 'string' },
        'no-rate-limits': { type: 'boolean' },
        'trust-proxy': { type: 'boolean' },
        'max-body-bytes': { type: 'string' },
        'stream-buffer-bytes': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err))
  }
  const v = parsed.values
  const portText = v.port ?? env.PORT
  const port = portText === undefined || portText === '' ? DEFAULT_PORT : integer(portText, v.port !== undefined ? '--port' : 'PORT', 0, 65535)
  const host = v.host ?? '127.0.0.1'
  if (host === '') throw new ConfigError('--host must not be empty')
  const storage = storeChoice(v.db, v.store, env)
  const sync = v.sync ?? 'full'
  if (sync !== 'full' && sync !== 'normal') throw new ConfigError(`--sync must be full or normal, got "${sync}"`)
  if (storage.store === 'postgres' && v.sync !== undefined) {
    throw new ConfigError('--sync applies to SQLite only; PostgreSQL acknowledges once its commit is on disk (synchronous_commit)')
  }
  if (storage.store === 'sqlite' && v['pool-size'] !== undefined) throw new ConfigError('--pool-size applies to the PostgreSQL store only')
  const poolSize = v['pool-size'] ? integer(v['pool-size'], '--pool-size', 1, 1000) : DEFAULT_POOL_SIZE
  const logLevel = v['log-level'] ?? 'info'
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`)
  if (v['no-rate-limits'] && (v['rate-default'] || v['rate-publish'])) {
    throw new ConfigError('--no-rate-limits cannot be combined with --rate-default or --rate-publish')
  }
  const rateLimits = v['no-rate-limits']
    ? undefined
    : {
        default: v['rate-default'] ? rate(v['rate-default'], '--rate-default') : DEFAULT_RATE_LIMITS.default,
        publish: v['rate-publish'] ? rate(v['rate-publish'], '--rate-publish') : DEFAULT_RATE_LIMITS.publish,
      }
  const maxBodyBytes = v['max-body-bytes'] ? integer(v['max-body-bytes'], '--max-body-bytes', 1024, 2 ** 31) : DEFAULT_MAX_BODY_BYTES
  const streamBufferBytes = v['stream-buffer-bytes']
    ? integer(v['stream-buffer-bytes'], '--stream-buffer-bytes', 1024, 2 ** 31)
    : DEFAULT_STREAM_BUFFER_BYTES
  return {
    help: v.help === true,
    config: { port, host, ...storage, poolSize, sync, auth: !v['no-auth'], rateLimits, trustProxy: v['trust-proxy'] === true, maxBodyBytes, streamBufferBytes, logLevel },
  }
}

const isPostgresUrl = (value: string) => /^postgres(ql)?:\/\//i.test(value)

/** --db and --store (and the URL variable) → which store, with its file or URL. */
function storeChoice(db: string | undefined, store: string | undefined, env: Record<string, string | undefined>): { store: StoreKind; db: string; databaseUrl?: string } {
  if (store !== undefined && store !== 'sqlite' && store !== 'postgres') throw new ConfigError(`--store must be sqlite or postgres, got "${store}"`)
  if (db === '') throw new ConfigError('--db must be a file path, :memory: or a postgres:// URL')
  const url = db !== undefined && isPostgresUrl(db) ? db : undefined
  if (store === 'sqlite' && url) throw new ConfigError('--store sqlite cannot use a postgres:// URL as --db')
  if (store === 'postgres' || url) {
    if (db !== undefined && !url) throw new ConfigError(`--store postgres takes a postgres:// URL, not the file "${db}"; or leave --db out and set ${DATABASE_URL_ENV}`)
    const databaseUrl = url ?? env[DATABASE_URL_ENV]
    if (!databaseUrl) throw new ConfigError(`--store postgres needs the database URL in ${DATABASE_URL_ENV} (or --db postgres://user@host:port/db)`)
    if (!isPostgresUrl(databaseUrl)) throw new ConfigError(`${DATABASE_URL_ENV} must be a postgres:// URL`)
    try {
      new URL(databaseUrl)
    } catch {
      throw new ConfigError(`the PostgreSQL URL is not a valid URL (postgres://user[:password]@host:port/database)`)
    }
    return { store: 'postgres', db: '', databaseUrl }
  }
  return { store: 'sqlite', db: db ?? DEFAULT_DB }
}
