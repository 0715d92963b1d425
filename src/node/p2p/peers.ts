// Keeps a node's peers within bounds. Peer exchange (pubsub-peer-discovery) tells every node
// about every other; this decides whom to stay connected to:
// - below the low watermark (--min-peers, default 8, above gossipsub's D=6) it dials peers it
//   knows of (discovered, or the bootstrap list), a few at a time, with backoff per peer;
// - above the high watermark (--max-peers, default 16, above gossipsub's Dhi=12) it closes the
//   newest connections to peers outside its gossip mesh, past a grace period that lets a
//   newcomer learn other peers first (libp2p's own pruner never closes a connection that
//   carries gossip streams, so it cannot do this);
// - every so often (not on every disconnect: a prune would then set off the next), below the
//   high watermark it dials one more known peer, so that groups of nodes that each reached the
//   low watermark among themselves (or that a departed node used to join) still join up;
// - a peer that answers no probe for --peer-timeout (a stopped or wedged process) is closed,
//   and so is one whose gossip stream was aborted because too much was queued for it
//   (gossipsub's maxOutboundBufferSize): it reconnects and catches up instead of being fed
//   without limit or silently skipped.

import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Logger } from 'pino'

export interface PeerBounds {
  min: number
  max: number
}

export interface PeerKeeperOptions extends PeerBounds {
  /** A peer silent for this long is closed. */
  silentTimeoutMs: number
  /** Bootstrap addresses without a peer id, dialed while the node has no peers at all. */
  bareBootstrap: Multiaddr[]
  /** The gossip topic whose mesh peers are kept first. */
  meshTopic: string
  meshPeers(topic: string): string[]
}

export interface PeerKeeperStats {
  dials: number
  failedDials: number
  /** Connections closed above the high watermark. */
  pruned: number
  /** Peers closed for answering no probe within the timeout. */
  closedSilent: number
  /** Peers closed because their gossip stream overflowed (too much queued for them). */
  closedOverflow: number
}

const MAINTAIN_MS = 1_000
const EXPLORE_MS = 30_000
const GRACE_MS = 15_000
const MAX_PARALLEL_DIALS = 4
const BACKOFF_MIN_MS = 1_000
const BACKOFF_MAX_MS = 60_000
/** Any protocol: a peer that answers multistream-select at all is alive (libp2p's monitor does the same). */
const PROBE_PROTOCOL = '/ipfs/ping/1.0.0'
const GOSSIP_PROTOCOL_PREFIX = '/meshsub/'

export class PeerKeeper {
  readonly stats: PeerKeeperStats = { dials: 0, failedDials: 0, pruned: 0, closedSilent: 0, closedOverflow: 0 }
  private readonly timers: NodeJS.Timeout[] = []
  private readonly backoff = new Map<string, { until: number; delay: number }>()
  private readonly dialing = new Set<string>()
  private readonly hadGossipStream = new WeakSet<Connection>()
  private readonly probing = new WeakSet<Connection>()
  private lastExplore = Date.now()
  private stopped = false

  constructor(
    private readonly libp2p: Libp2p,
    private readonly options: PeerKeeperOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timers.push(
      setInterval(() => void this.maintain(), MAINTAIN_MS).unref(),
      setInterval(() => this.probe(), Math.max(500, Math.floor(this.options.silentTimeoutMs / 3))).unref(),
    )
  }

  stop(): void {
    this.stopped = true
    for (const timer of this.timers) clearInterval(timer)
  }

  /** A peer exchange told us of `peer`: dial it if we are short of peers. */
  discovered(peer: PeerId): void {
    if (this.libp2p.getPeers().length < this.options.min) void this.dial(peer)
  }

  /** Per connected peer: how many bytes wait in its streams' write buffers. */
  queuedBytes(connection: Connection): number {
    return connection.streams.reduce((sum, s) => sum + (s.writeBufferLength ?? 0), 0)
  }

