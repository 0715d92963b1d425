// The gossip relay: what local clients publish goes out on one gossipsub topic; what peers
// gossip is validated (as strictly as a client publish) and accepted into the local sink.
//
// Client publishes never wait for the network: the sink listener only enqueues. The queue is
// bounded (bytes), drained at a bounded frame rate (gossipsub has no publish backpressure of its
// own: shared/notes/p2p-libp2p.md §3), and what does not fit is dropped and counted.

import type { GossipSub, Message } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { Envelope } from '../../wire/message-api.ts'
import type { EnvelopeSink, PublishProof } from '../sink.ts'
import { restrictedTopicOwner } from '../topics.ts'
import { decodeBatch, encodeBatch, envelopeFrameSize, FrameError, type EnvelopeBatch } from './frames.ts'
import { batchWallet, proofWallet, refusePeerEnvelope, type PeerValidation } from './validate.ts'

/** The gossipsub topic every Parley node relays envelopes on. */
export const ENVELOPES_TOPIC = '/parley/xmtp/0/envelopes/1'

export interface RelayLimits {
  /** Bytes of envelopes waiting to be gossiped before new ones are dropped (default 64 MiB). */
  maxQueueBytes: number
  /** Gossip messages per second this node publishes at most (default 400). */
  maxFramesPerSecond: number
  /** Small publishes are merged into one gossip message up to this size (default 256 KiB). */
  mergeBytes: number
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = { maxQueueBytes: 64 * 1024 * 1024, maxFramesPerSecond: 400, mergeBytes: 256 * 1024 }

export interface RelayStats {
  queuedEnvelopes: number
  queuedBytes: number
  /** Gossip messages and envelopes this node published. */
  publishedFrames: number
  publishedEnvelopes: number
  /** Envelopes dropped because the queue was full, or because gossipsub refused them. */
  droppedEnvelopes: number
  /** Valid gossip messages and envelopes received from peers. */
  receivedFrames: number
  receivedEnvelopes: number
  /** Gossip messages refused by validation (malformed, oversized, unproven owner topics). */
  rejectedFrames: number
}

interface Pending {
  envelopes: readonly Envelope[]
  authorization: string | undefined
  /** Holds an owner-only topic: gossiped alone, so a peer that refuses it refuses nothing else. */
  restricted: boolean
  bytes: number
}

export class GossipRelay {
  private readonly queue: Pending[] = []
  private head = 0
  private draining = false
  private stopped = false
  private tokens: number
  private lastRefill = performance.now()
  private readonly decoded = new WeakMap<Uint8Array, EnvelopeBatch>()
  private unsubscribeSink: (() => void) | undefined
  private warnedDrop = false
  readonly stats: RelayStats = {
    queuedEnvelopes: 0,
    queuedBytes: 0,
    publishedFrames: 0,
    publishedEnvelopes: 0,
    droppedEnvelopes: 0,
    receivedFrames: 0,
    receivedEnvelopes: 0,
    rejectedFrames: 0,
  }

  constructor(
    private readonly pubsub: GossipSub,
    private readonly sink: EnvelopeSink,
    private readonly check: PeerValidation,
    private readonly logger: Logger,
    private readonly limits: RelayLimits = DEFAULT_RELAY_LIMITS,
  ) {
    this.tokens = limits.maxFramesPerSecond / 10
  }

  start(): void {
    this.pubsub.topicValidators.set(ENVELOPES_TOPIC, (peer, message) => this.validate(peer, message))
    this.pubsub.addEventListener('message', this.onMessage)
    this.pubsub.subscribe(ENVELOPES_TOPIC)
    this.unsubscribeSink = this.sink.onAccepted((envelopes, origin, proof) => {
      if (origin === 'client') this.enqueue(envelopes, proof)
    })
  }

  stop(): void {
    this.stopped = true
    this.unsubscribeSink?.()
    this.pubsub.removeEventListener('message', this.onMessage)
    this.pubsub.topicValidators.delete(ENVELOPES_TOPIC)
  }

  /** Queues a client publish for gossip; never blocks, drops (and counts) when full. */
  enqueue(envelopes: readonly Envelope[], proof: PublishProof): void {
    if (this.stopped || envelopes.length === 0) return
    // The token goes along only where a peer needs it: owner-only topics.
    const restricted = envelopes.some((e) => restrictedTopicOwner(e.contentTopic) !== undefined)
    const authorization = restricted ? proof.authorization : undefined
    // One client request may hold up to 50 MB: split it into gossip-sized pieces.
    let piece: Envelope[] = []
    let bytes = 0
    const flush = () => {
      if (piece.length > 0) this.push({ envelopes: piece, authorization, restricted, bytes })
      piece = []
      bytes = 0
    }
    for (const e of envelopes) {
      const size = envelopeFrameSize(e)
      if (bytes > 0 && bytes + size > Math.max(this.limits.mergeBytes, size)) flush()
      piece.push(e)
      bytes += size
    }
    flush()
    void this.drain()
  }

