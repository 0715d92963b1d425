// Times as a messenger shows them: compact relative times in the list, day headers and clock
// times in a conversation. `now` is passed in so tests are deterministic.
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

function startOfDay(ms: number): number {
  const d = new Date(ms)
  d.setHours(0, 0, 0, 0)
  return d.getTime()
}

/** Whole calendar days between two instants in local time (0 = same day). */
export function calendarDaysBetween(earlier: number, later: number): number {
  return Math.round((startOfDay(later) - startOfDay(earlier)) / DAY)
}

/** "now", "5m", "3h", "Yesterday", "Tue", "12 Mar", "12 Mar 2024". */
export function relativeTime(at: number, now: number): string {
  const diff = now - at
  if (diff < MINUTE) return 'now'
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)}m`
  const days = calendarDaysBetween(at, now)
  if (days === 0) return `${Math.floor(diff / HOUR)}h`
  if (days === 1) return 'Yesterday'
  const date = new Date(at)
  if (days < 7) return date.toLocaleDateString('en-GB', { weekday: 'short' })
  const sameYear = date.getFullYear() === new Date(now).getFullYear()
  return date.toLocaleDateString('en-GB', sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' })
}

/** "Today", "Yesterday", "Tuesday", "12 March 2024". */
export function dayLabel(at: number, now: number): string {
  const days = calendarDaysBetween(at, now)
  if (days === 0) return 'Today'
  if (days === 1) return 'Yesterday'
  const date = new Date(at)
  if (days < 7 && days > 0) return date.toLocaleDateString('en-GB', { weekday: 'long' })
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })
}

/** "14:05" */
export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })
}

export function sameDay(a: number, b: number): boolean {
  return calendarDaysBetween(a, b) === 0
}
