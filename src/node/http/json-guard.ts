// A streaming pre-check of a JSON body, fed chunk by chunk while the body arrives, so a hostile
// body is refused after its first bad chunk instead of being buffered whole and handed to
// JSON.parse. It bounds what JSON.parse can be made to do: nesting depth (70 MB of `[` builds
// 35 million nested arrays), the number of values (millions of tiny values cost far more than
// their bytes) and the length of one string. It is not a validator: JSON.parse still decides
// whether the text is JSON; the guard only guarantees the parse is bounded.

import { invalidArgument, type ApiError } from '../errors.ts'

export interface JsonGuardLimits {
  /** Deepest allowed nesting of objects and arrays. */
  maxDepth: number
  /** Most values (strings, including keys, numbers, literals, objects, arrays) in the body. */
  maxValues: number
  /** Longest string, in bytes of JSON text between its quotes. */
  maxStringBytes: number
  /** Appended to refusals, e.g. "a query names at most 1000 topics". */
  hint?: string
}

const QUOTE = 0x22
const BACKSLASH = 0x5c

/** Bytes that continue a number or literal (`-12.5e+3`, `true`): a run of them is one value. */
const SCALAR = new Uint8Array(256)
for (const c of '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-.') SCALAR[c.charCodeAt(0)] = 1

export class JsonGuard {
  private depth = 0
  private values = 0
  private inString = false
  private escaped = false
  private inScalar = false
  private stringBytes = 0

  constructor(private readonly limits: JsonGuardLimits) {}

  /** Checks the next chunk; throws an INVALID_ARGUMENT ApiError naming the limit it breaks. */
  feed(chunk: Uint8Array): void {
    const end = chunk.length
    let i = 0
    while (i < end) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false
          if (++this.stringBytes > this.limits.maxStringBytes) throw this.fail(`a string is longer than ${this.limits.maxStringBytes} bytes`)
          i++
          continue
        }
        // Skip to the next quote or backslash natively: strings (base64 messages) are most of
        // a large body, and this keeps the scan at memchr speed over them.
        const quote = indexOf(chunk, QUOTE, i)
        const backslash = indexOf(chunk, BACKSLASH, i)
        const stop = Math.min(quote < 0 ? end : quote, backslash < 0 ? end : backslash)
        this.stringBytes += stop - i
        if (this.stringBytes > this.limits.maxStringBytes) throw this.fail(`a string is longer than ${this.limits.maxStringBytes} bytes`)
        i = stop
        if (i >= end) break
        if (chunk[i] === BACKSLASH) {
          this.escaped = true
          this.stringBytes++
        } else this.inString = false
        i++
        continue
      }
      const c = chunk[i]!
      if (SCALAR[c]) {
        if (!this.inScalar) {
          this.inScalar = true
          this.count()
        }
        i++
        continue
      }
      this.inScalar = false
      if (c === QUOTE) {
        this.inString = true
        this.stringBytes = 0
        this.count()
      } else if (c === 0x7b || c === 0x5b) {
        // { [
        this.count()
        if (++this.depth > this.limits.maxDepth) throw this.fail(`JSON nests deeper than ${this.limits.maxDepth} levels`)
      } else if (c === 0x7d || c === 0x5d) {
        // } ]
        this.depth = Math.max(0, this.depth - 1)
      }
      i++
    }
  }

  private count(): void {
    if (++this.values > this.limits.maxValues) throw this.fail(`more than ${this.limits.maxValues} JSON values`)
  }

  private fail(reason: string): ApiError {
    return invalidArgument(`request body refused: ${reason}${this.limits.hint ? ` (${this.limits.hint})` : ''}`)
  }
}

function indexOf(chunk: Uint8Array, byte: number, from: number): number {
  return Buffer.isBuffer(chunk) ? chunk.indexOf(byte, from) : chunk.indexOf(byte, from)
}
