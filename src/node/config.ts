// Node configuration and its command line.

import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_NODE_LIMITS, DEFAULT_STREAM_BUFFER_BYTES, type NodeLimits } from './limits.ts'
import { parseDuration } from './duration.ts'
import { LOG_FORMATS, type LogFormat } from './logging.ts'
import { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit.ts'
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
  /** Limits against hostile clients given on the command line (the rest keep their defaults). */
  limits: Partial<NodeLimits>
  logLevel: string
  /** Undefined: pretty when stdout is a terminal, JSON otherwise. */
  logFormat: LogFormat | undefined
  /** The peer-to-peer network; undefined = off (no --p2p-port). */
  p2p: P2pConfig | undefined
  /** The message API over gRPC on this port (0 picks one); undefined = off (--no-grpc). */
  grpcPort: number | undefined
  /** GET /metrics on its own port (0 picks one); undefined = on the API port. */
  metricsPort: number | undefined
  /** Conversation envelopes older than this many milliseconds are pruned; undefined = kept. */
  retentionMs: number | undefined
}

export interface P2pConfig {
  /** TCP port for libp2p on --host; 0 picks a free one. */
  port: number
  /** Multiaddrs of peers to join through (with or without /p2p/<peer id>). */
  bootstrap: string[]
  /** Multiaddrs to advertise instead of the listening address. */
  announce: string[]
  /** Peer key file; undefined = a key that lives only as long as the process. */
  keyPath: string | undefined
  /** Peers the node keeps dialing towards (low watermark) and connections it prunes above (high). */
  minPeers: number
  maxPeers: number
  /** Mean time between anti-entropy rounds; 0 = off. */
  antiEntropyIntervalMs: number
  /** A peer silent this long is closed. */
  peerTimeoutMs: number
  /** Gossip bytes queued for one peer before it is dropped. */
  peerQueueBytes: number
}

export const DEFAULT_MIN_PEERS = 8
export const DEFAULT_MAX_PEERS = 16
export const DEFAULT_ANTI_ENTROPY_SECONDS = 180
export const DEFAULT_PEER_TIMEOUT_SECONDS = 30
export const DEFAULT_PEER_QUEUE_BYTES = 16 * 1024 * 1024

/** One flag per operator-settable limit (limits.ts NodeLimits): flag, field, range, help. */
const LIMIT_FLAGS: [flag: string, field: keyof NodeLimits, min: number, max: number, help: string][] = [
  ['max-query-topics', 'maxQueryTopics', 1, 10_000, 'topics in one query (and in each query of a batch)'],
  ['max-batch-topics', 'maxBatchTopics', 1, 50_000, 'topics over all queries of one batch query'],
  ['max-subscribe-topics', 'maxSubscribeTopics', 1, 1_000_000, 'topics in one subscription'],
  ['max-subscribed-topics', 'maxSubscribedTopics', 1, 10_000_000, 'topic registrations of all open subscriptions together'],
  ['max-publish-envelopes', 'maxPublishEnvelopes', 1, 1_000_000, 'envelopes in one publish'],
  ['max-invite-message-bytes', 'maxInviteMessageBytes', 1024, 1_048_214, 'bytes of one message on an invite- topic'],
  ['max-streams-per-ip', 'maxStreamsPerIp', 1, 1_000_000, 'open streams from one client address'],
  ['max-streams', 'maxStreams', 1, 10_000_000, 'open streams on the node'],
  ['max-connections-per-ip', 'maxConnectionsPerIp', 1, 10_000_000, 'TCP connections from one address (off with --trust-proxy)'],
  ['max-connections', 'maxConnections', 1, 10_000_000, 'TCP connections on the node'],
  ['total-stream-buffer-bytes', 'totalStreamBufferBytes', 1024, 2 ** 40, 'bytes queued in all streams together'],
  ['max-buffered-body-bytes', 'maxBufferedBodyBytes', 1024, 2 ** 40, 'request body bytes held at once, all requests'],
  ['headers-timeout-ms', 'headersTimeoutMs', 100, 3_600_000, 'time to send a request\'s headers'],
  ['body-timeout-ms', 'bodyTimeoutMs', 100, 3_600_000, 'longest silence inside a request body'],
  ['request-timeout-ms', 'requestTimeoutMs', 100, 3_600_000, 'time to send a whole request'],
  ['keep-alive-timeout-ms', 'keepAliveTimeoutMs', 100, 3_600_000, 'idle time of a kept-alive connection'],
]

const limitUsage = LIMIT_FLAGS.map(([flag, field, , , help]) => `  --${`${flag} <n>`.padEnd(31)} ${help} (default: ${DEFAULT_NODE_LIMITS[field]})\n`).join('')

/** What the CLI prints, followed by the URL, once it listens; test helpers wait for it. */
export const LISTENING_LINE = 'Parley node listening on '

