// Anti-entropy: periodic repair of what gossip lost between nodes that stay connected (a full
// relay queue, a dropped gossip message). Every round (jittered around the interval) a node
// asks one peer, in turn, for summaries of recent history: per time bucket, the count and XOR
// of envelope digests (summaries.ts). Where a bucket differs, it asks for per-topic summaries
// of that bucket and pulls the differing topic ranges through the catch-up protocol, with the
// same validation as gossip and catch-up (proofs for owner-only topics included).
//
// Bounded: one peer and one round at a time, a byte budget and a bucket cap per round, row
// caps on every summary; and paused while the node is busy (event-loop lag, a relay backlog,
// a catch-up in progress). Ranges whose only difference is envelopes this node refused are
// remembered per peer and not fetched again until the peer's summary of them changes.

import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { EnvelopeStore } from '../store/types.ts'
import { CATCHUP_PROTOCOL, type Ask, type CatchUp, type RefusalCounts } from './catchup.ts'
import { decodeBuckets, decodeBucketTopics, MAX_TOPICS_PAGE } from './frames.ts'
import { bucketSummaries, sameSummary, topicSummaries } from './summaries.ts'

const SECOND_NS = 1_000_000_000n

export interface AntiEntropyOptions {
  /** Mean time between rounds (each jittered by ±25 %); 0 turns anti-entropy off. */
  intervalMs: number
  /** How far back a round compares. */
  windowNs: bigint
  /** The time bucket of a summary. */
  bucketNs: bigint
  /** The most recent history left out of a round: gossip may still be on its way. */
  settleNs: bigint
  /** Bytes of answers one round may read before it stops repairing. */
  maxBytesPerRound: number
  /** Differing buckets one round repairs at most (the newest first). */
  maxBucketsPerRound: number
  /** Mean event-loop delay over the interval (ms) above which a round is skipped. */
  maxLoopDelayMs: number
  /** Rounds skipped in a row after which one runs anyway: paused, never stopped. */
  maxPausedInARow: number
}

export const DEFAULT_ANTI_ENTROPY: AntiEntropyOptions = {
  intervalMs: 180_000,
  windowNs: 2n * 3600n * SECOND_NS,
  bucketNs: 60n * SECOND_NS,
  settleNs: 30n * SECOND_NS,
  maxBytesPerRound: 8 * 1024 * 1024,
  maxBucketsPerRound: 16,
  maxLoopDelayMs: 100,
  maxPausedInARow: 3,
}

export interface AntiEntropyRound {
  peer: string
  differingBuckets: number
  pulledTopics: number
  stored: number
  refused: number
  bytes: number
  ms: number
  /** CPU time of this process during the round (the round, plus whatever else ran meanwhile). */
  cpuMs: number
}

export interface AntiEntropyStats extends RefusalCounts {
  rounds: number
  /** Rounds that stored at least one envelope. */
  repairRounds: number
  failedRounds: number
  /** Rounds skipped because the node was busy. */
  pausedRounds: number
  /** Rounds that compared nothing because a summary hit its row cap. */
  truncatedRounds: number
  differingBuckets: number
  pulledTopics: number
  /** Bytes of summaries and pages read from peers. */
  bytesReceived: number
  /** CPU time of this process during rounds (see AntiEntropyRound.cpuMs). */
  cpuMs: number
  last?: AntiEntropyRound
}

/** Ranges remembered as "only refused envelopes differ", per peer; cleared past this size. */
const MAX_SETTLED_RANGES = 10_000

export class AntiEntropy {
  readonly stats: AntiEntropyStats = {
    rounds: 0,
    repairRounds: 0,
    failedRounds: 0,
    pausedRounds: 0,
    truncatedRounds: 0,
    differingBuckets: 0,
    pulledTopics: 0,
    bytesReceived: 0,
    cpuMs: 0,
    receivedEnvelopes: 0,
    storedEnvelopes: 0,
    refusedEnvelopes: 0,
    refused: { invalid: 0, unproven: 0, forged: 0 },
  }
  private timer: NodeJS.Timeout | undefined
  private stopped = false
  private turn = 0
  private readonly loopDelay: IntervalHistogram
  private readonly settled = new Map<string, string>()
  private pausedInARow = 0

  constructor(
    private readonly libp2p: Libp2p,
    private readonly store: EnvelopeStore,
    private readonly catchUp: CatchUp,
    private readonly logger: Logger,
    private readonly options: AntiEntropyOptions,
    /** Whether other work has the node busy (a relay backlog, a catch-up running). */
    private readonly busy: () => boolean,
  ) {
    this.loopDelay = monitorEventLoopDelay({ resolution: 20 })
  }

  start(): void {
    if (this.options.intervalMs <= 0 || !this.catchUp.supported) return
    this.loopDelay.enable()
    this.schedule()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.loopDelay.disable()
  }

  private schedule(): void {
    if (this.stopped) return
    const jitter = 0.75 + Math.random() * 0.5
    this.timer = setTimeout(() => void this.round().finally(() => this.schedule()), Math.round(this.options.intervalMs * jitter))
    this.timer.unref()
  }

