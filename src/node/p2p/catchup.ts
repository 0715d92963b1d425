// Catch-up over a libp2p request/response protocol: a node that was away asks a peer for the
// topics that hold envelopes since a time, then pages through each topic (ascending, with the
// store's cursor), validates every envelope as it would a peer's gossip, and stores the new ones
// (the store's dedup key makes repeats free). One stream per session, one JSON request and one
// length-prefixed answer at a time. Owner-only envelopes travel with the proof they were
// stored with and are checked again here (validate.ts); what fails is refused and counted.

import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Logger } from 'pino'
import { envelopeDigest } from '../store/digest.ts'
import type { EnvelopeStore, ProvenEnvelope } from '../store/types.ts'
import {
  decodeBatch,
  decodeRequest,
  decodeTopics,
  encodeBatch,
  encodeRequest,
  encodeTopics,
  envelopeFrameSize,
  MAX_ENVELOPES_PAGE,
  MAX_TOPICS_PAGE,
  type CatchUpRequest,
} from './frames.ts'
import { refuseCarriedEnvelope, type PeerValidation, type RefusalKind } from './validate.ts'

/** 2.0.0: pages carry each owner-only envelope's proof (1.0.0 nodes could not check them). */
export const CATCHUP_PROTOCOL = '/parley/catchup/2.0.0'
/** A page stops growing past this many bytes (one envelope is at most ~1 MiB). */
const PAGE_BYTES = 2 * 1024 * 1024
/** Room for the largest page: PAGE_BYTES plus one maximum-size envelope. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024
const REQUEST_TIMEOUT_MS = 30_000

export interface CatchUpResult {
  peer: string
  topics: number
  received: number
  stored: number
  refused: number
  ms: number
}

export interface CatchUpStats {
  sessions: number
  failedSessions: number
  receivedEnvelopes: number
  storedEnvelopes: number
  refusedEnvelopes: number
  /** Refusals by kind: over the limits, owner-only without a proof, with a proof that fails. */
  refused: Record<RefusalKind, number>
  servedPages: number
  last?: CatchUpResult
}

export class CatchUp {
  private warnedRefusals = 0
  readonly stats: CatchUpStats = {
    sessions: 0,
    failedSessions: 0,
    receivedEnvelopes: 0,
    storedEnvelopes: 0,
    refusedEnvelopes: 0,
    refused: { invalid: 0, unproven: 0, forged: 0 },
    servedPages: 0,
  }

  constructor(
    private readonly libp2p: Libp2p,
    private readonly store: EnvelopeStore,
    private readonly check: PeerValidation,
    private readonly logger: Logger,
  ) {}

  /** Whether this store can answer topic listings (SQLite can; see EnvelopeStore.listTopics). */
  get supported(): boolean {
    return typeof this.store.listTopics === 'function'
  }

  async serve(): Promise<void> {
    if (!this.supported) return
    await this.libp2p.handle(CATCHUP_PROTOCOL, (stream) => this.answer(stream), { maxInboundStreams: 8 })
  }

