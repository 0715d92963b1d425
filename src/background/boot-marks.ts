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

markBoot('script-evaluating')
