// The node's peer-to-peer side: one libp2p host (TCP, Noise, Yamux, identify) running gossipsub
// for the relay, pubsub peer discovery for peer exchange (every node announces its addresses;
// the others dial what they learn), @libp2p/bootstrap for the configured peers, and the catch-up
// protocol. Settings follow shared/notes/p2p-libp2p.md: each default listed there as losing
// messages or connections is overridden here, with the reason beside it.

import './polyfill.ts'
import { renameSync, readFileSync, writeFileSync } from 'node:fs'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import { pubsubPeerDiscovery } from '@libp2p/pubsub-peer-discovery'
import { tcp } from '@libp2p/tcp'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { Logger } from 'pino'
import type { EnvelopeSink } from '../sink.ts'
import type { EnvelopeStore } from '../store/types.ts'
import { AntiEntropy, DEFAULT_ANTI_ENTROPY, type AntiEntropyOptions } from './antiEntropy.ts'
import { CatchUp, CATCHUP_PROTOCOL } from './catchup.ts'
import { DEFAULT_RELAY_LIMITS, ENVELOPES_TOPIC, GossipRelay, type RelayLimits } from './relay.ts'
import type { PeerValidation } from './validate.ts'

/** How far before the last synced moment a catch-up starts: room for clock skew of senders. */
export const CATCHUP_MARGIN_NS = 10n * 60n * 1_000_000_000n
const KEEP_ALIVE_TAG = 'keep-alive-parley'
const LONELY_REDIAL_MS = 5_000
const STATE_WRITE_MS = 5_000
const SUBSCRIBE_WAIT_MS = 5_000

export interface P2pOptions {
  /** Interface to listen on (an IPv4 or IPv6 address) and TCP port (0 picks one). */
  host: string
  port: number
  /** Addresses to advertise instead of the listening ones (a public IP, a DNS name). */
  announce: string[]
  /** Peers to join through; with or without /p2p/<peer id>. */
  bootstrap: string[]
  privateKey: PrivateKey
  sink: EnvelopeSink
  store: EnvelopeStore
  check: PeerValidation
  logger: Logger
  /** Where the moment this node was last in sync is kept (`<db>.p2p-state`); none = in memory. */
  statePath?: string | undefined
  discoveryIntervalMs?: number
  relayLimits?: RelayLimits
  antiEntropy?: Partial<AntiEntropyOptions>
  /** Low watermark (peers dialed towards) and high watermark (connections pruned above). */
  peerBounds?: { min: number; max: number }
}

/** A relay backlog past this many bytes pauses anti-entropy rounds. */
const BUSY_RELAY_BYTES = 4 * 1024 * 1024

export interface PeerSummary {
  peerId: string
  addresses: string[]
  /** Subscribed to the envelope topic (a Parley node relaying with us). */
  relaying: boolean
}

function listenAddress(host: string, port: number): string {
  const family = host.includes(':') ? 'ip6' : 'ip4'
  return `/${family}/${host === 'localhost' ? '127.0.0.1' : host}/tcp/${port}`
}

export class P2pNetwork {
  readonly relay: GossipRelay
  readonly catchUp: CatchUp
  readonly antiEntropy: AntiEntropy
  private readonly bareBootstrap: Multiaddr[]
  private readonly disconnectedAt = new Map<string, bigint>()
  private readonly catchingUp = new Set<string>()
  private queue: Promise<void> = Promise.resolve()
  private sinceAtStart = 0n
  private synced = false
  private timers: NodeJS.Timeout[] = []
  private stopped = false

  private constructor(
    readonly libp2p: Libp2p<{ pubsub: GossipSub }>,
    private readonly options: P2pOptions,
  ) {
    this.relay = new GossipRelay(libp2p.services.pubsub, options.sink, options.check, options.logger, options.relayLimits ?? DEFAULT_RELAY_LIMITS)
    this.catchUp = new CatchUp(libp2p, options.store, options.check, options.logger)
    this.antiEntropy = new AntiEntropy(libp2p, options.store, this.catchUp, options.logger, { ...DEFAULT_ANTI_ENTROPY, ...options.antiEntropy }, () =>
      this.catchingUp.size > 0 || this.relay.stats.queuedBytes > BUSY_RELAY_BYTES,
    )
    this.bareBootstrap = options.bootstrap.map((a) => multiaddr(a)).filter((a) => a.getComponents().every((c) => c.name !== 'p2p'))
  }

