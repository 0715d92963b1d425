// Wires the peer-to-peer network into a running node from its configuration: the peer key,
// the state file beside the database, and the node's own validation settings.

import type { Logger } from 'pino'
import type { NodeConfig, P2pConfig } from '../config.ts'
import type { XmtpNode } from '../server.ts'
import { ephemeralPeerKey, loadOrCreatePeerKey } from './identity.ts'
import { P2pNetwork } from './network.ts'

/** Printed (followed by the multiaddrs, space-separated) before the HTTP listening line. */
export const P2P_LISTENING_LINE = 'Parley p2p listening on '

export async function startP2p(config: NodeConfig, p2p: P2pConfig, node: XmtpNode, logger: Logger): Promise<P2pNetwork> {
  let privateKey
  if (p2p.keyPath) {
    const loaded = await loadOrCreatePeerKey(p2p.keyPath)
    if (loaded.created) logger.info({ keyPath: p2p.keyPath }, 'created a new peer key')
    privateKey = loaded.privateKey
  } else {
    logger.warn('no --p2p-key and an in-memory database: this run has a fresh peer id')
    privateKey = await ephemeralPeerKey()
  }
  return P2pNetwork.start({
    host: config.host,
    port: p2p.port,
    announce: p2p.announce,
    bootstrap: p2p.bootstrap,
    privateKey,
    sink: node.sink,
    store: node.services.store,
    check: { verifyToken: node.services.verifyToken, nowNs: node.services.nowNs },
    logger: logger.child({ part: 'p2p' }),
    statePath: config.db === ':memory:' ? undefined : `${config.db}.p2p-state`,
    peerBounds: { min: p2p.minPeers, max: p2p.maxPeers },
    antiEntropy: { intervalMs: p2p.antiEntropyIntervalMs },
    peerTimeoutMs: p2p.peerTimeoutMs,
    peerQueueBytes: p2p.peerQueueBytes,
  })
}
