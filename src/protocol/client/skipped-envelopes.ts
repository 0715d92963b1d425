// Envelopes the client could not open (undecryptable, forged, malformed): counted, and each
// one's error handed to one optional listener (for diagnostics; never key material). A
// failing listener never breaks the listing or stream that reported.
import type { EnvelopeSkippedError } from './errors.ts'

export class SkippedEnvelopes {
  #count = 0
  #listener: ((error: EnvelopeSkippedError) => void) | undefined

  get count(): number {
    return this.#count
  }

  /** Sets (or, with undefined, removes) the listener. */
  listen(listener: ((error: EnvelopeSkippedError) => void) | undefined): void {
    if (listener !== undefined && typeof listener !== 'function') throw new TypeError('listener must be a function')
    this.#listener = listener
  }

  /** Counts a skipped envelope and tells the listener. */
  readonly report = (error: EnvelopeSkippedError): void => {
    this.#count++
    try {
      this.#listener?.(error)
    } catch {
      // A failing listener must not break a listing or a stream.
    }
  }
}
