// Query semantics of node-go (spec §13.4): validation, paging and the response's paging info.

import { SortDirection, type QueryRequest, type QueryResponse } from '../wire/message-api.ts'
import { invalidArgument } from './errors.ts'
import { DEFAULT_MAX_QUERY_TOPICS, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_TOPIC_LENGTH, MAX_USER_PREFERENCES_PAGE_SIZE } from './limits.ts'
import type { EnvelopeStore, StoreQuery } from './store/types.ts'
import { isUserPreferencesTopic } from './topics.ts'

export interface PlannedQuery {
  store: StoreQuery
  pageSize: number
  direction: SortDirection.SORT_DIRECTION_ASCENDING | SortDirection.SORT_DIRECTION_DESCENDING
}

/** Checks a QueryRequest and turns it into a store query; throws ApiError INVALID_ARGUMENT. */
export function planQuery(request: QueryRequest, maxTopics = DEFAULT_MAX_QUERY_TOPICS): PlannedQuery {
  const topics = request.contentTopics
  if (topics.length === 0) throw invalidArgument('content topics required')
  // Bounded so no query costs more than a bounded statement (node-go has no such cap; its
  // Postgres takes 65,535 parameters and SQLite 32,766).
  if (topics.length > maxTopics) throw invalidArgument(`cannot exceed ${maxTopics} topics in a single query (got ${topics.length})`)
  for (const topic of topics) {
    if (topic.length > MAX_TOPIC_LENGTH) throw invalidArgument(`topic length too big: ${topic.length} characters, at most ${MAX_TOPIC_LENGTH}`)
  }
  const paging = request.pagingInfo
  const direction =
    paging?.direction === SortDirection.SORT_DIRECTION_ASCENDING
      ? SortDirection.SORT_DIRECTION_ASCENDING
      : SortDirection.SORT_DIRECTION_DESCENDING // UNSPECIFIED and missing mean DESC (§13.4)
  const limit = paging?.limit ?? 0
  const pageSize = limit === 0 ? DEFAULT_PAGE_SIZE : limit
  const maxPage = topics.length === 1 && isUserPreferencesTopic(topics[0]!) ? MAX_USER_PREFERENCES_PAGE_SIZE : MAX_PAGE_SIZE
  // node-go's text says 100 even where 500 is allowed; we name the real bound.
  if (pageSize > maxPage) throw invalidArgument(`cannot exceed ${maxPage} rows per query (limit ${pageSize})`)
  const store: StoreQuery = { topics, ascending: direction === SortDirection.SORT_DIRECTION_ASCENDING, limit: pageSize }
  if (request.startTimeNs) store.startTimeNs = request.startTimeNs
  if (request.endTimeNs) store.endTimeNs = request.endTimeNs
  if (paging?.cursor) store.cursor = { senderTimeNs: paging.cursor.senderTimeNs, digest: paging.cursor.digest }
  return { store, pageSize, direction }
}

/** Runs a planned query; a next cursor only when the page came back full. */
export async function runQuery(store: EnvelopeStore, plan: PlannedQuery): Promise<QueryResponse> {
  const rows = await store.query(plan.store)
  const envelopes = rows.map(({ contentTopic, timestampNs, message }) => ({ contentTopic, timestampNs, message }))
  const last = rows[rows.length - 1]
  if (rows.length < plan.pageSize || !last) {
    return { envelopes, pagingInfo: { limit: 0, direction: plan.direction } }
  }
  return {
    envelopes,
    pagingInfo: {
      limit: Math.min(plan.pageSize, MAX_PAGE_SIZE),
      cursor: { digest: last.digest, senderTimeNs: last.timestampNs },
      direction: plan.direction,
    },
  }
}
