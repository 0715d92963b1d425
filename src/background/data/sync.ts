// The sync engine of one account. A pass (syncNow) reads the consent list, lists
// conversations (the protocol Client keeps its invite/intro watermarks in the encrypted
// Persistence, so listing is incremental across restarts), then fetches every
// conversation's messages from its persisted cursor in batch queries. While holds are
// open a live stream (streamAllMessages) feeds the same ingest, and every (re)open is
// followed by a pass: the gap fill. Overlap between poll and stream, replays and
// restarts are all harmless because ingest reconciles by message id.
import { NetworkError, SortDirection, type Client, type Conversation, type DecodedMessage } from '../../protocol/index.ts'
import type { Envelope, QueryRequest, QueryResponse } from '../../protocol/api/index.ts'
import { MAX_BATCH_SIZE } from '../../protocol/api/index.ts'
import { listingStartNs } from '../../protocol/client/conversation-index.ts'
import type { SyncStatusView } from '../../extension/views.ts'
import type { AccountCache } from './cache.ts'

const PAGE = 100
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
  readonly #listeners = new Set<(status: SyncStatusView) => void>()
  #status: SyncStatusView = { state: 'idle', streaming: false }
  #pass: Promise<SyncStatusView> | undefined
  #holds = 0
  #streamLoop: Promise<void> | undefined
  #stream: { return(): Promise<unknown> } | undefined
  #closed = false

  constructor(client: Client, cache: AccountCache, hooks: SyncHooks, now: () => number = Date.now) {
    this.#client = client
    this.#cache = cache
    this.#hooks = hooks
    this.#now = now
  }

  status(): SyncStatusView {
    return structuredClone(this.#status)
  }

  onStatus(listener: (status: SyncStatusView) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
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
      const stopProgress = this.#client.conversations.onListingProgress(({ done, total }) =>
        this.#update({ progress: { done, total, what: 'Opening invitations' } }),
      )
      let conversations: Conversation[]
      try {
        conversations = await this.#client.conversations.list()
      } finally {
        stopProgress()
      }
      await this.#hooks.onConversations(conversations)
      this.#hooks.onReachable()
      await this.syncConversations(conversations, true)
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

  /** Fetches new messages of `conversations` from their cursors (batch queries of up to 50 topics). */
  async syncConversations(conversations: Conversation[], reportProgress = false): Promise<void> {
    const total = conversations.length
    let done = 0
    const progress = () => {
      if (reportProgress) this.#update({ progress: { done, total, what: 'Syncing conversations' } })
    }
    progress()
    for (let i = 0; i < conversations.length; i += MAX_BATCH_SIZE) {
      const chunk = conversations.slice(i, i + MAX_BATCH_SIZE)
      const startedNs = BigInt(this.#now()) * 1_000_000n
      const cursors = await this.#cache.cursors.getMany(chunk.map((c) => c.topic))
      const requests: QueryRequest[] = chunk.map((c, j) => {
          const start = listingStartNs(cursors[j])
          return {
            contentTopics: [c.topic],
            ...(start !== undefined ? { startTimeNs: start } : {}),
            pagingInfo: { limit: PAGE, direction: SortDirection.SORT_DIRECTION_ASCENDING },
          }
        })
      const firstPages = await this.#client.api.batchQuery(requests)
      for (const [j, conversation] of chunk.entries()) {
        const envelopes = await this.#restOfQuery(requests[j]!, firstPages[j]!)
        const decoded: DecodedMessage[] = []
        for (const envelope of envelopes) {
          const message = await conversation.decodeEnvelope(envelope)
          if (message) decoded.push(message)
        }
        if (decoded.length > 0) await this.#hooks.onMessages(conversation.topic, decoded)
        done++
        progress()
      }
      // Only after the chunk's messages are stored: a pass cut short fetches them again.
      await this.#cache.cursors.setMany(chunk.map((c) => c.topic), startedNs)
    }
  }

  async #restOfQuery(request: QueryRequest, first: QueryResponse): Promise<Envelope[]> {
    const out = [...first.envelopes]
    let page = first
    while (page.envelopes.length >= PAGE && page.pagingInfo?.cursor) {
      page = await this.#client.api.queryPage({ ...request, pagingInfo: { ...request.pagingInfo!, cursor: page.pagingInfo.cursor } })
      out.push(...page.envelopes)
    }
    return out
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
    this.#listeners.clear()
  }

  #update(change: Partial<SyncStatusView>, clear: Array<keyof SyncStatusView> = []): void {
    const next: SyncStatusView = { ...this.#status, ...change }
    for (const key of clear) delete next[key]
    this.#status = next
    for (const listener of this.#listeners) {
      try {
        listener(this.status())
      } catch {
        // a listener's failure is its own
      }
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.length > 200 ? `${error.message.slice(0, 199)}…` : error.message
  return 'unknown error'
}
