// `npm run node -- --port 5555 --db ./data/parley-node.db`: runs the node until SIGINT/SIGTERM.

import pino from 'pino'
import { AUTH_TOKEN_MAX_AGE_NS, verifyAuthTokenDetailed } from '../protocol/auth/index.ts'
import { ConfigError, LISTENING_LINE, parseNodeArgs, USAGE } from './config.ts'
import { XmtpNode } from './server.ts'
import { SqliteEnvelopeStore } from './store/sqlite.ts'
import { cachingVerifier } from './tokenCache.ts'
import { useLibsecp256k1 } from '../protocol/crypto/libsecp256k1.ts'
import { secp256k1Backend } from '../protocol/crypto/backend.ts'
import type { P2pNetwork } from './p2p/network.ts'
import { startP2p, P2P_LISTENING_LINE } from './p2p/start.ts'


async function main(): Promise<void> {
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
  // Synchronous writes: few lines at info level, and none lost when the process exits.
  const logger = pino({ level: config.logLevel, base: { service: 'parley-node' } }, pino.destination({ fd: 1, sync: true }))

  let store: SqliteEnvelopeStore
  try {
    store = new SqliteEnvelopeStore({ path: config.db, sync: config.sync })
  } catch (err) {
    logger.fatal({ err, db: config.db }, 'cannot open the database')
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
    Promise.resolve(network?.stop())
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
    logger.fatal({ err, port: config.port, host: config.host }, 'cannot listen')
    await store.close()
    process.exit(1)
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
      db: config.db,
      sync: config.sync,
      auth: config.auth,
      rateLimits: config.rateLimits ?? 'off',
      envelopes: await store.count(),
      secp256k1: secp256k1Backend().name,
      p2p: network ? { peerId: network.peerId.toString(), addresses: network.addresses(), bootstrap: config.p2p?.bootstrap } : 'off',
    },
    'node started',
  )
  process.stdout.write(`${LISTENING_LINE}${url}\n`)
  if (!config.auth) logger.warn('publish authentication is OFF (--no-auth): anyone can publish to any topic')
}

main().catch((err) => {
  process.stderr.write(`parley-node: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
