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
  encodeJson,
  encodeRequest,
  encodeTopics,
  envelopeFrameSize,
  MAX_ENVELOPES_PAGE,
  MAX_TOPICS_PAGE,
  type CatchUpRequest,
} from './frames.ts'
import { bucketsAnswer, bucketTopicsAnswer } from './summaries.ts'
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

/** A session's request function; `bytes` counts the answers read so far. */
export type Ask = ((request: CatchUpRequest) => Promise<Uint8Array>) & { bytes: number }

export interface PullTotals {
  received: number
  stored: number
  refused: number
}

/** What a puller (catch-up, anti-entropy) counts of what it received, stored and refused. */
export interface RefusalCounts {
  receivedEnvelopes: number
  storedEnvelopes: number
  refusedEnvelopes: number
  /** Refusals by kind: over the limits, owner-only without a proof, with a proof that fails. */
  refused: Record<RefusalKind, number>
}

export interface CatchUpStats extends RefusalCounts {
  sessions: number
  failedSessions: number
  servedPages: number
  /** Anti-entropy summaries answered for peers. */
  servedSummaries: number
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
    servedSummaries: 0,
  }

  constructor(
    private readonly libp2p: Libp2p,
    private readonly store: EnvelopeStore,
    private readonly check: PeerValidation,
    private readonly logger: Logger,
  ) {}

  /** Whether this store can answer topic listings and key scans (SQLite and Postgres can). */
  get supported(): boolean {
    return typeof this.store.listTopics === 'function' && typeof this.store.scanKeys === 'function'
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
    if (request.kind === 'buckets') {
      this.stats.servedSummaries++
      return encodeJson(await bucketsAnswer(this.store, request.startNs, request.endNs, request.bucketNs))
    }
    if (request.kind === 'bucketTopics') {
      this.stats.servedSummaries++
      return encodeJson(await bucketTopicsAnswer(this.store, request.startNs, request.endNs, request.after, request.limit))
    }
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

  /** Opens one request/response session with `peer`; closed after `work`, aborted if it throws. */
  async session<T>(peer: PeerId, work: (ask: Ask) => Promise<T>): Promise<T> {
    const stream = await this.libp2p.dialProtocol(peer, CATCHUP_PROTOCOL, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
    const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES })
    const ask: Ask = async (request) => {
      await lp.write(encodeRequest(request))
      const answer = (await lp.read({ signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).subarray()
      ask.bytes += answer.length
      return answer
    }
    ask.bytes = 0
    try {
      const result = await work(ask)
      await stream.close()
      return result
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
  }

  /** Pulls everything `peer` holds with a sender time of at least `sinceNs` into the store. */
  async from(peer: PeerId, sinceNs: bigint): Promise<CatchUpResult> {
    const started = performance.now()
    const result: CatchUpResult = { peer: peer.toString(), topics: 0, received: 0, stored: 0, refused: 0, ms: 0 }
    this.stats.sessions++
    try {
      await this.session(peer, async (ask) => {
        let after = ''
        for (let more = true; more; ) {
          const page = decodeTopics(await ask({ kind: 'topics', startNs: sinceNs, endNs: 0n, after, limit: MAX_TOPICS_PAGE }))
          more = page.more && page.topics.length > 0
          for (const topic of page.topics) {
            if (topic <= after) throw new Error('catch-up: topics answer is not sorted')
            after = topic
            result.topics++
            await this.pullRange(ask, topic, sinceNs, 0n, result, this.stats)
          }
        }
      })
    } catch (err) {
      this.stats.failedSessions++
      throw err
    } finally {
      result.ms = Math.round(performance.now() - started)
      this.stats.last = result
    }
    return result
  }

  /**
   * Pages through `topic` in [startNs, endNs] (endNs 0: no end) on the peer and stores what
   * passes validation; `totals` and `counts` (the caller's stats) get the figures. Stops early
   * once `stopAtBytes` of answers were read in the session (anti-entropy's budget).
   */
  async pullRange(ask: Ask, topic: string, startNs: bigint, endNs: bigint, totals: PullTotals, counts: RefusalCounts, stopAtBytes = Infinity): Promise<void> {
    let cursor: { senderTimeNs: bigint; digest: Uint8Array } | undefined
    for (let more = true; more && ask.bytes < stopAtBytes; ) {
      const page = decodeBatch(await ask({ kind: 'envelopes', topic, startNs, endNs, limit: MAX_ENVELOPES_PAGE, ...(cursor && { cursor }) }))
      more = page.more === true && page.envelopes.length > 0
      const valid = await this.admit(page.envelopes, topic, counts)
      totals.received += page.envelopes.length
      totals.refused += page.envelopes.length - valid.length
      counts.receivedEnvelopes += page.envelopes.length
      if (valid.length > 0) {
        const stored = await this.store.insert(valid)
        totals.stored += stored
        counts.storedEnvelopes += stored
      }
      const last = page.envelopes.at(-1)
      if (last) cursor = { senderTimeNs: last.timestampNs, digest: envelopeDigest(last.contentTopic, last.message) }
    }
  }

  /** The envelopes of a page that pass the checks a publish would (with the proof each carries); refusals counted by kind. */
  private async admit(envelopes: readonly ProvenEnvelope[], topic: string, counts: RefusalCounts): Promise<ProvenEnvelope[]> {
    const valid: ProvenEnvelope[] = []
    for (const envelope of envelopes) {
      const refusal = envelope.contentTopic === topic ? await refuseCarriedEnvelope(envelope, this.check) : { kind: 'invalid' as const, reason: 'another topic than asked for' }
      if (!refusal) {
        valid.push(envelope)
        continue
      }
      counts.refusedEnvelopes++
      counts.refused[refusal.kind]++
      if (this.warnedRefusals++ < 20) this.logger.warn({ topic: envelope.contentTopic, ...refusal }, 'refused an envelope a peer carried')
    }
    return valid
  }
}
