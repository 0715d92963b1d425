// Sender timestamps are the sender's claim: the node stores whatever an envelope says. Two
// rules keep a claim in the future from doing harm (issue 19):
//  - an incremental query reads up to "now + FUTURE_TOLERANCE_NS", never to the end of time,
//    so an envelope dated next year is not read again on every pass (it is read once it is
//    due; the live stream still delivers it at once);
//  - a time more than FUTURE_TOLERANCE_NS ahead of when it was received is shown as the time
//    received (the claim is kept beside it).
import { listingStartNs } from './conversation-index.ts'

/** How far ahead of our clock a sender's clock may run before its time is not believed. */
export const FUTURE_TOLERANCE_NS = 5n * 60n * 1_000_000_000n
export const FUTURE_TOLERANCE_MS = Number(FUTURE_TOLERANCE_NS / 1_000_000n)

/** The time range of one incremental read: from the last run (less the skew window) to now + tolerance. */
export interface ReadWindow {
  startNs?: bigint
  endNs: bigint
}

export function readWindow(lastRunNs: bigint | undefined, nowNs: bigint): ReadWindow {
  const start = listingStartNs(lastRunNs)
  return { ...(start !== undefined ? { startNs: start } : {}), endNs: nowNs + FUTURE_TOLERANCE_NS }
}

/** The time to show for a claim received at `receivedMs`: the claim, unless it is too far ahead. */
export function believableTimeMs(claimedMs: number, receivedMs: number): number {
  return claimedMs > receivedMs + FUTURE_TOLERANCE_MS ? receivedMs : claimedMs
}
