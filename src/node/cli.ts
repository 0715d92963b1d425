// `npm run node -- --port 5555 --db ./data/parley-node.db`: runs the node until SIGINT/SIGTERM.
// `--db postgres://…` (or `--store postgres` with PARLEY_DATABASE_URL) runs it on PostgreSQL.

import { AUTH_TOKEN_MAX_AGE_NS, verifyAuthTokenDetailed } from '../protocol/auth/index.ts'
import { ConfigError, GRPC_LISTENING_LINE, LISTENING_LINE, METRICS_LISTENING_LINE, parseNodeArgs, USAGE } from './config.ts'
import { createLogger, defaultLogFormat, useColour } from './logging.ts'
import { XmtpNode } from './server.ts'
import { PostgresEnvelopeStore, redactUrl } from './store/postgres.ts'
import { SqliteEnvelopeStore } from './store/sqlite.ts'
import type { EnvelopeStore } from './store/types.ts'
import { cachingVerifier } from './token-cache.ts'
import { useLibsecp256k1 } from '../protocol/crypto/libsecp256k1.ts'
import { secp256k1Backend } from '../protocol/crypto/backend.ts'
import type { P2pNetwork } from './p2p/network.ts'
import { startP2p, P2P_LISTENING_LINE } from './p2p/start.ts'
import { runPrune } from './prune-command.ts'
import { formatDuration } from './duration.ts'
import { startRetention } from './retention.ts'


async function main(): Promise<void> {
  if (process.argv[2] === 'prune') process.exit(await runPrune(process.argv.slice(3)))
  let parsed
  try {
    parsed = parseNodeArgs(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`parley-node: ${err.message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (parsed.help) {
    process.stdout.write(USAGE)
    return
  }
  const config = parsed.config
  // Auth-token verification (signature checks and key recovery) on libsecp256k1 (WebAssembly)
  // instead of pure-JS noble: same verdicts, several times faster (protocol/crypto/backend.ts).
  useLibsecp256k1()
  const isTTY = process.stdout.isTTY === true
  const logger = createLogger({ level: config.logLevel, format: config.logFormat ?? defaultLogFormat(isTTY), colour: useColour(isTTY) })

  // Where the envelopes live, for logs: a PostgreSQL URL without its password.
  const dbShown = config.store === 'postgres' ? redactUrl(config.databaseUrl!) : config.db
  let store: EnvelopeStore
  try {
    store =
      config.store === 'postgres'
        ? await PostgresEnvelopeStore.open({ url: config.databaseUrl!, poolSize: config.poolSize, logger: logger.child({ store: 'postgres' }) })
        : new SqliteEnvelopeStore({ path: config.db, sync: config.sync })
  } catch (err) {
    logger.fatal({ err: err instanceof Error ? err.message : String(err), db: dbShown }, 'cannot open the database')
    process.stderr.write(`parley-node: cannot open the database ${dbShown}: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  }
  const node = new XmtpNode({
    store,
    logger,
    verifyToken: config.auth ? cachingVerifier(verifyAuthTokenDetailed, { maxAgeNs: AUTH_TOKEN_MAX_AGE_NS }) : undefined,
    rateLimits: config.rateLimits,
    trustProxy: config.trustProxy,
    maxBodyBytes: config.maxBodyBytes,
    streamBufferBytes: config.streamBufferBytes,
    limits: config.limits,
  })

  // Signal handlers go in before the listening line is printed: whoever reads that line may
  // signal at once.
  let stopping = false
  let network: P2pNetwork | undefined
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'stopping: no new connections, ending streams, closing the database')
    Promise.resolve(retention?.stop())
      .then(() => network?.stop())
      .catch((err) => logger.warn({ err }, 'the p2p network did not stop cleanly'))
      .then(() => node.close())
      .then(() => {
        logger.info('stopped')
        process.exit(0)
      })
      .catch((err) => {
        logger.error({ err }, 'unclean stop')
        process.exit(1)
      })
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))

  let url: string
  try {
    url = await node.listen(config.port, config.host)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why =
      code === 'EADDRINUSE'
        ? `port ${config.port} on ${config.host} is already in use; choose another with --port <n> (or PORT=<n>)`
        : code === 'EACCES'
          ? `port ${config.port} needs more privileges than this user has; choose one above 1023`
          : undefined
    if (why) logger.fatal({ code, port: config.port, host: config.host }, `cannot listen: ${why}`)
    else logger.fatal({ err, port: config.port, host: config.host }, 'cannot listen')
    await store.close()
    process.exit(1)
  }
  const retention = config.retentionMs === undefined ? undefined : startRetention(store, logger, config.retentionMs)
  let grpcAddress: string | undefined
  if (config.grpcPort !== undefined) {
    try {
      grpcAddress = await node.listenGrpc(config.grpcPort, config.host)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      const why =
        code === 'EADDRINUSE'
          ? `gRPC port ${config.grpcPort} on ${config.host} is already in use; choose another with --grpc-port <n> (or GRPC_PORT=<n>), or --no-grpc`
          : `cannot serve gRPC on port ${config.grpcPort}: ${(err as Error).message}`
      logger.fatal({ code, grpcPort: config.grpcPort, host: config.host }, why)
      await node.close()
      process.exit(1)
    }
  }
  let metricsUrl: string | undefined
  if (config.metricsPort !== undefined) {
    try {
      metricsUrl = await node.listenMetrics(config.metricsPort, config.host)
    } catch (err) {
      logger.fatal({ code: (err as NodeJS.ErrnoException).code, metricsPort: config.metricsPort }, `cannot serve metrics on port ${config.metricsPort}: ${(err as Error).message}`)
      await node.close()
      process.exit(1)
    }
  }
  if (config.p2p) {
    try {
      network = await startP2p(config, config.p2p, node, logger)
    } catch (err) {
      logger.fatal({ err, p2pPort: config.p2p.port }, 'cannot start the peer-to-peer network')
      await node.close()
      process.exit(1)
    }
    node.attachNetwork(network)
    process.stdout.write(`${P2P_LISTENING_LINE}${network.addresses().join(' ')}\n`)
  }
  logger.info(
    {
      url,
      grpc: grpcAddress ?? 'off',
      metrics: metricsUrl ?? `${url}/metrics`,
      store: config.store,
      db: dbShown,
      ...(config.store === 'sqlite' ? { sync: config.sync } : { poolSize: config.poolSize }),
      auth: config.auth,
      rateLimits: config.rateLimits ?? 'off',
      retention: config.retentionMs === undefined ? 'off' : formatDuration(config.retentionMs),
      envelopes: await store.count(),
      secp256k1: secp256k1Backend().name,
      p2p: network ? { peerId: network.peerId.toString(), addresses: network.addresses(), bootstrap: config.p2p?.bootstrap } : 'off',
    },
    'node started',
  )
  if (grpcAddress) process.stdout.write(`${GRPC_LISTENING_LINE}${grpcAddress}\n`)
  if (metricsUrl) process.stdout.write(`${METRICS_LISTENING_LINE}${metricsUrl}\n`)
  process.stdout.write(`${LISTENING_LINE}${url}\n`)
  if (!config.auth) logger.warn('publish authentication is OFF (--no-auth): anyone can publish to any topic')
}

main().catch((err) => {
  process.stderr.write(`parley-node: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
