// What each message API method may send and what it pays before its body is read: the body
// cap and JSON bounds per endpoint (a query or subscribe body is small; a publish is bounded by
// its envelopes), and the admission charge against the rate limits.

import type { MessageApiMethod } from '../wire/message-api.ts'
import type { JsonGuardLimits } from './http/json-guard.ts'
import {
  BODY_BYTES_BASE,
  BODY_BYTES_PER_TOPIC,
  MAX_BATCH_QUERIES,
  MAX_JSON_DEPTH,
  MAX_OTHER_STRING_BYTES,
  MAX_PUBLISH_STRING_BYTES,
  MAX_TOPIC_LENGTH,
  type NodeLimits,
} from './limits.ts'

export interface BodyRules {
  maxBytes: number
  guard: JsonGuardLimits
  /** What the endpoint's limits are, for refusals. */
  hint: string
}

/** JSON values an envelope may take (object, three keys, three values, room for extras). */
const VALUES_PER_ENVELOPE = 16
/** JSON values of one query's fields besides its topics (paging info, cursor, times). */
const VALUES_PER_QUERY = 64
const VALUES_BASE = 256

/** The body cap and JSON bounds of one method; no cap exceeds `maxBodyBytes` (--max-body-bytes). */
export function bodyRules(method: MessageApiMethod, limits: Readonly<NodeLimits>, maxBodyBytes: number): BodyRules {
  const small = (topics: number, queries: number, hint: string): BodyRules => ({
    maxBytes: Math.min(maxBodyBytes, BODY_BYTES_BASE + topics * BODY_BYTES_PER_TOPIC + queries * 1024),
    guard: { maxDepth: MAX_JSON_DEPTH, maxValues: VALUES_BASE + 2 * topics + queries * VALUES_PER_QUERY, maxStringBytes: MAX_OTHER_STRING_BYTES, hint },
    hint,
  })
  switch (method) {
    case 'publish':
      return {
        maxBytes: maxBodyBytes,
        guard: {
          maxDepth: MAX_JSON_DEPTH,
          maxValues: VALUES_BASE + VALUES_PER_ENVELOPE * limits.maxPublishEnvelopes,
          maxStringBytes: MAX_PUBLISH_STRING_BYTES,
          hint: `a publish carries at most ${limits.maxPublishEnvelopes} envelopes`,
        },
        hint: `a publish carries at most ${limits.maxPublishEnvelopes} envelopes`,
      }
    case 'query':
      return small(limits.maxQueryTopics, 1, `a query names at most ${limits.maxQueryTopics} topics`)
    case 'batchQuery':
      return small(limits.maxBatchTopics, MAX_BATCH_QUERIES, `a batch names at most ${limits.maxBatchTopics} topics in at most ${MAX_BATCH_QUERIES} queries`)
    case 'subscribe':
      return small(limits.maxSubscribeTopics, 1, `a subscription names at most ${limits.maxSubscribeTopics} topics`)
    case 'subscribeAll':
      return small(0, 1, 'subscribe-all takes an empty request')
  }
}

/**
 * JSON bytes one envelope can take at most: a maximal message in base64, a maximal topic
 * (escaped), a timestamp and the field names. A publish body of n bytes therefore carries at
 * least ceil(n / this) envelopes, so charging that many before reading it never overcharges a
 * real publish (padding aside).
 */
export const MAX_ENVELOPE_JSON_BYTES = MAX_PUBLISH_STRING_BYTES + 6 * MAX_TOPIC_LENGTH + 128

/** Publish tokens a body of `bytes` pays up front (at least one: an empty publish pays too). */
export function publishBytesCost(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / MAX_ENVELOPE_JSON_BYTES))
}

/**
 * The charge before the body: a publish pays publish tokens for its declared size; every
 * other method pays the one default token it costs anyway (a batch query pays the rest once
 * its query count is known).
 */
export function admissionCost(method: MessageApiMethod, contentLength: string | undefined): { kind: 'default' | 'publish'; cost: number } {
  if (method !== 'publish') return { kind: 'default', cost: 1 }
  const declared = Number(contentLength)
  return { kind: 'publish', cost: publishBytesCost(Number.isFinite(declared) && declared > 0 ? declared : 0) }
}
