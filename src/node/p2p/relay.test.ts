// The relay's outbound queue, against a recording pubsub (the gossip side has its own
// integration tests with real node processes): bounded, never blocking, merging, counting drops.
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import type { GossipSub } from '@libp2p/gossipsub'
import type { EnvelopeSink } from '../sink.ts'
import { decodeBatch, type EnvelopeBatch } from './frames.ts'
import { GossipRelay } from './relay.ts'

function recordingPubsub() {
  const frames: EnvelopeBatch[] = []
  let release: () => void = () => undefined
  let gate: Promise<void> | undefined = new Promise<void>((resolve) => (release = resolve))
  const pubsub = {
    async publish(_topic: string, data: Uint8Array) {
      if (gate) await gate
      frames.push(decodeBatch(data))
      return { recipients: [] }
    },
  } as unknown as GossipSub
  return { pubsub, frames, open: () => ((gate = undefined), release()) }
}

const env = (contentTopic: string, size = 100) => ({ contentTopic, timestampNs: 1n, message: new Uint8Array(size) })
const logger = pino({ level: 'silent' })
const check = { verifyToken: undefined, nowNs: () => 0n }
const limits = { maxQueueBytes: 10_000, maxFramesPerSecond: 1_000, mergeBytes: 1_000 }
const settle = async (until: () => boolean) => {
  for (let i = 0; i < 200 && !until(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe('GossipRelay queue', () => {
  it('returns at once while gossip is stuck, drops what does not fit and counts it', async () => {
    const { pubsub, frames, open } = recordingPubsub()
    const relay = new GossipRelay(pubsub, {} as EnvelopeSink, check, logger, limits)
    for (let i = 0; i < 200; i++) relay.enqueue([env(`/xmtp/0/m-${i}/proto`)], {})
    // ~120 bytes each: the first one is in flight, about 80 fit in 10,000 bytes, the rest drop.
    expect(relay.stats.droppedEnvelopes).toBeGreaterThan(100)
    expect(relay.stats.queuedBytes).toBeLessThanOrEqual(limits.maxQueueBytes)
    const kept = 200 - relay.stats.droppedEnvelopes
    open()
    await settle(() => relay.stats.publishedEnvelopes === kept)
    expect(relay.stats.publishedEnvelopes).toBe(kept)
    expect(frames.flatMap((f) => f.envelopes)).toHaveLength(kept)
    // Small publishes were merged into frames of at most mergeBytes.
    expect(frames.length).toBeLessThan(kept)
    expect(relay.stats.queuedBytes).toBe(0)
  })

  it('sends owner-only topics alone with the token, and other topics merged without it', async () => {
    const { pubsub, frames, open } = recordingPubsub()
    const relay = new GossipRelay(pubsub, {} as EnvelopeSink, check, logger, limits)
    relay.enqueue([env('/xmtp/0/m-a/proto')], { authorization: 'Bearer t1' })
    relay.enqueue([env('/xmtp/0/m-b/proto')], { authorization: 'Bearer t1' })
    relay.enqueue([env('/xmtp/0/contact-0xA/proto')], { authorization: 'Bearer t1' })
    relay.enqueue([env('/xmtp/0/m-c/proto')], {})
    open()
    await settle(() => relay.stats.publishedEnvelopes === 4)
    const shape = frames.map((f) => [f.envelopes.map((e) => e.contentTopic), f.authorization])
    expect(shape).toEqual([
      [['/xmtp/0/m-a/proto', '/xmtp/0/m-b/proto'], undefined],
      [['/xmtp/0/contact-0xA/proto'], 'Bearer t1'],
      [['/xmtp/0/m-c/proto'], undefined],
    ])
  })

  it('splits a large publish into gossip-sized frames', async () => {
    const { pubsub, frames, open } = recordingPubsub()
    open()
    const relay = new GossipRelay(pubsub, {} as EnvelopeSink, check, logger, { ...limits, maxQueueBytes: 1_000_000 })
    relay.enqueue(Array.from({ length: 30 }, (_, i) => env(`/xmtp/0/m-${i}/proto`, 400)), {})
    await settle(() => relay.stats.publishedEnvelopes === 30)
    expect(frames.length).toBeGreaterThanOrEqual(15)
    expect(frames.flatMap((f) => f.envelopes)).toHaveLength(30)
  })
})
