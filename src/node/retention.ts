// Retention: conversation envelopes older than a duration leave the store, in small batches
// with a turn of the event loop between them, so pruning never stalls the node. Identity
// topics (contact-, privatestore-), invitations (invite-, intro-) and consent lists
// (userpreferences-) are kept unless named: a client rebuilds itself from them. Age is the
// envelope's sender timestamp, the order topics are read in.

import type { Logger } from 'pino'
import type { EnvelopeStore, TopicRange } from './store/types.ts'

/** Topic kinds pruned when none are named: V2 conversations (m-) and V1 conversations (dm-). */
export const DEFAULT_PRUNED_KINDS = ['m', 'dm'] as const
/** Kinds kept unless an operator names them. */
export const KEPT_KINDS = ['contact', 'privatestore', 'invite', 'intro', 'userpreferences'] as const

/** Rows deleted per transaction. */
export const PRUNE_BATCH = 500

/** Stored topics of kind `kind` look like /xmtp/0/<kind>-…; as a byte range of topic strings. */
export function kindRange(kind: string): TopicRange {
  if (!/^[A-Za-z0-9]{1,40}$/.test(kind)) throw new RangeError(`a topic kind is letters and digits, like m or dm; got "${kind}"`)
  // '-' is 0x2d and '.' the byte after it: every topic with this exact prefix sorts in between.
  return { from: `/xmtp/0/${kind}-`, to: `/xmtp/0/${kind}.` }
}

/** `m,dm` → ['m', 'dm'], each checked. */
export function parseKinds(text: string): string[] {
  const kinds = text.split(',').map((k) => k.trim().replace(/-$/, '')).filter((k) => k !== '')
  if (kinds.length === 0) throw new RangeError('--topics needs at least one topic kind, e.g. m,dm')
  for (const kind of kinds) kindRange(kind)
  return [...new Set(kinds)]
}

export interface PruneOptions {
  /** Envelopes with a sender timestamp before this go. */
  beforeNs: bigint
  kinds: readonly string[]
  /** Count what would go, delete nothing. */
  dryRun?: boolean
  batchSize?: number
}

export interface PruneResult {
  /** Removed (or, dry run, removable) envelopes per kind. */
  byKind: Record<string, number>
  total: number
}

/** Prunes once, batch by batch; resolves with what went (or would go). */
export async function prune(store: EnvelopeStore, options: PruneOptions): Promise<PruneResult> {
  if (!store.deleteOlder || !store.countOlder) throw new Error('this store cannot prune')
  const byKind: Record<string, number> = {}
  let total = 0
  for (const kind of options.kinds) {
    const range = kindRange(kind)
    let removed = 0
    if (options.dryRun) removed = await store.countOlder(range, options.beforeNs)
    else {
      let after = range.from
      for (;;) {
        const batch = await store.deleteOlder({ from: after, to: range.to }, options.beforeNs, options.batchSize ?? PRUNE_BATCH)
        removed += batch.deleted
        if (batch.deleted === 0 || batch.lastTopic === undefined) break
        after = batch.lastTopic
        // Let requests in between batches.
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
    byKind[kind] = removed
    total += removed
  }
  return { byKind, total }
}

/** Runs prune every `everyMs` for envelopes older than `retentionMs`, logging what went. */
export function startRetention(store: EnvelopeStore, logger: Logger, retentionMs: number, everyMs = 5 * 60_000): { stop(): Promise<void> } {
  let running: Promise<void> | undefined
  let stopped = false
  const run = () => {
    if (running || stopped) return
    const beforeNs = BigInt(Date.now() - retentionMs) * 1_000_000n
    running = prune(store, { beforeNs, kinds: DEFAULT_PRUNED_KINDS })
      .then((result) => {
        if (result.total > 0) logger.info({ removed: result.byKind, before: new Date(Number(beforeNs / 1_000_000n)).toISOString() }, 'retention: pruned old conversation envelopes')
      })
      .catch((err) => logger.warn({ err }, 'retention: pruning failed; will retry'))
      .finally(() => (running = undefined))
  }
  const first = setTimeout(run, 1_000)
  const timer = setInterval(run, everyMs)
  first.unref()
  timer.unref()
  return {
    async stop() {
      stopped = true
      clearTimeout(first)
      clearInterval(timer)
      await running
    },
  }
}
