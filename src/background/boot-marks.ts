// The start-up timeline of this worker instance as User Timing marks ("parley:<step>"), so a
// profiler or bench/extension.ts can see where a wake's time goes (script evaluated, vault
// resumed, first answer) without any logging. Imported first by the entry, so the first mark
// is taken right after the browser has fetched, parsed and compiled the whole bundle.
const PREFIX = 'parley:'

export function markBoot(step: string): void {
  try {
    performance.mark(PREFIX + step)
  } catch {
    // No User Timing here (an old test host): the timeline is only a diagnostic.
  }
}

/** The marks so far, in ms since this worker started (its time origin). */
export function bootMarks(): Array<{ step: string; at: number }> {
  if (typeof performance.getEntriesByType !== 'function') return []
  return performance
    .getEntriesByType('mark')
    .filter((entry) => entry.name.startsWith(PREFIX))
    .map((entry) => ({ step: entry.name.slice(PREFIX.length), at: Math.round(entry.startTime * 10) / 10 }))
}

markBoot('script-evaluating')
