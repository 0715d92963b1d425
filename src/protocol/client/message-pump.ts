// The loop behind every message stream: each envelope a subscription delivers is decoded, a
// message already pushed (the same id from a gap fill and the live stream, or twice from the
// node) is dropped, and the stream ends or fails with its source. The ids remembered are
// bounded, so a long-lived stream holds at most SEEN_LIMIT of them.
import type { Envelope } from '../api/index.ts'
import type { AsyncStream } from './async-stream.ts'
import type { DecodedMessage } from './types.ts'

export const SEEN_LIMIT = 10_000

/** Starts feeding `stream` from `source`; returns at once (the loop runs until the source ends). */
export function pumpMessages(
  source: AsyncIterable<Envelope>,
  stream: AsyncStream<DecodedMessage>,
  decode: (envelope: Envelope) => Promise<DecodedMessage | undefined>,
): void {
  const seen = new Set<string>()
  void (async () => {
    try {
      for await (const envelope of source) {
        const message = await decode(envelope)
        if (!message || seen.has(message.id)) continue
        seen.add(message.id)
        if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value!)
        stream.push(message)
      }
      await stream.return()
    } catch (error) {
      stream.fail(error)
    }
  })()
}