  private push(item: Pending): void {
    if (this.stats.queuedBytes + item.bytes > this.limits.maxQueueBytes) {
      this.stats.droppedEnvelopes += item.envelopes.length
      if (!this.warnedDrop) {
        this.warnedDrop = true
        this.logger.warn({ queuedBytes: this.stats.queuedBytes }, 'relay queue full: dropping envelopes instead of gossiping them (counted in /healthz)')
      }
      return
    }
    this.queue.push(item)
    this.stats.queuedBytes += item.bytes
    this.stats.queuedEnvelopes += item.envelopes.length
  }

  /** Takes the next gossip message: queued publishes merged while they share a token and fit. */
  private nextFrame(): Pending {
    const first = this.queue[this.head++]!
    const envelopes = [...first.envelopes]
    let bytes = first.bytes
    while (this.head < this.queue.length) {
      const next = this.queue[this.head]!
      if (first.restricted || next.restricted || bytes + next.bytes > this.limits.mergeBytes) break
      envelopes.push(...next.envelopes)
      bytes += next.bytes
      this.head++
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head)
      this.head = 0
    }
    this.stats.queuedBytes -= bytes
    this.stats.queuedEnvelopes -= envelopes.length
    return { envelopes, authorization: first.authorization, restricted: first.restricted, bytes }
  }

  private async drain(): Promise<void> {
    if (this.draining) return
    this.draining = true
    try {
      while (this.head < this.queue.length && !this.stopped) {
        await this.takeToken()
        const frame = this.nextFrame()
        try {
          await this.pubsub.publish(ENVELOPES_TOPIC, encodeBatch({ envelopes: frame.envelopes as Envelope[], authorization: frame.authorization }))
          this.stats.publishedFrames++
          this.stats.publishedEnvelopes += frame.envelopes.length
        } catch (err) {
          this.stats.droppedEnvelopes += frame.envelopes.length
          this.logger.warn({ err: (err as Error).message, envelopes: frame.envelopes.length }, 'gossip publish failed')
        }
      }
    } finally {
      this.draining = false
    }
  }

  /** Token bucket: at most maxFramesPerSecond, bursts of a tenth of a second. */
  private async takeToken(): Promise<void> {
    const rate = this.limits.maxFramesPerSecond
    for (;;) {
      const now = performance.now()
      this.tokens = Math.min(rate / 10, this.tokens + ((now - this.lastRefill) * rate) / 1000)
      this.lastRefill = now
      if (this.tokens >= 1) {
        this.tokens -= 1
        return
      }
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - this.tokens) * 1000) / rate)))
    }
  }

  private async validate(peer: PeerId, message: Message): Promise<TopicValidatorResult> {
    const refuse = (reason: string) => {
      this.stats.rejectedFrames++
      this.logger.warn({ peer: peer.toString(), reason }, 'refused a gossip message from a peer')
      return TopicValidatorResult.Reject
    }
    let batch: EnvelopeBatch
    try {
      batch = decodeBatch(message.data)
    } catch (err) {
      if (err instanceof FrameError) return refuse(`malformed: ${err.message}`)
      throw err
    }
    if (batch.envelopes.length === 0) return refuse('no envelopes')
    if (batch.more) return refuse('a catch-up page sent as gossip')
    const wallet = await batchWallet(batch.authorization, this.check)
    if (wallet instanceof Error) return refuse(`token: ${wallet.message}`)
    for (const [i, envelope] of batch.envelopes.entries()) {
      const reason = refusePeerEnvelope(envelope, wallet, this.check)
      if (reason) return refuse(`envelope ${i}: ${reason}`)
      // The token must also have been valid when the envelope was written, as catch-up will
      // check it later: otherwise a node would store what it could never pass on.
      if (wallet !== undefined && restrictedTopicOwner(envelope.contentTopic) === wallet) {
        const proven = await proofWallet(batch.authorization!, envelope.timestampNs, this.check)
        if (proven instanceof Error) return refuse(`envelope ${i}: proof: ${proven.message}`)
      }
    }
    this.decoded.set(message.data, batch)
    return TopicValidatorResult.Accept
  }

  private readonly onMessage = (event: CustomEvent<Message>): void => {
    const message = event.detail
    if (message.topic !== ENVELOPES_TOPIC) return
    let batch = this.decoded.get(message.data)
    if (!batch) {
      try {
        batch = decodeBatch(message.data)
      } catch {
        return // refused by the validator already; nothing to deliver
      }
    }
    this.stats.receivedFrames++
    this.stats.receivedEnvelopes += batch.envelopes.length
    // The batch's token is stored with its owner-only envelopes: catch-up passes it on later.
    this.sink.accept(batch.envelopes, 'peer', { authorization: batch.authorization }).catch((err) => this.logger.error({ err }, 'could not store envelopes from a peer'))
  }
}