  static async start(options: P2pOptions): Promise<P2pNetwork> {
    const withPeerId = options.bootstrap.filter((a) => multiaddr(a).getComponents().some((c) => c.name === 'p2p'))
    const libp2p = await createLibp2p({
      privateKey: options.privateKey,
      addresses: { listen: [listenAddress(options.host, options.port)], announce: options.announce },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      // Under load a ping waits behind queued gossip; aborting the connection then loses
      // everything buffered on it (22-55 % of a burst in the probe). Keep measuring, never abort.
      connectionMonitor: { abortConnectionOnPingFailure: false },
      // Peers tagged keep-alive-* are redialed when they drop (a restarted node comes back).
      connectionManager: { reconnectRetries: 10, reconnectRetryInterval: 1_000, reconnectBackoffFactor: 1.5 },
      peerDiscovery: [
        pubsubPeerDiscovery({ interval: options.discoveryIntervalMs ?? 1_000 }),
        // @libp2p/bootstrap ignores entries without /p2p/<id>; those are dialed by address below.
        ...(withPeerId.length > 0 ? [bootstrap({ list: withPeerId, tagName: 'keep-alive-bootstrap', timeout: 100 })] : []),
      ],
      services: {
        identify: identify(),
        pubsub: gossipsub({
          // A lone node still accepts publishes; catch-up delivers them once peers come.
          allowPublishToZeroTopicPeers: true,
          // Duplicate check before signature check: without it every copy is verified.
          fastMsgIdFn: (m) => (m.from && m.seqno ? `${Buffer.from(m.from).toString('base64')}:${Buffer.from(m.seqno).toString('base64')}` : Buffer.from(m.data ?? []).toString('base64')),
          // Discovery records repeat unchanged; never let that throw from a timer.
          ignoreDuplicatePublishError: true,
        }),
      },
    })
    const network = new P2pNetwork(libp2p, options)
    await network.begin()
    return network
  }

  get peerId(): PeerId {
    return this.libp2p.peerId
  }

  /** The addresses peers can dial, each ending in /p2p/<peer id>. */
  addresses(): string[] {
    return this.libp2p.getMultiaddrs().map((a) => a.toString())
  }

  peers(): PeerSummary[] {
    const relaying = new Set(this.libp2p.services.pubsub.getSubscribers(ENVELOPES_TOPIC).map((p) => p.toString()))
    const byPeer = new Map<string, PeerSummary>()
    for (const connection of this.libp2p.getConnections()) {
      const id = connection.remotePeer.toString()
      let entry = byPeer.get(id)
      if (!entry) byPeer.set(id, (entry = { peerId: id, addresses: [], relaying: relaying.has(id) }))
      entry.addresses.push(connection.remoteAddr.toString())
    }
    return [...byPeer.values()]
  }

  peerCount(): number {
    return this.libp2p.getPeers().length
  }

