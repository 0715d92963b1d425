// Prometheus metrics of the node (`GET /metrics`, prom-client), every name prefixed parley_.
// Counters are bumped where things happen (requests, refusals, stores); gauges read the node's
// own in-memory counts when scraped. A scrape never touches the store's write path: it reads
// counters, and asks the store for its health with a short timeout, so publishing never waits
// on a scrape (nor a scrape on a stuck database for long).

import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { GrpcCode } from './errors.ts'

export type Transport = 'http' | 'grpc'

/** The parts of the p2p status (p2p/network.ts status()) mirrored as metrics. */
type P2pPart = 'relay' | 'catchUp' | 'antiEntropy' | 'peers'

/** What the node shows at scrape time (read, never waited on beyond the health timeout). */
export interface MetricsSources {
  connections(transport: Transport): number
  streams(transport: Transport): number
  subscribedTopics(): number
  streamBufferedBytes(): number
  storeUp(): Promise<boolean>
  /** The p2p network's counters (NetworkView.status()), when it runs. */
  p2p(): Partial<Record<P2pPart, Record<string, unknown>>> | undefined
  /** SQLite group commits: commits made and publish requests they carried. */
  commits(): { commits: number; requests: number } | undefined
}

const CODE_NAMES = Object.fromEntries(Object.entries(GrpcCode).map(([name, code]) => [code, name.toLowerCase()])) as Record<number, string>

/** `invalid_argument`, `resource_exhausted`, … for a gRPC code. */
export const codeName = (code: number): string => CODE_NAMES[code] ?? 'unknown'

const STORE_HEALTH_TIMEOUT_MS = 1_000

export class NodeMetrics {
  readonly registry = new Registry()
  private readonly requests: Counter<'transport' | 'method' | 'status'>
  private readonly latency: Histogram<'transport' | 'method'>
  private readonly stored: Counter<'origin'>
  private readonly refused: Counter<'reason'>
  private readonly rateLimited: Counter<'bucket'>
  private readonly storeErrors: Counter
  private sources: MetricsSources | undefined
  /**
   * The labelled children of the hot metrics, by their labels: prom-client hashes the label
   * object on every inc/observe otherwise, and a publish bumps three of them. The label values
   * come from fixed sets (methods, statuses, origins), so the cache stays small.
   */
  private readonly requestChildren = new Map<string, { count: { inc(): void }; latency: { observe(v: number): void } }>()
  private readonly storedChildren = new Map<string, { inc(n: number): void }>()

