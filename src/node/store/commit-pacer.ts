// When the node hands the SQLite writer its next batch (sqlite.ts): a group commit pays one
// fsync however many requests it carries, so on a slow disk the size of the groups decides the
// throughput. Sending the moment the writer answers splits the clients into two halves that take
// turns (one half commits while the other waits, and the answered half comes back during that
// commit): two fsyncs per round of requests. So after an answer the pacer holds what is pending
// for a little while, until the requests just answered are back (their clients send again) or a
// fraction of the last commit's time has passed, whichever comes first. This is PostgreSQL's
// commit_delay idea with the wait scaled to the disk: with a fast fsync the hold is tiny.

export interface CommitPacerOptions {
  /** Longest hold as a fraction of the last commit's time (send to answer). */
  fraction: number
  /** Longest hold in ms, however slow the last commit was. */
  maxHoldMs: number
  now?: () => number
}

export class CommitPacer {
  private sentAt = 0
  private holdUntil = 0
  private expected = 0
  private readonly now: () => number

  constructor(private readonly options: CommitPacerOptions) {
    this.now = options.now ?? (() => performance.now())
  }

  /** A batch went to the writer. */
  sent(): void {
    this.sentAt = this.now()
    this.holdUntil = 0
  }

  /** The writer answered `answered` requests while `pending` more waited here. */
  answered(answered: number, pending: number): void {
    const now = this.now()
    this.expected = answered + pending
    this.holdUntil = now + Math.min(this.options.maxHoldMs, this.options.fraction * (now - this.sentAt))
  }

  /** Ends the hold: what is pending may go. */
  release(): void {
    this.holdUntil = 0
    this.expected = 0
  }

  /** How long (ms) to hold `pending` requests before sending them; 0: send now. */
  holdMs(pending: number): number {
    if (pending >= this.expected) return 0
    return Math.max(0, this.holdUntil - this.now())
  }
}
