// The sync engine of one account. A pass (syncNow) reads the consent list, lists
// conversations (the protocol Client keeps its invite/intro watermarks in the encrypted
// Persistence, so listing is incremental across restarts), then fetches every
// conversation's messages from its persisted cursor in batch queries. While holds are
// open a live stream (streamAllMessages) feeds the same ingest, and every (re)open is
// followed by a pass: the gap fill. Overlap between poll and stream, replays and
// restarts are all harmless because ingest reconciles by message id.
import { NetworkError, SortDirection, type Client, type Conversation, type DecodedMessage } from '../../protocol/index.ts'
import {
  MAX_BATCH_SIZE,
  ResponseTooLargeError,
  readTopic,
  type BoundedPage,
  type Envelope,
  type QueryRequest,
  type ReadBudget,
  type ReadTopicResult,
} from '../../protocol/api/index.ts'
import { budgetLeft } from '../../protocol/api/read-topic.ts'
import { InflateBudget } from '../../protocol/content/index.ts'
import type { ListingPart } from '../../protocol/client/conversations.ts'
import { readWindow } from '../../protocol/client/time-window.ts'
import type { ReadInProgress } from '../../protocol/client/topic-cursor.ts'
import type { SyncStatusView } from '../../extension/views.ts'
import { ObservableState } from '../../state/observable-state.ts'
import type { AccountCache } from './cache.ts'

const PAGE = 100
/** What one round of a pass may read over all conversations (issue 19). */
export const SYNC_PASS_BUDGET: Readonly<ReadBudget> = { envelopes: 10_000, bytes: 256 * 1024 * 1024 }
/** What one round may inflate over all compressed messages; past it they are stored as too large. */
export const INFLATE_PASS_BYTES = 64 * 1024 * 1024
/** Cap on a batch of first pages; past it each topic pages on its own with smaller pages. */
const FIRST_PAGES_MAX_BYTES = 16 * 1024 * 1024
/** Rounds of bounded work in one pass before it yields to the next scheduled pass. */
const MAX_ROUNDS_PER_PASS = 50

function readRequest(topic: string, read: ReadInProgress, limit: number): QueryRequest {
  return {
    contentTopics: [topic],
    ...(read.startNs !== undefined ? { startTimeNs: read.startNs } : {}),
    endTimeNs: read.endNs,
    pagingInfo: { limit, direction: SortDirection.SORT_DIRECTION_ASCENDING, ...(read.cursor ? { cursor: read.cursor } : {}) },
  }
}
const STREAM_RETRY_MIN_MS = 1_000
const STREAM_RETRY_MAX_MS = 30_000

export interface SyncHooks {
  /** Consent list (re)loaded from the network. */
  onConsent(states: Map<string, 'allowed' | 'denied' | 'unknown'>): Promise<void>
  /** Makes sure the cache has a state for each conversation. */
  onConversations(conversations: Conversation[]): Promise<void>
  /** Stores decoded messages of one conversation (reconciling by id). */
  onMessages(topic: string, messages: DecodedMessage[]): Promise<void>
  /** After a pass that reached the node (e.g. to wake the outbox). */
  onReachable(): void
}

export class SyncEngine {
  readonly #client: Client
  readonly #cache: AccountCache
  readonly #hooks: SyncHooks
  readonly #now: () => number
  /** The sync status: this engine owns it; the views read it and hear its changes. */
  readonly #status = new ObservableState<SyncStatusView>('sync status', { state: 'idle', streaming: false })
  #pass: Promise<SyncStatusView> | undefined
  #holds = 0
  #streamLoop: Promise<void> | undefined
  #stream: { return(): Promise<unknown> } | undefined
  #closed = false
  /** Closed and drained: no status changes are announced any more. */
  #silenced = false

  constructor(client: Client, cache: AccountCache, hooks: SyncHooks, now: () => number = Date.now) {
    this.#client = client
    this.#cache = cache
    this.#hooks = hooks
    this.#now = now
  }

