// The node's peer-to-peer side: one libp2p host (TCP, Noise, Yamux, identify) running gossipsub
// for the relay, pubsub peer discovery for peer exchange (every node announces its addresses;
// peers.ts decides whom to dial, within bounds), @libp2p/bootstrap for the configured peers,
// the catch-up protocol and anti-entropy rounds. Settings follow shared/notes/p2p-libp2p.md: each default listed there as losing
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
import { AntiEntropy, DEFAULT_ANTI_ENTROPY, type AntiEntropyOptions } from './anti-entropy.ts'
import { CatchUp, CATCHUP_PROTOCOL } from './catchup.ts'
import { PeerKeeper, type PeerBounds } from './peers.ts'
import { DEFAULT_RELAY_LIMITS, ENVELOPES_TOPIC, GossipRelay, type RelayLimits } from './relay.ts'
import type { PeerValidation } from './validate.ts'

/** How far before the last synced moment a catch-up starts: room for clock skew of senders. */
export const CATCHUP_MARGIN_NS = 10n * 60n * 1_000_000_000n
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
  peerBounds?: PeerBounds
  /** A peer that answers nothing for this long is closed (default 30 s). */
  peerTimeoutMs?: number
  /** Bytes of gossip queued for one peer before its stream is dropped and the peer closed (default 16 MiB). */
  peerQueueBytes?: number
}

export const DEFAULT_PEER_BOUNDS: PeerBounds = { min: 8, max: 16 }
export const DEFAULT_PEER_TIMEOUT_MS = 30_000
export const DEFAULT_PEER_QUEUE_BYTES = 16 * 1024 * 1024

/** A relay backlog past this many bytes pauses anti-entropy rounds. */
const BUSY_RELAY_BYTES = 4 * 1024 * 1024

export interface PeerSummary {
  peerId: string
  addresses: string[]
  /** Subscribed to the envelope topic (a Parley node relaying with us). */
  relaying: boolean
  /** In this node's gossip mesh for the envelope topic. */
  mesh: boolean
  /** Bytes waiting to be written to the peer (all streams of all its connections). */
  queuedBytes: number
}

/** The gossipsub class has getMeshPeers; its exported interface does not declare it. */
const meshPeers = (pubsub: GossipSub, topic: string): string[] => (pubsub as unknown as { getMeshPeers(topic: string): string[] }).getMeshPeers(topic)

function listenAddress(host: string, port: number): string {
  const family = host.includes(':') ? 'ip6' : 'ip4'
  return `/${family}/${host === 'localhost' ? '127.0.0.1' : host}/tcp/${port}`
}

export class P2pNetwork {
  readonly relay: GossipRelay
  readonly catchUp: CatchUp
  readonly antiEntropy: AntiEntropy
  readonly keeper: PeerKeeper
  private readonly bounds: PeerBounds
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
    this.bounds = options.peerBounds ?? DEFAULT_PEER_BOUNDS
    this.keeper = new PeerKeeper(
      libp2p,
      {
        ...this.bounds,
        silentTimeoutMs: options.peerTimeoutMs ?? DEFAULT_PEER_TIMEOUT_MS,
        bareBootstrap: options.bootstrap.map((a) => multiaddr(a)).filter((a) => a.getComponents().every((c) => c.name !== 'p2p')),
        meshTopic: ENVELOPES_TOPIC,
        meshPeers: (topic) => meshPeers(libp2p.services.pubsub, topic),
      },
      options.logger,
    )
  }

  static async start(options: P2pOptions): Promise<P2pNetwork> {
    const bounds = options.peerBounds ?? DEFAULT_PEER_BOUNDS
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
      // A hard cap above the high watermark: room for newcomers, whom peers.ts prunes back
      // down once they had time to learn other peers. No keep-alive tags: peers.ts redials.
      connectionManager: { maxConnections: bounds.max + Math.max(4, Math.ceil(bounds.max / 2)) },
      peerDiscovery: [
        pubsubPeerDiscovery({ interval: options.discoveryIntervalMs ?? 1_000 }),
        // @libp2p/bootstrap ignores entries without /p2p/<id>; those are dialed by address below.
        ...(withPeerId.length > 0 ? [bootstrap({ list: withPeerId, timeout: 100 })] : []),
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
          // What may wait for one peer that does not read (gossipsub has no backpressure):
          // past it the stream is dropped and peers.ts closes the peer, which reconnects and
          // catches up.
          maxOutboundBufferSize: options.peerQueueBytes ?? DEFAULT_PEER_QUEUE_BYTES,
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
    const mesh = new Set(meshPeers(this.libp2p.services.pubsub, ENVELOPES_TOPIC))
    const byPeer = new Map<string, PeerSummary>()
    for (const connection of this.libp2p.getConnections()) {
      const id = connection.remotePeer.toString()
      let entry = byPeer.get(id)
      if (!entry) byPeer.set(id, (entry = { peerId: id, addresses: [], relaying: relaying.has(id), mesh: mesh.has(id), queuedBytes: 0 }))
      entry.addresses.push(connection.remoteAddr.toString())
      entry.queuedBytes += this.keeper.queuedBytes(connection)
    }
    return [...byPeer.values()]
  }

  /** What /peers shows besides the peer list: the bounds and what keeping them cost. */
  overview(): Record<string, unknown> {
    return { bounds: this.bounds, connections: this.libp2p.getConnections().length, keeper: { ...this.keeper.stats } }
  }

  peerCount(): number {
    return this.libp2p.getPeers().length
  }

  /** What /healthz shows about the network. */
  status(): Record<string, unknown> {
    return {
      peerId: this.peerId.toString(),
      relay: { ...this.relay.stats },
      catchUp: { ...this.catchUp.stats },
      antiEntropy: { ...this.antiEntropy.stats },
      peers: { connections: this.libp2p.getConnections().length, minPeers: this.bounds.min, maxPeers: this.bounds.max, ...this.keeper.stats },
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const timer of this.timers) clearInterval(timer)
    this.antiEntropy.stop()
    this.keeper.stop()
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

    this.libp2p.addEventListener('peer:discovery', (event) => this.keeper.discovered(event.detail.id))
    this.libp2p.addEventListener('peer:identify', (event) => {
      const { peerId, protocols } = event.detail
      if (protocols.includes(CATCHUP_PROTOCOL)) this.scheduleCatchUp(peerId)
    })
    this.libp2p.addEventListener('peer:disconnect', (event) => {
      this.disconnectedAt.set(event.detail.toString(), BigInt(Date.now()) * 1_000_000n)
    })
    void this.keeper.dialBareBootstrap()
    this.keeper.start()
    this.antiEntropy.start()
    this.timers.push(setInterval(() => this.writeState(), STATE_WRITE_MS).unref())
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