  /** What /healthz shows about the network. */
  status(): Record<string, unknown> {
    return { peerId: this.peerId.toString(), relay: { ...this.relay.stats }, catchUp: { ...this.catchUp.stats }, antiEntropy: { ...this.antiEntropy.stats } }
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const timer of this.timers) clearInterval(timer)
    this.antiEntropy.stop()
    this.relay.stop()
    this.writeState()
    await this.libp2p.stop()
  }

  private async begin(): Promise<void> {
    const { logger, store } = this.options
    this.sinceAtStart = (await store.count()) === 0 ? 0n : this.readState()
    this.relay.start()
    await this.catchUp.serve()
    if (!this.catchUp.supported) logger.warn('this store cannot list topics: the node relays but cannot catch up or serve catch-up')

    this.libp2p.addEventListener('peer:discovery', (event) => {
      const id = event.detail.id
      if (this.libp2p.getConnections(id).length > 0) return
      void this.keep(id).then(() => this.libp2p.dial(id).catch(() => undefined))
    })
    this.libp2p.addEventListener('peer:identify', (event) => {
      const { peerId, protocols } = event.detail
      if (protocols.includes(CATCHUP_PROTOCOL)) this.scheduleCatchUp(peerId)
    })
    this.libp2p.addEventListener('peer:disconnect', (event) => {
      this.disconnectedAt.set(event.detail.toString(), BigInt(Date.now()) * 1_000_000n)
    })
    void this.dialBareBootstrap()
    this.antiEntropy.start()
    this.timers.push(
      setInterval(() => {
        if (this.libp2p.getConnections().length === 0) void this.dialBareBootstrap()
      }, LONELY_REDIAL_MS).unref(),
      setInterval(() => this.writeState(), STATE_WRITE_MS).unref(),
    )
  }

  private async keep(peer: PeerId): Promise<void> {
    await this.libp2p.peerStore.merge(peer, { tags: { [KEEP_ALIVE_TAG]: { value: 50 } } }).catch(() => undefined)
  }

  /** Bootstrap addresses without a peer id: Noise tells us who answered; keep that peer. */
  private async dialBareBootstrap(): Promise<void> {
    await Promise.all(
      this.bareBootstrap.map(async (address) => {
        try {
          const connection = await this.libp2p.dial(address, { signal: AbortSignal.timeout(10_000) })
          await this.keep(connection.remotePeer)
        } catch (err) {
          this.options.logger.warn({ address: address.toString(), err: (err as Error).message }, 'cannot reach a bootstrap peer yet; retrying while alone')
        }
      }),
    )
  }

  /** One catch-up at a time; each peer once per connection, from where we lost it. */
  private scheduleCatchUp(peer: PeerId): void {
    const id = peer.toString()
    if (this.catchingUp.has(id) || !this.catchUp.supported) return
    this.catchingUp.add(id)
    const lost = this.disconnectedAt.get(id)
    const since = lost === undefined ? this.sinceAtStart : lost > CATCHUP_MARGIN_NS ? lost - CATCHUP_MARGIN_NS : 0n
    this.queue = this.queue.then(async () => {
      if (this.stopped) return
      try {
        // Start once the peer relays with us: what it gossips from then on reaches us live, so
        // the catch-up below and the live relay leave no gap between them.
        await this.untilRelaying(id)
        const result = await this.catchUp.from(peer, since)
        this.synced = true
        this.options.logger.info({ ...result, since: String(since) }, 'caught up with a peer')
      } catch (err) {
        this.options.logger.warn({ peer: id, err: (err as Error).message }, 'catch-up with a peer failed; it is retried when the peer reconnects')
      } finally {
        this.catchingUp.delete(id)
      }
    })
  }

  private async untilRelaying(id: string): Promise<void> {
    const deadline = Date.now() + SUBSCRIBE_WAIT_MS
    const relaying = () => this.libp2p.services.pubsub.getSubscribers(ENVELOPES_TOPIC).some((p) => p.toString() === id)
    while (!relaying() && Date.now() < deadline && !this.stopped) await new Promise((resolve) => setTimeout(resolve, 100))
    // Our own subscription reaches the peer in the same exchange; give it a moment to land.
    await new Promise((resolve) => setTimeout(resolve, 250))
  }

  /** Where the next start's catch-up begins: the last moment we were in sync, minus a margin. */
  private readState(): bigint {
    if (!this.options.statePath) return 0n
    try {
      const state = JSON.parse(readFileSync(this.options.statePath, 'utf8')) as { syncedNs?: string }
      const synced = BigInt(state.syncedNs ?? '0')
      return synced > CATCHUP_MARGIN_NS ? synced - CATCHUP_MARGIN_NS : 0n
    } catch {
      return 0n // no state yet (or unreadable): catch up on everything
    }
  }

  private writeState(): void {
    // Only a node that caught up at least once and is connected is "in sync" now.
    if (!this.options.statePath || !this.synced || this.libp2p.getConnections().length === 0) return
    const tmp = `${this.options.statePath}.tmp`
    try {
      writeFileSync(tmp, JSON.stringify({ syncedNs: String(BigInt(Date.now()) * 1_000_000n) }))
      renameSync(tmp, this.options.statePath)
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message }, 'cannot write the p2p state file')
    }
  }
}
