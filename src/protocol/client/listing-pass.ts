// One bounded part of a listing (issue 19): reads the wallet's intro and invite topics a page
// at a time (api/read-topic.ts) from where each last stopped (topic-cursor.ts), under one
// budget of envelopes and bytes, and hands what it reads to the listings to open.
//
// The invite topic is pipelined: opening a page of invitations is curve work (on this thread
// and on worker threads) while fetching the next page waits on the network and merging the
// previous one is this thread's sealing and writes, so page N+1 is fetched while page N opens
// and page N−1 is merged — never more than that, so memory stays bounded (three pages). Pages
// are merged in order and let go, and a topic's cursor moves past what was read only after it
// is merged. Envelopes too large to be an invitation are dropped unread.
import { SortDirection, readTopic, type BoundedPage, type Envelope, type QueryRequest, type ReadBudget } from '../api/index.ts'
import { introTopic, inviteTopic } from '../topics.ts'
import type { ConversationIndex, ConversationRecord } from './conversation-index.ts'
import type { SkipReporter } from './deps.ts'
import { EnvelopeSkippedError } from './errors.ts'
import type { TopicCursor } from './topic-cursor.ts'

const PAGE = 100

/**
 * A sealed invitation from xmtp-js 13 is about 0.8 KB (3.2 KB with 2 KB of context metadata):
 * an invite-topic envelope past this is junk and is dropped before any decoding (issue 19).
 */
export const MAX_INVITATION_BYTES = 32 * 1024

/** What one bounded part of a listing may read (the sync engine's pass uses the same figures). */
export const LISTING_PASS_BUDGET: Readonly<ReadBudget> = { envelopes: 5_000, bytes: 256 * 1024 * 1024 }

/** The page reads a listing pass makes (ApiClient provides it). */
export interface ListingPageSource {
  queryBoundedPage: Parameters<typeof readTopic>[0]['queryBoundedPage']
}

export interface ListingPassDeps {
  api: ListingPageSource
  /** This wallet's address: its intro and invite topics are read. */
  address: string
  introCursor: TopicCursor
  inviteCursor: TopicCursor
  index: ConversationIndex
  /** V1 records from intro envelopes (V1Listing). */
  fromIntros(envelopes: Envelope[], index: ConversationIndex): Promise<ConversationRecord[]>
  /** V2 records from invite envelopes, `onOpened` after each one (V2Listing). */
  fromInvites(envelopes: Envelope[], onOpened: () => void): Promise<ConversationRecord[]>
  /** Merges records into the index and the store. */
  merge(records: ConversationRecord[]): Promise<unknown>
  reportSkipped: SkipReporter
  /** Invitations opened of those found so far, and junk envelopes skipped unread. */
  reportProgress(done: number, total: number, skipped: number): void
}

/** Runs one pass; true when both topics are read to now, false when the budget ran out first. */
export async function runListingPass(deps: ListingPassDeps, budget: ReadBudget, now: bigint): Promise<boolean> {
  let found = 0
  let opened = 0
  let failed: { error: unknown } | undefined
  const fail = (error: unknown) => void (failed ??= { error })
  // Three promises (none rejects; a failure lands in `failed`): the newest page's opening, the
  // merges of every page so far in page order, and the merges of all but the newest page.
  let opening: Promise<void> = Promise.resolve()
  let merged: Promise<void> = Promise.resolve()
  let mergedBefore: Promise<void> = Promise.resolve()
  const settle = async () => {
    await merged
    if (failed) throw failed.error
  }
  const inviteTopicName = inviteTopic(deps.address)
  let junk = 0
  const onInvites = async (envelopes: Envelope[], page: BoundedPage) => {
    for (let i = 0; i < page.oversized; i++) {
      deps.reportSkipped(new EnvelopeSkippedError(inviteTopicName, `an envelope larger than ${MAX_INVITATION_BYTES} bytes is no invitation: skipped unread`))
    }
    junk += page.oversized
    // This page starts opening once the previous one is opened and the one before it merged:
    // the previous page's merge (this thread's sealing and writes) runs beside this opening
    // (the curve work, on worker threads too), so neither waits on the other.
    await opening
    await mergedBefore
    if (failed) throw failed.error
    found += envelopes.length
    deps.reportProgress(opened, found, junk)
    const records = deps.fromInvites(envelopes, () => deps.reportProgress(++opened, found, junk))
    opening = records.then(() => undefined, fail)
    mergedBefore = merged
    // Merges stay in page order: the index decides between claims on one topic in the order read.
    merged = merged
      .then(async () => {
        if (!failed) await deps.merge(await records)
      })
      .catch(fail)
    // Returning now lets readTopic ask for the next page while this one opens.
  }
  const onIntros = async (envelopes: Envelope[]) => {
    await deps.merge(await deps.fromIntros(envelopes, deps.index))
  }
  const [intros, invites] = await Promise.all([
    readOwnTopic(deps.api, deps.introCursor, introTopic(deps.address), now, budget, onIntros, {}),
    readOwnTopic(deps.api, deps.inviteCursor, inviteTopicName, now, budget, onInvites, { maxMessageBytes: MAX_INVITATION_BYTES, drain: settle }).finally(settle),
  ])
  await settle()
  return intros && invites
}

/** Reads one own topic from where it last stopped; true when it is read to its end. */
async function readOwnTopic(
  api: ListingPageSource,
  cursor: TopicCursor,
  topic: string,
  now: bigint,
  budget: ReadBudget,
  onPage: (envelopes: Envelope[], page: BoundedPage) => Promise<void>,
  options: { maxMessageBytes?: number; drain?: () => Promise<void> },
): Promise<boolean> {
  const read = cursor.next(now)
  const request: QueryRequest = {
    contentTopics: [topic],
    ...(read.startNs !== undefined ? { startTimeNs: read.startNs } : {}),
    endTimeNs: read.endNs,
    pagingInfo: { limit: PAGE, direction: SortDirection.SORT_DIRECTION_ASCENDING },
  }
  const result = await readTopic(api, request, budget, onPage, {
    ...(options.maxMessageBytes !== undefined ? { maxMessageBytes: options.maxMessageBytes } : {}),
    ...(read.cursor ? { cursor: read.cursor } : {}),
  })
  await options.drain?.() // what was read is merged before the cursor moves past it
  if (result.complete) await cursor.finished(read)
  else await cursor.stopped(read, result.cursor)
  return result.complete
}