  status(): SyncStatusView {
    return structuredClone(this.#status.value)
  }

  /** Called with a copy of the status after each change. */
  onStatus(listener: (status: SyncStatusView) => void): () => void {
    return this.#status.subscribe((next) => listener(structuredClone(next)))
  }

  // ------------------------------------------------------------ polling

  /** One incremental pass; concurrent calls share it. Resolves with the status after it (never rejects). */
  syncNow(): Promise<SyncStatusView> {
    this.#pass ??= this.#runPass().finally(() => {
      this.#pass = undefined
    })
    return this.#pass
  }

  async #runPass(): Promise<SyncStatusView> {
    this.#update({ state: 'syncing', progress: { done: 0, total: 0, what: 'Checking for new conversations' } })
    try {
      await this.#hooks.onConsent(await this.#client.contacts.loadConsentList())
      // Rounds of bounded work (issue 19): each lists and syncs under a budget, persists where it
      // stopped and lets go of what it read; the next round resumes there. The progress shown
      // counts what was really opened of what was really found, over all rounds.
      let found = 0
      const synced = new Set<string>() // read up to now in this pass: later rounds skip them
      for (let round = 1; round <= MAX_ROUNDS_PER_PASS; round++) {
        const listed = await this.#listRound(found, round)
        found = listed.found
        await this.#hooks.onConversations(listed.part.conversations)
        if (round === 1) this.#hooks.onReachable()
        const pending = listed.part.conversations.filter((c) => !synced.has(c.topic))
        const complete = await this.syncConversations(pending, true, undefined, undefined, (topic) => synced.add(topic))
        if (listed.part.complete && complete) break
      }
      this.#update({ state: 'idle', lastSyncAt: this.#now() }, ['progress', 'error'])
    } catch (error) {
      const offline = error instanceof NetworkError
      this.#update(
        { state: offline ? 'offline' : 'error', error: offline ? 'The XMTP node cannot be reached' : `Sync failed: ${describe(error)}` },
        ['progress'],
      )
    }
    return this.status()
  }

  /** One bounded part of the listing, its progress added to what earlier rounds found. */
  async #listRound(foundBefore: number, round: number): Promise<{ part: ListingPart; found: number }> {
    let found = foundBefore
    const what = round === 1 ? 'Opening invitations' : `Opening invitations (part ${round})`
    const stopProgress = this.#client.conversations.onListingProgress(({ done, total, skipped }) => {
      found = foundBefore + total
      // Junk read and dropped is said too, so a long read of it does not look like a stall.
      const junk = skipped ? `, ${skipped.toLocaleString('en-US')} junk envelopes skipped` : ''
      this.#update({ progress: { done: foundBefore + done, total: found, what: `${what}${junk}` } })
    })
    try {
      return { part: await this.#client.conversations.listSome(), found }
    } finally {
      stopProgress()
    }
  }

  /**
   * Fetches new messages of `conversations` from their cursors: first pages in batch queries
   * of up to 50 topics, the rest a page at a time; every page is decoded, stored and let go
   * before the next. Stops when the pass budget (envelopes, bytes) is spent, remembering
   * where; compressed content inflates within `inflate`. True when every conversation is
   * read up to now.
   */
  async syncConversations(
    conversations: Conversation[],
    reportProgress = false,
    budget: ReadBudget = { ...SYNC_PASS_BUDGET },
    inflate: InflateBudget = new InflateBudget(INFLATE_PASS_BYTES),
    onRead?: (topic: string) => void,
  ): Promise<boolean> {
    const total = conversations.length
    let done = 0
    const progress = () => {
      if (reportProgress) this.#update({ progress: { done, total, what: 'Syncing conversations' } })
    }
    progress()
    for (let i = 0; i < conversations.length; i += MAX_BATCH_SIZE) {
      if (!budgetLeft(budget)) return false
      const chunk = conversations.slice(i, i + MAX_BATCH_SIZE)
      const nowNs = BigInt(this.#now()) * 1_000_000n
      const states = await this.#cache.cursors.getStates(chunk.map((c) => c.topic))
      const reads = states.map((state): ReadInProgress => state.resume ?? { beganNs: nowNs, ...readWindow(state.ns, nowNs) })
      const firstLimit = Math.max(1, Math.min(PAGE, budget.envelopes))
      const requests = chunk.map((c, j) => readRequest(c.topic, reads[j]!, firstLimit))
      let firstPages: Array<BoundedPage | undefined>
      try {
        firstPages = await this.#client.api.batchQueryBounded(requests, { maxResponseBytes: FIRST_PAGES_MAX_BYTES })
      } catch (error) {
        if (!(error instanceof ResponseTooLargeError)) throw error
        firstPages = chunk.map(() => undefined) // large rows: each topic pages on its own, sized to fit
      }
      // Topics read to their end, by the time their read began: their cursors move together.
      const finished = new Map<bigint, string[]>()
      const commit = async () => {
        for (const [ns, topics] of finished) await this.#cache.cursors.setMany(topics, ns)
        finished.clear()
      }
      for (const [j, conversation] of chunk.entries()) {
        const read = reads[j]!
        const onPage = async (envelopes: Envelope[]) => {
          const decoded: DecodedMessage[] = []
          for (const envelope of envelopes) {
            const message = await conversation.decodeEnvelope(envelope, { inflateBudget: inflate })
            if (message) decoded.push(message)
          }
          if (decoded.length > 0) await this.#hooks.onMessages(conversation.topic, decoded)
        }
        const result = await this.#readConversation(requests[j]!, firstPages[j], read, budget, onPage)
        firstPages[j] = undefined // let the page go
        if (result.complete) {
          finished.set(read.beganNs, [...(finished.get(read.beganNs) ?? []), conversation.topic])
        } else {
          // Cut short by the budget: what was read is stored; the next pass resumes at the cursor.
          await commit()
          await this.#cache.cursors.setState(conversation.topic, { ...(states[j]!.ns !== undefined ? { ns: states[j]!.ns } : {}), resume: { ...read, ...(result.cursor ? { cursor: result.cursor } : {}) } })
          return false
        }
        onRead?.(conversation.topic)
        done++
        progress()
      }
      // Only after the chunk's messages are stored: a pass cut short fetches them again.
      await commit()
    }
    return true
  }

  /** The rest of one conversation's read after its first page (when the batch brought one). */
  async #readConversation(
    request: QueryRequest,
    first: BoundedPage | undefined,
    read: ReadInProgress,
    budget: ReadBudget,
    onPage: (envelopes: Envelope[]) => Promise<void>,
  ): Promise<ReadTopicResult> {
    if (!first) return readTopic(this.#client.api, request, budget, onPage, read.cursor ? { cursor: read.cursor } : {})
    budget.envelopes -= first.rows
    budget.bytes -= first.bytes
    await onPage(first.envelopes)
    const next = first.pagingInfo?.cursor
    if (first.rows < (request.pagingInfo?.limit ?? PAGE) || !next) return { complete: true, rows: first.rows, oversized: 0 }
    return readTopic(this.#client.api, request, budget, onPage, { cursor: next })
  }

  // ------------------------------------------------------------ streaming

  /** Keeps the live stream open until every returned release function has been called. */
  hold(): () => void {
    if (this.#closed) return () => {}
    this.#holds++
    if (this.#holds === 1 && !this.#streamLoop) {
      this.#streamLoop = this.#runStream().finally(() => {
        this.#streamLoop = undefined
      })
    }
    let released = false
    return () => {
      if (released) return
      released = true
      this.#holds--
      if (this.#holds === 0) void this.#stream?.return()
    }
  }

  async #runStream(): Promise<void> {
    let failures = 0
    while (this.#holds > 0 && !this.#closed) {
      try {
        const stream = await this.#client.conversations.streamAllMessages()
        this.#stream = stream
        if (this.#holds === 0 || this.#closed) {
          await stream.return()
          break
        }
        this.#update({ streaming: true })
        failures = 0
        // Gap fill: a pass that starts after the subscription (a running one may have queried
        // before it), so nothing sent while the stream was closed is missed; overlap is deduped.
        void (this.#pass ? this.#pass.then(() => this.syncNow()) : this.syncNow())
        for await (const message of stream) await this.#hooks.onMessages(message.conversation.topic, [message])
      } catch {
        failures++
      } finally {
        this.#stream = undefined
        this.#update({ streaming: false })
      }
      if (this.#holds > 0 && !this.#closed) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(STREAM_RETRY_MAX_MS, STREAM_RETRY_MIN_MS * 2 ** Math.min(failures, 5))))
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#holds = 0
    await this.#stream?.return()
    await this.#streamLoop
    await this.#pass
    this.#silenced = true
  }

  #update(change: Partial<SyncStatusView>, clear: Array<keyof SyncStatusView> = []): void {
    if (this.#silenced) return
    const next: SyncStatusView = { ...this.#status.value, ...change }
    for (const key of clear) delete next[key]
    this.#status.set(next)
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.length > 200 ? `${error.message.slice(0, 199)}…` : error.message
  return 'unknown error'
}