export const DEFAULT_PORT = 5555
/** node-go's gRPC port, beside its HTTP gateway on 5555. */
export const DEFAULT_GRPC_PORT = 5556
/** What the CLI prints, followed by host:port, when the gRPC API listens (before LISTENING_LINE). */
export const GRPC_LISTENING_LINE = 'Parley node gRPC listening on '
/** Printed with the metrics URL when /metrics has a port of its own. */
export const METRICS_LISTENING_LINE = 'Parley node metrics on '
export const DEFAULT_DB = './data/parley-node.db'
/** Where `--store postgres` reads the database URL, so a password stays out of `ps`. */
export const DATABASE_URL_ENV = 'PARLEY_DATABASE_URL'
export const DEFAULT_POOL_SIZE = 10

export const USAGE = `Usage: npm run node -- [options]

Runs a Parley XMTP node: the message API v1 over HTTP (/message/v1/*), as xmtp-js 13 expects it,
and over gRPC (xmtp.message_api.v1.MessageApi), as the V2 SDKs and @xmtp/grpc-api-client speak it.
Removing old envelopes once: npm run node -- prune --older-than 90d (see prune --help).

Options:
  --port <n>                 port to listen on; 0 picks a free one (default: $PORT or ${DEFAULT_PORT})
  --host <addr>              address to bind (default: 127.0.0.1; 0.0.0.0 for every interface)
  --grpc-port <n>            the message API over gRPC (xmtp.message_api.v1.MessageApi) on this
                             port; 0 picks a free one (default: $GRPC_PORT or ${DEFAULT_GRPC_PORT})
  --no-grpc                  serve HTTP only
  --metrics-port <n>         serve GET /metrics (Prometheus) on this port instead of the API port
  --retention <duration>     prune conversation envelopes (m-, dm-, …; not contact-, privatestore-,
                             invite-, intro-) older than this, e.g. 90d (units s, m, h, d, w)
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
  --p2p-port <n>             join the peer-to-peer network: libp2p on this TCP port (0 picks one)
  --bootstrap <multiaddr>    a peer to join through, e.g. /ip4/127.0.0.1/tcp/6001 (repeatable)
  --p2p-announce <multiaddr> an address to advertise to peers, e.g. /dns4/node.example/tcp/6001
                             (repeatable; default: the listening address)
  --p2p-key <file>           the node's peer key, created with mode 0600 if missing
                             (default: <db>.p2p-key; with --db :memory: a fresh key per run)
  --min-peers <n>            peers the node dials towards (default: ${DEFAULT_MIN_PEERS}; gossip needs 4 or more)
  --max-peers <n>            connections above which the least useful are closed (default: ${DEFAULT_MAX_PEERS})
  --anti-entropy-interval <s> mean seconds between repair rounds with one peer (default: ${DEFAULT_ANTI_ENTROPY_SECONDS}; 0: off)
  --peer-timeout <s>         close a peer that answers nothing this long (default: ${DEFAULT_PEER_TIMEOUT_SECONDS})
  --peer-queue-bytes <n>     gossip queued for one peer before it is closed (default: ${DEFAULT_PEER_QUEUE_BYTES})
  --log-level <level>        fatal, error, warn, info (default), debug (one line per request), trace
  --log-format <json|pretty> json: one JSON object per line; pretty: readable lines (default:
                             pretty when stdout is a terminal, json otherwise; no colour under CI)
  -h, --help                 show this help

Limits against hostile clients (README: "Limits"):
${limitUsage}`

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

function integer(value: string, flag: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(value)) throw new ConfigError(`${flag} must be a whole number, got "${value}"`)
  const n = Number(value)
  if (n < min || n > max) throw new ConfigError(`${flag} must be between ${min} and ${max}, got ${n}`)
  return n
}

function decimal(value: string, flag: string, min: number, max: number): number {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value)) throw new ConfigError(`${flag} must be a number of seconds, got "${value}"`)
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
        'grpc-port': { type: 'string' },
        'no-grpc': { type: 'boolean' },
        'metrics-port': { type: 'string' },
        retention: { type: 'string' },
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
        'log-format': { type: 'string' },
        ...Object.fromEntries(LIMIT_FLAGS.map(([flag]) => [flag, { type: 'string' as const }])),
        'p2p-port': { type: 'string' },
        bootstrap: { type: 'string', multiple: true },
        'p2p-announce': { type: 'string', multiple: true },
        'p2p-key': { type: 'string' },
        'min-peers': { type: 'string' },
        'max-peers': { type: 'string' },
        'anti-entropy-interval': { type: 'string' },
        'peer-timeout': { type: 'string' },
        'peer-queue-bytes': { type: 'string' },
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
  const logFormat = v['log-format'] as LogFormat | undefined
  if (logFormat !== undefined && !LOG_FORMATS.includes(logFormat)) {
    throw new ConfigError(`--log-format must be ${LOG_FORMATS.join(' or ')}, got "${logFormat}"`)
  }
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
  const limits: Partial<NodeLimits> = {}
  for (const [flag, field, min, max] of LIMIT_FLAGS) {
    const text = (v as Record<string, unknown>)[flag]
    if (typeof text === 'string') limits[field] = integer(text, `--${flag}`, min, max)
  }
  const p2p = parseP2p(v, storage.db === '' ? ':memory:' : storage.db)
  if (v['no-grpc'] && v['grpc-port'] !== undefined) throw new ConfigError('--no-grpc cannot be combined with --grpc-port')
  const grpcText = v['grpc-port'] ?? env.GRPC_PORT
  const grpcPort = v['no-grpc']
    ? undefined
    : grpcText === undefined || grpcText === ''
      ? DEFAULT_GRPC_PORT
      : integer(grpcText, v['grpc-port'] !== undefined ? '--grpc-port' : 'GRPC_PORT', 0, 65535)
  if (grpcPort !== undefined && grpcPort !== 0 && grpcPort === port) throw new ConfigError(`--grpc-port ${grpcPort} is the HTTP port too; give each its own (or --no-grpc)`)
  const metricsPort = v['metrics-port'] === undefined ? undefined : integer(v['metrics-port'], '--metrics-port', 0, 65535)
  let retentionMs: number | undefined
  try {
    retentionMs = v.retention === undefined ? undefined : parseDuration(v.retention, '--retention')
  } catch (err) {
    throw new ConfigError((err as Error).message)
  }
  return {
    help: v.help === true,
    config: {
      port, host, ...storage, poolSize, sync, auth: !v['no-auth'], rateLimits, trustProxy: v['trust-proxy'] === true, maxBodyBytes, streamBufferBytes, limits, logLevel, logFormat, p2p,
      grpcPort, metricsPort, retentionMs,
    },
  }
}

