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

/**
 * Marks the first answer of each method this worker gives (`answered <method>`), once per
 * method: a wake's first answer is what the user waits for. `isMethod` keeps names a caller
 * made up out of the timeline (and its memory bounded by the method table).
 */
export function firstAnswerMarks(isMethod: (name: string) => boolean, mark: (step: string) => void = markBoot): (method: unknown) => void {
  const answered = new Set<string>()
  return (method) => {
    if (typeof method !== 'string' || !isMethod(method) || answered.has(method)) return
    answered.add(method)
    mark(`answered ${method}`)
  }
}