  constructor() {
    const registers = [this.registry]
    this.requests = new Counter({ name: 'parley_requests_total', help: 'Message API requests by transport, method and status (HTTP status, or gRPC code name)', labelNames: ['transport', 'method', 'status'], registers })
    this.latency = new Histogram({
      name: 'parley_request_duration_seconds',
      help: 'Time to answer a message API request (streams: how long they stayed open)',
      labelNames: ['transport', 'method'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60, 600],
      registers,
    })
    this.stored = new Counter({ name: 'parley_envelopes_stored_total', help: 'Envelopes newly stored, by where they came from', labelNames: ['origin'], registers })
    this.refused = new Counter({ name: 'parley_envelopes_refused_total', help: 'Envelopes of refused publishes, by the reason (gRPC code name)', labelNames: ['reason'], registers })
    this.rateLimited = new Counter({ name: 'parley_rate_limit_refusals_total', help: 'Requests refused by a rate limit, by bucket', labelNames: ['bucket'], registers })
    this.storeErrors = new Counter({ name: 'parley_store_errors_total', help: 'Requests that failed because the store was unavailable', registers })
    const self = this
    const perTransport = (name: string, help: string, read: (s: MetricsSources, t: Transport) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['transport'],
        registers,
        collect() {
          if (!self.sources) return
          for (const t of ['http', 'grpc'] as const) this.set({ transport: t }, read(self.sources, t))
        },
      })
    perTransport('parley_connections_open', 'Open TCP connections', (s, t) => s.connections(t))
    perTransport('parley_streams_open', 'Open subscriber streams', (s, t) => s.streams(t))
    const gauge = (name: string, help: string, read: (s: MetricsSources) => number | Promise<number>) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          if (self.sources) this.set(await read(self.sources))
        },
      })
    gauge('parley_subscribed_topics', 'Topic registrations of all open subscriptions', (s) => s.subscribedTopics())
    gauge('parley_stream_buffered_bytes', 'Bytes queued for subscribers that have not taken them yet', (s) => s.streamBufferedBytes())
    gauge('parley_store_up', '1 while the store answers, 0 while it cannot be reached', async (s) => ((await s.storeUp()) ? 1 : 0))
    // The relay and catch-up keep their own counts (p2p/relay.ts, p2p/catchup.ts); mirrored here.
    const mirrored = (name: string, help: string, part: P2pPart, field: string) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          const value = self.sources?.p2p()?.[part]?.[field]
          this.reset()
          if (typeof value === 'number') this.inc(value)
        },
      })
    for (const [name, help, field] of [
      ['parley_store_commits_total', 'SQLite commits (each one fsync with --sync full)', 'commits'],
      ['parley_store_commit_requests_total', 'Publish requests those commits carried (divided by commits: the mean group)', 'requests'],
    ] as const) {
      new Counter({
        name,
        help,
        registers,
        collect() {
          const stats = self.sources?.commits()
          this.reset()
          if (stats) this.inc(stats[field])
        },
      })
    }
    mirrored('parley_relay_sent_envelopes_total', 'Envelopes gossiped to peers', 'relay', 'publishedEnvelopes')
    mirrored('parley_relay_received_envelopes_total', 'Envelopes received from peers by gossip', 'relay', 'receivedEnvelopes')
    mirrored('parley_relay_refused_frames_total', 'Gossip messages from peers refused by validation', 'relay', 'rejectedFrames')
    mirrored('parley_relay_dropped_envelopes_total', 'Envelopes not gossiped: the relay queue was full or gossip refused them', 'relay', 'droppedEnvelopes')
    mirrored('parley_catchup_received_envelopes_total', 'Envelopes received from peers by catch-up', 'catchUp', 'receivedEnvelopes')
    mirrored('parley_catchup_stored_envelopes_total', 'Envelopes catch-up stored that the node did not have', 'catchUp', 'storedEnvelopes')
    mirrored('parley_catchup_refused_envelopes_total', 'Envelopes from catch-up refused by validation', 'catchUp', 'refusedEnvelopes')
    mirrored('parley_catchup_failed_sessions_total', 'Catch-up sessions with a peer that failed', 'catchUp', 'failedSessions')
    mirrored('parley_antientropy_rounds_total', 'Anti-entropy rounds run (one peer each)', 'antiEntropy', 'rounds')
    mirrored('parley_antientropy_repair_rounds_total', 'Anti-entropy rounds that found and fetched differences', 'antiEntropy', 'repairRounds')
    mirrored('parley_antientropy_paused_rounds_total', 'Anti-entropy rounds skipped while the node was busy', 'antiEntropy', 'pausedRounds')
    mirrored('parley_antientropy_received_bytes_total', 'Bytes anti-entropy read from peers', 'antiEntropy', 'bytesReceived')
    mirrored('parley_antientropy_stored_envelopes_total', 'Envelopes anti-entropy stored that the node did not have', 'antiEntropy', 'storedEnvelopes')
    mirrored('parley_antientropy_refused_envelopes_total', 'Envelopes from anti-entropy refused by validation', 'antiEntropy', 'refusedEnvelopes')
    mirrored('parley_p2p_peer_dials_total', 'Dials the peer keeper made to stay within its bounds', 'peers', 'dials')
    mirrored('parley_p2p_peers_pruned_total', 'Connections closed above the high watermark', 'peers', 'pruned')
    mirrored('parley_p2p_peers_closed_silent_total', 'Peers closed for answering nothing within the timeout', 'peers', 'closedSilent')
    mirrored('parley_p2p_peers_closed_overflow_total', "Peers closed because what waited for them passed the per-peer cap", 'peers', 'closedOverflow')
    const peerGauge = (name: string, help: string, field: string) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const value = self.sources?.p2p()?.peers?.[field]
          if (typeof value === 'number') this.set(value)
        },
      })
    peerGauge('parley_p2p_connections', 'Open libp2p connections to other nodes', 'connections')
    peerGauge('parley_p2p_min_peers', 'The peer keeper\'s low watermark (--min-peers)', 'minPeers')
    peerGauge('parley_p2p_max_peers', 'The peer keeper\'s high watermark (--max-peers)', 'maxPeers')
  }

  /** The node's live counts, read at scrape time. */
  attach(sources: MetricsSources): void {
    this.sources = sources
  }

  /** One finished request (or stream). `method` must come from a fixed set: it is a label. */
  request(transport: Transport, method: string, status: string, seconds: number): void {
    const key = `${transport} ${method} ${status}`
    let child = this.requestChildren.get(key)
    if (!child) {
      child = { count: this.requests.labels({ transport, method, status }), latency: this.latency.labels({ transport, method }) }
      this.requestChildren.set(key, child)
    }
    child.count.inc()
    child.latency.observe(seconds)
  }

  /** A publish that was refused with `code`, carrying `envelopes` envelopes. */
  publishRefused(code: number, envelopes: number): void {
    this.refused.inc({ reason: codeName(code) }, Math.max(1, envelopes))
  }

  /** A request of any kind that failed with `code` (store errors are counted here). */
  failed(code: number): void {
    if (code === GrpcCode.UNAVAILABLE) this.storeErrors.inc()
  }

  envelopesStored(origin: string, count: number): void {
    if (count <= 0) return
    let child = this.storedChildren.get(origin)
    if (!child) this.storedChildren.set(origin, (child = this.stored.labels({ origin })))
    child.inc(count)
  }

  rateLimitRefusal(bucket: string): void {
    this.rateLimited.inc({ bucket })
  }

  contentType(): string {
    return this.registry.contentType
  }

  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics()
  }
}

/** The store's health with a timeout: a scrape must not hang on a stuck database. */
export async function storeAnswers(health: (() => Promise<{ available: boolean }>) | undefined): Promise<boolean> {
  if (!health) return true
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STORE_HEALTH_TIMEOUT_MS)
  })
  try {
    return await Promise.race([health().then((h) => h.available, () => false), timeout])
  } finally {
    clearTimeout(timer)
  }
}
