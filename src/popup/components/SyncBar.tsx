import { useAppState } from '../context.ts'

/** A thin progress line while the background syncs, with what it is doing. */
export function SyncBar() {
  const sync = useAppState((s) => s.sync)
  const nodeDown = useAppState((s) => s.node?.reachable === false)
  // With the node down the banner says so; a "syncing" line would only contradict it.
  if (!sync || sync.state !== 'syncing' || nodeDown) return null
  const p = sync.progress
  const pct = p && p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : null
  return (
    <div class="sync-bar" role="status" data-testid="sync-progress">
      <div class="sync-track" role="progressbar" aria-label="Syncing" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
        <span class={pct === null ? 'indeterminate' : ''} style={pct === null ? undefined : { width: `${pct}%` }} />
      </div>
      <span class="sync-text">{p ? (p.total > 0 ? `${p.what} · ${p.done} of ${p.total}` : `${p.what}…`) : 'Syncing…'}</span>
    </div>
  )
}