type P2pFlag = 'p2p-port' | 'p2p-key' | 'min-peers' | 'max-peers' | 'anti-entropy-interval' | 'peer-timeout' | 'peer-queue-bytes'

function parseP2p(v: { [flag in P2pFlag]?: string | undefined } & { bootstrap?: string[] | undefined; 'p2p-announce'?: string[] | undefined }, db: string): P2pConfig | undefined {
  const bootstrap = v.bootstrap ?? []
  const announce = v['p2p-announce'] ?? []
  if (v['p2p-port'] === undefined) {
    const tuning = (['min-peers', 'max-peers', 'anti-entropy-interval', 'peer-timeout', 'peer-queue-bytes'] as const).some((f) => v[f] !== undefined)
    if (bootstrap.length > 0 || announce.length > 0 || v['p2p-key'] !== undefined || tuning) {
      throw new ConfigError('--bootstrap, --p2p-announce, --p2p-key and the peer settings need --p2p-port')
    }
    return undefined
  }
  const port = integer(v['p2p-port'], '--p2p-port', 0, 65535)
  for (const address of bootstrap) checkMultiaddr(address, '--bootstrap')
  for (const address of announce) checkMultiaddr(address, '--p2p-announce')
  if (v['p2p-key'] === '') throw new ConfigError('--p2p-key must be a file path')
  const keyPath = v['p2p-key'] ?? (db === ':memory:' ? undefined : `${db}.p2p-key`)
  const minPeers = v['min-peers'] === undefined ? DEFAULT_MIN_PEERS : integer(v['min-peers'], '--min-peers', 1, 1000)
  const maxPeers = v['max-peers'] === undefined ? Math.max(DEFAULT_MAX_PEERS, minPeers) : integer(v['max-peers'], '--max-peers', 1, 10_000)
  if (maxPeers < minPeers) throw new ConfigError(`--max-peers (${maxPeers}) must be at least --min-peers (${minPeers})`)
  const seconds = v['anti-entropy-interval'] === undefined ? DEFAULT_ANTI_ENTROPY_SECONDS : decimal(v['anti-entropy-interval'], '--anti-entropy-interval', 0, 86_400)
  const timeout = v['peer-timeout'] === undefined ? DEFAULT_PEER_TIMEOUT_SECONDS : decimal(v['peer-timeout'], '--peer-timeout', 1, 3600)
  const peerQueueBytes = v['peer-queue-bytes'] === undefined ? DEFAULT_PEER_QUEUE_BYTES : integer(v['peer-queue-bytes'], '--peer-queue-bytes', 65_536, 2 ** 31)
  return { port, bootstrap, announce, keyPath, minPeers, maxPeers, antiEntropyIntervalMs: Math.round(seconds * 1000), peerTimeoutMs: Math.round(timeout * 1000), peerQueueBytes }
}

function checkMultiaddr(address: string, flag: string): void {
  try {
    const components = multiaddr(address).getComponents()
    if (!components.some((c) => c.name === 'tcp')) throw new Error('no /tcp/<port>')
  } catch (err) {
    throw new ConfigError(`${flag} must be a TCP multiaddr like /ip4/127.0.0.1/tcp/6001, got "${address}" (${(err as Error).message})`)
  }
}

const isPostgresUrl = (value: string) => /^postgres(ql)?:\/\//i.test(value)

/** --db and --store (and the URL variable) → which store, with its file or URL. */
export function storeChoice(db: string | undefined, store: string | undefined, env: Record<string, string | undefined>): { store: StoreKind; db: string; databaseUrl?: string } {
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
