// One bounded part of a listing (issue 19): reads the wallet's intro and invite topics a page
// at a time (api/read-topic.ts) from where each last stopped (topic-cursor.ts), under one
// budget of envelopes and bytes, and hands what it reads to the listings to open.
//
// The invite topic is pipelined: opening a page of invitations is curve work (on this thread
// and on worker threads) while fetching the next page waits on the network and merging is this
// thread's sealing and writes, so page N+1 is fetched while pages N and N−1 open and page N−2
// is merged — never more than that, so memory stays bounded (five pages). Pages are merged in
// order and let go, and a topic's cursor moves past what was read only after it is merged.
// Envelopes too large to be an invitation are dropped unread.
import { SortDirection, readTopic, type BoundedPage, type Envelope, type QueryRequest, type ReadBudget } from '../api/index.ts'
import { introTopic, inviteTopic } from '../topics.ts'
import type { ConversationIndex, ConversationRecord } from './conversation-index.ts'
import type { SkipReporter } from './deps.ts'
import { EnvelopeSkippedError } from './errors.ts'
import type { TopicCursor } from './topic-cursor.ts'

const PAGE = 100

/**
 * Invite pages opening at once. Two: a page's opening is split between this thread and worker
 * threads (the application's InvitationOpener), and with one page at a time whichever side
 * finished its share first waited for the other before the next page could start.
 */
export const PAGES_OPENING = 2

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
  // Per page number (none rejects; a failure lands in `failed`): its opening, and the merges of
  // every page up to it, in page order. Pages long done are let go.
  const openedThrough: Array<Promise<void> | undefined> = []
  const mergedThrough: Array<Promise<void> | undefined> = []
  let merged: Promise<void> = Promise.resolve()
  let pages = 0
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
    // Page n starts opening once page n − PAGES_OPENING is opened and every page before that
    // merged: the worker threads go on to this page's share while this thread still opens its
    // share of the one before, and the merges (this thread's sealing and writes) run beside.
    const n = pages++
    await openedThrough[n - PAGES_OPENING]
    await mergedThrough[n - PAGES_OPENING - 1]
    if (failed) throw failed.error
    found += envelopes.length
    deps.reportProgress(opened, found, junk)
    const records = deps.fromInvites(envelopes, () => deps.reportProgress(++opened, found, junk))
    openedThrough[n] = records.then(() => undefined, fail)
    // Merges stay in page order: the index decides between claims on one topic in the order read.
    merged = merged
      .then(async () => {
        if (!failed) await deps.merge(await records)
      })
      .catch(fail)
    mergedThrough[n] = merged
    openedThrough[n - PAGES_OPENING - 1] = undefined
    mergedThrough[n - PAGES_OPENING - 2] = undefined
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
