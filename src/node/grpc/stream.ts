// Subscriber streams over gRPC (Subscribe, SubscribeAll, Subscribe2), bounded as the HTTP
// streams are (stream.ts): a slot per stream, a backlog per stream and the node-wide budget of
// queued bytes. A reader that does not keep up (HTTP/2 flow control stops the writes from
// completing) gets whole envelopes dropped once its backlog is full; the stream stays valid.

import type { Logger } from 'pino'
import type { Envelope } from '../../wire/message-api.ts'
import type { FanOut, Subscription } from '../fan-out.ts'
import type { StreamBudget } from '../stream.ts'
import { encodeEnvelope } from './codec.ts'

export interface GrpcStreamServices {
  fanOut: FanOut
  streamBufferBytes: number
  streamBudget: StreamBudget
  logger: Logger
}

/** The part of a grpc-js server stream the subscriber needs. */
export interface StreamWriter {
  write(chunk: Buffer, callback: (err?: Error | null) => void): boolean
  readonly destroyed: boolean
  readonly writableEnded: boolean
}

/**
 * One envelope's protobuf bytes, encoded once however many streams it goes to: the fanOut
 * hands every subscriber the same Envelope object.
 */
const encoded = new WeakMap<Envelope, Buffer>()
function bytesOf(envelope: Envelope): Buffer {
  let bytes = encoded.get(envelope)
  if (!bytes) {
    bytes = encodeEnvelope(envelope)
    encoded.set(envelope, bytes)
  }
  return bytes
}

export class GrpcSubscriber {
  private subscription: Subscription | undefined
  /** Bytes written and not yet taken by the transport. */
  private backlog = 0
  private dropped = 0
  private delivered = 0
  private closed = false
  topicCount = 0

  constructor(
    private readonly services: GrpcStreamServices,
    private readonly sink: StreamWriter,
    private readonly clientIp: string,
  ) {}

  /** Subscribes to `topics`, replacing what the stream was subscribed to before. */
  replace(topics: readonly string[] | 'all'): void {
    if (this.closed) return
    this.subscription?.close()
    this.subscription = this.services.fanOut.subscribe(topics, (envelope) => this.deliver(envelope))
    this.topicCount = topics === 'all' ? 0 : new Set(topics).size
  }

  close(): { delivered: number; dropped: number } {
    if (!this.closed) {
      this.closed = true
      this.subscription?.close()
      this.subscription = undefined
      // What the transport still holds is gone with the stream.
      this.services.streamBudget.release(this.backlog)
      this.backlog = 0
      if (this.dropped > 0) this.services.logger.warn({ clientIp: this.clientIp, dropped: this.dropped }, 'slow gRPC subscriber closed; envelopes were dropped')
    }
    return { delivered: this.delivered, dropped: this.dropped }
  }

  get backlogBytes(): number {
    return this.backlog
  }

  private deliver(envelope: Envelope): void {
    if (this.closed || this.sink.destroyed || this.sink.writableEnded) return
    const bytes = bytesOf(envelope)
    const size = bytes.length
    const budget = this.services.streamBudget
    if (this.backlog > 0 && (this.backlog + size > this.services.streamBufferBytes || !budget.fits(size))) {
      if (this.dropped++ === 0) this.services.logger.warn({ clientIp: this.clientIp }, 'slow gRPC subscriber: dropping envelopes')
      return
    }
    this.delivered++
    this.backlog += size
    budget.hold(size)
    this.sink.write(bytes, () => {
      if (this.closed) return
      this.backlog -= size
      budget.release(size)
    })
  }
}