  /** Why a round should wait, or undefined. */
  private pauseReason(): string | undefined {
    const lagMs = this.loopDelay.count > 0 ? this.loopDelay.mean / 1e6 : 0
    this.loopDelay.reset()
    if (this.pausedInARow >= this.options.maxPausedInARow) return undefined
    if (lagMs > this.options.maxLoopDelayMs) return `event-loop delay ${Math.round(lagMs)} ms on average`
    if (this.busy()) return 'relay backlog or catch-up in progress'
    return undefined
  }

  /** One round with the next peer in turn; resolves when it is over (never rejects). */
  async round(): Promise<AntiEntropyRound | undefined> {
    const paused = this.pauseReason()
    this.pausedInARow = paused ? this.pausedInARow + 1 : 0
    if (paused) {
      this.stats.pausedRounds++
      this.logger.debug({ reason: paused }, 'anti-entropy round skipped: the node is busy')
      return undefined
    }
    const peer = await this.nextPeer()
    if (!peer) return undefined
    const started = performance.now()
    const cpu = process.cpuUsage()
    const round: AntiEntropyRound = { peer: peer.toString(), differingBuckets: 0, pulledTopics: 0, stored: 0, refused: 0, bytes: 0, ms: 0, cpuMs: 0 }
    try {
      await this.catchUp.session(peer, async (ask) => {
        try {
          await this.compare(ask, peer.toString(), round)
        } finally {
          round.bytes = ask.bytes
        }
      })
      this.stats.rounds++
    } catch (err) {
      this.stats.failedRounds++
      this.logger.warn({ peer: round.peer, err: (err as Error).message }, 'anti-entropy round failed')
    }
    round.ms = Math.round(performance.now() - started)
    const used = process.cpuUsage(cpu)
    round.cpuMs = Math.round((used.user + used.system) / 100) / 10
    this.stats.cpuMs += round.cpuMs
    this.stats.bytesReceived += round.bytes
    this.stats.last = round
    if (round.stored > 0) {
      this.stats.repairRounds++
      this.logger.info(round, 'anti-entropy repaired envelopes gossip had not delivered')
    }
    return round
  }

  private async nextPeer(): Promise<PeerId | undefined> {
    const peers = this.libp2p.getPeers()
    for (let tried = 0; tried < peers.length; tried++) {
      const peer = peers[this.turn++ % peers.length]!
      const known = await this.libp2p.peerStore.get(peer).catch(() => undefined)
      if (known?.protocols.includes(CATCHUP_PROTOCOL)) return peer
    }
    return undefined
  }

  private async compare(ask: Ask, peer: string, round: AntiEntropyRound): Promise<void> {
    const { windowNs, bucketNs, settleNs } = this.options
    const nowNs = BigInt(Date.now()) * 1_000_000n
    // Aligned to buckets, so two nodes' rounds summarise the same ranges.
    const endNs = ((nowNs - settleNs) / bucketNs) * bucketNs - 1n
    const startNs = endNs + 1n - windowNs
    if (startNs < 0n) return
    const theirs = decodeBuckets(await ask({ kind: 'buckets', startNs, endNs, bucketNs }))
    const mine = await bucketSummaries(this.store, startNs, endNs, bucketNs)
    if (theirs.truncated || mine.truncated) {
      this.stats.truncatedRounds++
      return
    }
    const differing = theirs.buckets
      .filter(([index, count, hash]) => !sameSummary(mine.buckets.get(index), [count, hash]))
      .map(([index]) => index)
      .sort((x, y) => y - x)
    round.differingBuckets = differing.length
    this.stats.differingBuckets += differing.length
    for (const index of differing.slice(0, this.options.maxBucketsPerRound)) {
      if (ask.bytes >= this.options.maxBytesPerRound) break
      const from = startNs + BigInt(index) * bucketNs
      await this.repairBucket(ask, peer, from, from + bucketNs - 1n, round)
    }
  }

  private async repairBucket(ask: Ask, peer: string, startNs: bigint, endNs: bigint, round: AntiEntropyRound): Promise<void> {
    const mine = await topicSummaries(this.store, startNs, endNs, '', Number.MAX_SAFE_INTEGER)
    if (mine.truncated) return
    let after = ''
    for (let more = true; more && ask.bytes < this.options.maxBytesPerRound; ) {
      const page = decodeBucketTopics(await ask({ kind: 'bucketTopics', startNs, endNs, after, limit: MAX_TOPICS_PAGE }))
      if (page.truncated) return
      more = page.more && page.topics.length > 0
      for (const [topic, count, hash] of page.topics) {
        if (topic <= after) throw new Error('anti-entropy: topic summaries are not sorted')
        after = topic
        if (sameSummary(mine.topics.get(topic), [count, hash])) continue
        const key = `${peer}|${topic}|${startNs}`
        if (this.settled.get(key) === hash) continue // only envelopes we refused differ here
        const totals = { received: 0, stored: 0, refused: 0 }
        await this.catchUp.pullRange(ask, topic, startNs, endNs, totals, this.stats, this.options.maxBytesPerRound)
        round.pulledTopics++
        this.stats.pulledTopics++
        round.stored += totals.stored
        round.refused += totals.refused
        // Remembered only when the whole range was read: a cut-short pull is finished next round.
        if (totals.refused > 0 && ask.bytes < this.options.maxBytesPerRound) {
          if (this.settled.size >= MAX_SETTLED_RANGES) this.settled.clear()
          this.settled.set(key, hash)
        }
        if (ask.bytes >= this.options.maxBytesPerRound) return
      }
    }
  }
}
