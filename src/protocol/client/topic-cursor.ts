// Where the next incremental read of one topic starts, remembered in Persistence (issue 19):
// the last completed read's start time (the watermark) and, while a read is cut short by its
// pass budget, the read's window and the node's cursor, so the next pass resumes exactly
// there instead of starting over (or skipping what it had not reached).
import type { Persistence } from './persistence.ts'
import { decodeWatermark, encodeWatermark } from './conversation-index.ts'
import { readWindow, type ReadWindow } from './time-window.ts'
import type { IndexCursor } from '../api/index.ts'
import { fromHex, fromUtf8, toHex, utf8 } from '../../wire/bytes.ts'

/** An unfinished read: its window, when it began, and the node's cursor after the last page read. */
export interface ReadInProgress extends ReadWindow {
  beganNs: bigint
  cursor?: IndexCursor
}

export class TopicCursor {
  readonly #persistence: Persistence
  readonly #watermarkKey: string
  readonly #resumeKey: string
  #lastRunNs: bigint | undefined
  #inProgress: ReadInProgress | undefined

  constructor(persistence: Persistence, watermarkKey: string) {
    this.#persistence = persistence
    this.#watermarkKey = watermarkKey
    this.#resumeKey = `${watermarkKey}/resume`
  }

  get lastRunNs(): bigint | undefined {
    return this.#lastRunNs
  }

  /** Reads the remembered position; `fromStart` forgets it, so the next read covers the whole topic. */
  async load(options: { fromStart?: boolean } = {}): Promise<void> {
    if (options.fromStart === true) {
      this.#lastRunNs = undefined
      this.#inProgress = undefined
      await this.#persistence.deleteItem(this.#resumeKey) // a stale resume point must not come back
      return
    }
    this.#lastRunNs = decodeWatermark(await this.#persistence.getItem(this.#watermarkKey))
    this.#inProgress = decodeResume(await this.#persistence.getItem(this.#resumeKey))
  }

  /** The read to do now: the unfinished one, or a new one from the watermark to now + tolerance. */
  next(nowNs: bigint): ReadInProgress {
    return this.#inProgress ?? { beganNs: nowNs, ...readWindow(this.#lastRunNs, nowNs) }
  }

  /** The read stopped at `cursor` (budget spent): remember where to resume. */
  async stopped(read: ReadInProgress, cursor: IndexCursor | undefined): Promise<void> {
    this.#inProgress = { ...read, ...(cursor ? { cursor } : {}) }
    await this.#persistence.setItem(this.#resumeKey, encodeResume(this.#inProgress))
  }

  /** The read reached its end: the next one starts from when it began. */
  async finished(read: ReadInProgress): Promise<void> {
    this.#lastRunNs = read.beganNs
    await this.#persistence.setItem(this.#watermarkKey, encodeWatermark(read.beganNs))
    if (this.#inProgress) {
      this.#inProgress = undefined
      await this.#persistence.deleteItem(this.#resumeKey)
    }
  }
}

/** An unfinished read as plain JSON (decimal strings, hex digest). */
export function readToJson(read: ReadInProgress): Record<string, unknown> {
  return {
    beganNs: read.beganNs.toString(),
    endNs: read.endNs.toString(),
    ...(read.startNs !== undefined ? { startNs: read.startNs.toString() } : {}),
    ...(read.cursor ? { cursor: { senderTimeNs: read.cursor.senderTimeNs.toString(), digest: toHex(read.cursor.digest) } } : {}),
  }
}

function encodeResume(read: ReadInProgress): Uint8Array {
  return utf8(JSON.stringify(readToJson(read)))
}

function decodeResume(bytes: Uint8Array | null): ReadInProgress | undefined {
  if (!bytes) return undefined
  try {
    return readFromJson(JSON.parse(fromUtf8(bytes)))
  } catch {
    return undefined
  }
}

/** A stored unfinished read, or undefined when absent or unreadable (the read then starts over). */
export function readFromJson(value: unknown): ReadInProgress | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  try {
    const raw = value as Record<string, unknown>
    const int = (v: unknown) => {
      if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new TypeError('not a decimal string')
      return BigInt(v)
    }
    const read: ReadInProgress = { beganNs: int(raw.beganNs), endNs: int(raw.endNs) }
    if (raw.startNs !== undefined) read.startNs = int(raw.startNs)
    const cursor = raw.cursor as { senderTimeNs?: unknown; digest?: unknown } | undefined
    if (cursor) read.cursor = { senderTimeNs: int(cursor.senderTimeNs), digest: fromHex(String(cursor.digest), 'stored cursor digest') }
    return read
  } catch {
    return undefined
  }
}
