// Subscriber streams: `{"result": Envelope}\n` lines until the client goes or the node shuts
// down, with three bounds on what they may cost the node:
// - slots: open streams per client address and on the whole node;
// - each stream's backlog (bytes its socket has not taken yet);
// - the node-wide budget of bytes queued in all streams. A line shared by many streams is
//   counted once, because it is held once: every stream writes the same Buffer.
// A stream over a bound gets whole envelopes dropped (node-go drops too, §13.6); the stream
// stays valid newline-delimited JSON.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type { FanOut, EncodedLine } from './fan-out.ts'
import { ApiError, GrpcCode } from './errors.ts'
import { setCorsHeaders } from './http/respond.ts'

/** Bytes of stream lines held in socket queues, node-wide. */
export class StreamBudget {
  private held = 0
  constructor(readonly maxBytes: number) {}
  fits(bytes: number): boolean {
    return this.held + bytes <= this.maxBytes
  }
  hold(bytes: number): void {
    this.held += bytes
  }
  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes)
  }
  get heldBytes(): number {
    return this.held
  }
}

/** Open-stream counts per client address and in total. */
export class StreamSlots {
  private readonly byIp = new Map<string, number>()
  private total = 0
  constructor(
    private readonly perIp: number,
    private readonly max: number,
  ) {}

  /** Takes a slot for `ip` or throws RESOURCE_EXHAUSTED; the returned function gives it back once. */
  acquire(ip: string): () => void {
    const mine = this.byIp.get(ip) ?? 0
    if (mine >= this.perIp) throw streamsExhausted(`too many open streams from this address: at most ${this.perIp}; close one first`)
    if (this.total >= this.max) throw streamsExhausted(`the node has its maximum of ${this.max} open streams; retry later`)
    this.byIp.set(ip, mine + 1)
    this.total++
    let released = false
    return () => {
      if (released) return
      released = true
      this.total--
      const left = (this.byIp.get(ip) ?? 1) - 1
      if (left <= 0) this.byIp.delete(ip)
      else this.byIp.set(ip, left)
    }
  }

  get open(): number {
    return this.total
  }
}

const streamsExhausted = (message: string) => new ApiError(GrpcCode.RESOURCE_EXHAUSTED, message, { headers: { 'Retry-After': '10' } })

export interface StreamServices {
  fanOut: FanOut
  /** Open streams, so shutdown can end them. */
  streams: Set<ServerResponse>
  /** Backlog of one stream before its envelopes are dropped. */
  streamBufferBytes: number
  streamBudget: StreamBudget
  logger: Logger
}

export interface StreamRequest {
  req: IncomingMessage
  res: ServerResponse
  clientIp: string
  /** Given back when the stream closes. */
  releaseSlot: () => void
  /** The request's log line: `delivered` and `dropped` counts land here. */
  logFields?: Record<string, unknown>
}

/** Registers the subscription and sends the response head; lines follow as envelopes arrive. */
export function openStream(services: StreamServices, ctx: StreamRequest, topics: string[] | 'all'): void {
  const { req, res } = ctx
  if (res.destroyed || req.socket.destroyed) {
    ctx.releaseSlot() // the client left while the request was parsed
    return
  }
  const budget = services.streamBudget
  /** Lines this stream's socket still holds; released when written or when the stream closes. */
  const holding = new Set<EncodedLine>()
  let dropped = 0
  const release = (line: EncodedLine) => {
    if (!holding.delete(line)) return
    if (--line.holders === 0) budget.release(line.bytes.length)
  }
  const write = (_envelope: unknown, line: EncodedLine) => {
    if (res.destroyed || res.writableEnded || !res.socket || res.socket.destroyed) return
    const size = line.bytes.length
    const backlog = res.writableLength
    // A stream that keeps up (empty backlog) always gets the line. One that does not gets it
    // while its own backlog and the node's budget have room; a line others already hold
    // costs the budget nothing more.
    if (backlog > 0 && (backlog + size > services.streamBufferBytes || (line.holders === 0 && !budget.fits(size)))) {
      if (dropped++ === 0) services.logger.warn({ clientIp: ctx.clientIp }, 'slow subscriber: dropping envelopes')
      if (ctx.logFields) ctx.logFields.dropped = dropped
      return
    }
    if (ctx.logFields) ctx.logFields.delivered = ((ctx.logFields.delivered as number | undefined) ?? 0) + 1
    if (line.holders++ === 0) budget.hold(size)
    holding.add(line)
    res.write(line.bytes, () => release(line))
  }
  if (ctx.logFields) ctx.logFields.delivered = 0
  const subscription = services.fanOut.subscribe(topics, write)
  services.streams.add(res)
  const close = () => {
    subscription.close()
    services.streams.delete(res)
    for (const line of [...holding]) release(line)
    ctx.releaseSlot()
    if (dropped > 0) services.logger.warn({ clientIp: ctx.clientIp, dropped }, 'slow subscriber closed; envelopes were dropped')
  }
  res.on('close', close)
  req.on('close', () => {
    if (!res.writableEnded) res.end()
  })
  setCorsHeaders(res)
  res.setHeader('Content-Type', 'application/json')
  res.setHeader('Cache-Control', 'no-cache')
  res.setHeader('X-Accel-Buffering', 'no')
  // Headers go out now (the gateway waits for the first envelope): the subscription is
  // registered at this point, so a client may treat the response as "subscribed".
  res.setHeader('subscribed', 'true')
  res.writeHead(200)
  res.flushHeaders()
  res.socket?.setNoDelay(true)
}
