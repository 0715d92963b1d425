// Bookkeeping that lets a subscription resume without losing or repeating envelopes
// (see envelope-stream.ts): which envelopes were already delivered, and from when each
// topic's gap fill has to start.

/** Bounded set of recent keys; the oldest is forgotten first. */
export class RecentIds {
  private readonly keys = new Set<string>()
  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer')
  }

  /** Adds `key`; false when it was already there. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false
    this.keys.add(key)
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value!)
    return true
  }

  get size(): number {
    return this.keys.size
  }
}

/**
 * Per-topic resume points. A topic resumes from the newest envelope seen on it, but
 * only once a connection's gap fill has succeeded (`commit`): until then what the
 * stream showed may sit after a hole. Points are clamped to the local clock so a
 * sender whose clock runs ahead cannot push them into the future.
 */
export class ResumePoints {
  private readonly resumeFromNs = new Map<string, bigint>()
  private readonly seenMaxNs = new Map<string, bigint>()

  /** `startNs`: where topics without a resume point start (the subscription's start). */
  constructor(private readonly startNs: bigint) {}

  saw(topic: string, timestampNs: bigint): void {
    const seen = this.seenMaxNs.get(topic)
    if (seen === undefined || timestampNs > seen) this.seenMaxNs.set(topic, timestampNs)
  }

  /** Sets where `topic` starts (a topic added later with an explicit start). */
  add(topic: string, fromNs: bigint): void {
    this.resumeFromNs.set(topic, fromNs)
  }

  remove(topic: string): void {
    this.resumeFromNs.delete(topic)
    this.seenMaxNs.delete(topic)
  }

  /** After a successful gap fill: advance each topic to what has been seen (≤ now). */
  commit(nowNs: bigint): void {
    for (const [topic, seen] of this.seenMaxNs) {
      const point = seen < nowNs ? seen : nowNs
      if (point > this.from(topic)) this.resumeFromNs.set(topic, point)
    }
  }

  from(topic: string): bigint {
    return this.resumeFromNs.get(topic) ?? this.startNs
  }

  /** Topics grouped by where their gap fill starts (resume point − skew, floored at 0). */
  fillGroups(topics: readonly string[], skewNs: bigint): Map<bigint, string[]> {
    const groups = new Map<bigint, string[]>()
    for (const topic of topics) {
      const resume = this.from(topic)
      const start = resume > skewNs ? resume - skewNs : 0n
      const group = groups.get(start)
      if (group) group.push(topic)
      else groups.set(start, [topic])
    }
    return groups
  }
}
