// Durations on the command line (`--retention 90d`, `prune --older-than 12h`): a whole number
// and a unit, s, m, h, d or w.

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }

/** Milliseconds of a duration like `90d`; RangeError naming `label` when it is not one. */
export function parseDuration(text: string, label: string): number {
  const match = /^([0-9]{1,9})([smhdw])$/.exec(text.trim())
  if (!match) throw new RangeError(`${label} must be a whole number and a unit (s, m, h, d or w), e.g. 90d; got "${text}"`)
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!
  if (ms <= 0) throw new RangeError(`${label} must be longer than zero`)
  return ms
}

/** A duration for people: the largest unit that divides it (`90d`, `36h`). */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's']) {
    if (ms % UNIT_MS[unit]! === 0) return `${ms / UNIT_MS[unit]!}${unit}`
  }
  return `${ms}ms`
}