  private async answer(stream: Stream): Promise<void> {
    const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES })
    try {
      for (;;) {
        let bytes: Uint8Array
        try {
          bytes = (await lp.read({ signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).subarray()
        } catch {
          break // the asker closed its side (or went quiet): the session is over
        }
        await lp.write(await this.page(decodeRequest(bytes)))
        this.stats.servedPages++
      }
      await stream.close()
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'catch-up: a peer sent a bad request; closing its stream')
      stream.abort(err as Error)
    }
  }

  private async page(request: CatchUpRequest): Promise<Uint8Array> {
    if (request.kind === 'topics') {
      const topics = await this.store.listTopics!({ startTimeNs: request.startNs, after: request.after, limit: request.limit })
      return encodeTopics(topics, topics.length === request.limit)
    }
    const rows = await this.store.query({
      topics: [request.topic],
      startTimeNs: request.startNs,
      endTimeNs: request.endNs,
      ascending: true,
      limit: request.limit,
      ...(request.cursor && { cursor: request.cursor }),
    })
    let bytes = 0
    let kept = 0
    while (kept < rows.length && (kept === 0 || bytes + envelopeFrameSize(rows[kept]!) <= PAGE_BYTES)) bytes += envelopeFrameSize(rows[kept++]!)
    const envelopes = rows.slice(0, kept).map(({ contentTopic, timestampNs, message, proof }) => ({ contentTopic, timestampNs, message, ...(proof !== undefined && { proof }) }))
    return encodeBatch({ envelopes, more: kept < rows.length || rows.length === request.limit })
  }

  /** Pulls everything `peer` holds with a sender time of at least `sinceNs` into the store. */
  async from(peer: PeerId, sinceNs: bigint): Promise<CatchUpResult> {
    const started = performance.now()
    const result: CatchUpResult = { peer: peer.toString(), topics: 0, received: 0, stored: 0, refused: 0, ms: 0 }
    this.stats.sessions++
    const stream = await this.libp2p.dialProtocol(peer, CATCHUP_PROTOCOL, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
    const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES })
    const ask = async (request: CatchUpRequest) => {
      await lp.write(encodeRequest(request))
      return (await lp.read({ signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).subarray()
    }
    try {
      let after = ''
      for (let more = true; more; ) {
        const page = decodeTopics(await ask({ kind: 'topics', startNs: sinceNs, endNs: 0n, after, limit: MAX_TOPICS_PAGE }))
        more = page.more && page.topics.length > 0
        for (const topic of page.topics) {
          if (topic <= after) throw new Error('catch-up: topics answer is not sorted')
          after = topic
          result.topics++
          await this.topic(ask, topic, sinceNs, result)
        }
      }
      await stream.close()
    } catch (err) {
      this.stats.failedSessions++
      stream.abort(err as Error)
      throw err
    } finally {
      result.ms = Math.round(performance.now() - started)
      this.stats.last = result
    }
    return result
  }

  private async topic(ask: (request: CatchUpRequest) => Promise<Uint8Array>, topic: string, sinceNs: bigint, result: CatchUpResult): Promise<void> {
    let cursor: { senderTimeNs: bigint; digest: Uint8Array } | undefined
    for (let more = true; more; ) {
      const page = decodeBatch(await ask({ kind: 'envelopes', topic, startNs: sinceNs, endNs: 0n, limit: MAX_ENVELOPES_PAGE, ...(cursor && { cursor }) }))
      more = page.more === true && page.envelopes.length > 0
      const valid = await this.admit(page.envelopes, topic)
      const refused = page.envelopes.length - valid.length
      result.received += page.envelopes.length
      result.refused += refused
      this.stats.receivedEnvelopes += page.envelopes.length
      if (valid.length > 0) {
        const stored = await this.store.insert(valid)
        result.stored += stored
        this.stats.storedEnvelopes += stored
      }
      const last = page.envelopes.at(-1)
      if (last) cursor = { senderTimeNs: last.timestampNs, digest: envelopeDigest(last.contentTopic, last.message) }
    }
  }

  /**
   * The envelopes of a page that pass the checks a publish would (with the proof each carries),
   * refusals counted by kind. Shared with anti-entropy, which fetches pages the same way.
   */
  async admit(envelopes: readonly ProvenEnvelope[], topic: string): Promise<ProvenEnvelope[]> {
    const valid: ProvenEnvelope[] = []
    for (const envelope of envelopes) {
      const refusal = envelope.contentTopic === topic ? await refuseCarriedEnvelope(envelope, this.check) : { kind: 'invalid' as const, reason: 'another topic than asked for' }
      if (!refusal) {
        valid.push(envelope)
        continue
      }
      this.stats.refusedEnvelopes++
      this.stats.refused[refusal.kind]++
      if (this.warnedRefusals++ < 20) this.logger.warn({ topic: envelope.contentTopic, ...refusal }, 'refused an envelope a peer carried')
    }
    return valid
  }
}