  private async maintain(): Promise<void> {
    if (this.stopped) return
    const peers = this.libp2p.getPeers()
    this.closeOverflowed()
    if (peers.length > this.options.max) return this.prune(peers.length)
    const explore = Date.now() - this.lastExplore > EXPLORE_MS
    if (peers.length >= this.options.min && !explore) return
    if (explore) this.lastExplore = Date.now()
    const want = peers.length < this.options.min ? Math.min(MAX_PARALLEL_DIALS, this.options.min - peers.length) : 1
    const connected = new Set(peers.map((p) => p.toString()))
    const self = this.libp2p.peerId.toString()
    const known = await this.libp2p.peerStore.all().catch(() => [])
    const candidates = known
      .map((p) => p.id)
      .filter((id) => {
        const key = id.toString()
        return key !== self && !connected.has(key) && !this.dialing.has(key) && (this.backoff.get(key)?.until ?? 0) <= Date.now()
      })
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1))
      ;[candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!]
    }
    await Promise.all(candidates.slice(0, want).map((id) => this.dial(id)))
    if (peers.length === 0 && this.dialing.size === 0 && this.libp2p.getPeers().length === 0) await this.dialBareBootstrap()
  }

  private async dial(peer: PeerId): Promise<void> {
    const key = peer.toString()
    if (this.stopped || this.dialing.has(key) || this.libp2p.getConnections(peer).length > 0) return
    this.dialing.add(key)
    this.stats.dials++
    try {
      await this.libp2p.dial(peer, { signal: AbortSignal.timeout(10_000) })
      this.backoff.delete(key)
    } catch {
      this.stats.failedDials++
      const delay = Math.min(BACKOFF_MAX_MS, (this.backoff.get(key)?.delay ?? BACKOFF_MIN_MS / 2) * 2)
      this.backoff.set(key, { until: Date.now() + delay, delay })
      if (this.backoff.size > 10_000) this.backoff.clear()
    } finally {
      this.dialing.delete(key)
    }
  }

  async dialBareBootstrap(): Promise<void> {
    await Promise.all(
      this.options.bareBootstrap.map(async (address) => {
        try {
          this.stats.dials++
          await this.libp2p.dial(address, { signal: AbortSignal.timeout(10_000) })
        } catch (err) {
          this.stats.failedDials++
          this.logger.warn({ address: address.toString(), err: (err as Error).message }, 'cannot reach a bootstrap peer yet; retrying while alone')
        }
      }),
    )
  }

  /** Closes the newest connections to non-mesh peers (past their grace period) down to the high watermark. */
  private prune(peerCount: number): void {
    const mesh = new Set(this.options.meshPeers(this.options.meshTopic))
    const now = Date.now()
    const byPeer = new Map<string, Connection[]>()
    for (const c of this.libp2p.getConnections()) byPeer.set(c.remotePeer.toString(), [...(byPeer.get(c.remotePeer.toString()) ?? []), c])
    const opened = (list: Connection[]) => Math.min(...list.map((c) => c.timeline.open))
    const closable = [...byPeer]
      .filter(([, list]) => now - opened(list) > GRACE_MS)
      .sort(([a, x], [b, y]) => Number(mesh.has(a)) - Number(mesh.has(b)) || opened(y) - opened(x))
    for (const [, list] of closable.slice(0, peerCount - this.options.max)) {
      this.stats.pruned++
      for (const c of list) void c.close().catch((err: Error) => c.abort(err))
    }
  }

  /** Peers whose gossip stream was aborted (its write buffer overflowed): close, so they reconnect fresh. */
  private closeOverflowed(): void {
    for (const c of this.libp2p.getConnections()) {
      const gossiping = c.streams.some((s) => s.direction === 'outbound' && s.protocol?.startsWith(GOSSIP_PROTOCOL_PREFIX))
      if (gossiping) this.hadGossipStream.add(c)
      else if (this.hadGossipStream.has(c) && c.status === 'open') {
        this.stats.closedOverflow++
        this.logger.warn({ peer: c.remotePeer.toString() }, 'closing a peer whose gossip stream overflowed: too much was queued for it')
        c.abort(new Error('gossip stream overflowed'))
      }
    }
  }

  /** Opens a stream on every connection; one that gets no answer within the timeout is closed. */
  private probe(): void {
    for (const c of this.libp2p.getConnections()) {
      if (this.probing.has(c) || c.status !== 'open') continue
      this.probing.add(c)
      const signal = AbortSignal.timeout(this.options.silentTimeoutMs)
      c.newStream(PROBE_PROTOCOL, { signal, runOnLimitedConnection: true })
        .then((s) => s.abort(new Error('probe done')))
        .catch((err: Error) => {
          if (!signal.aborted || c.status !== 'open') return // UnsupportedProtocolError: it answered
          this.stats.closedSilent++
          this.logger.warn({ peer: c.remotePeer.toString(), timeoutMs: this.options.silentTimeoutMs }, 'closing a peer that stayed silent past the timeout')
          c.abort(err)
        })
        .finally(() => this.probing.delete(c))
    }
  }
}
