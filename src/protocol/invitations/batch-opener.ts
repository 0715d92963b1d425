// Opening invitations a batch at a time (spec §8.4), behind one function the application may
// replace: the listing hands each page of invite-topic envelopes to an `InvitationOpener` and
// gets one outcome per envelope, in order. The default opens them here, on the calling
// thread; an application with a second thread (the extension's offscreen worker) passes its
// own opener, which may fall back to this one. The protocol never learns where the work ran.
import type { Envelope } from '../../wire/message-api.ts'
import type { PrivateKeyBundleV1 } from '../keys/private-bundle.ts'
import { openInvitation, type OpenedInvitation } from './sealed.ts'
import type { SharedSecretCache } from './shared-secrets.ts'
import { yieldToEventLoop } from '../utils/yield.ts'

/** What a listing needs of an opened invitation (the peer's verified bundle stays where it was verified). */
export type OpenedInvitationData = Omit<OpenedInvitation, 'peerBundle'>

/** One envelope's outcome: its invitation, or why it could not be opened. */
export type InvitationOutcome = { ok: true; invitation: OpenedInvitationData } | { ok: false; error: Error }

export type InvitationEnvelope = Pick<Envelope, 'timestampNs' | 'message'>

/**
 * Opens `envelopes` for `keys`: resolves with exactly one outcome per envelope, in order, and
 * never rejects for a bad envelope. `secrets` is the caller's 3DH cache, for openers that run
 * on the caller's thread.
 */
export type InvitationOpener = (
  keys: PrivateKeyBundleV1,
  envelopes: readonly InvitationEnvelope[],
  options?: { secrets?: SharedSecretCache | undefined },
) => Promise<InvitationOutcome[]>

function asError(cause: unknown): Error {
  return cause instanceof Error ? cause : new Error(String(cause))
}

/**
 * Invitations opened between two yields to the event loop: each is ~1 ms of synchronous curve
 * work, so a page's share would otherwise hold the thread for 50–100 ms, and the I/O of the
 * same listing (the next page's fetch, the previous page's merge, a worker's answer) and every
 * RPC would wait behind it.
 */
export const OPEN_SLICE = 4

async function openOne(keys: PrivateKeyBundleV1, envelope: InvitationEnvelope, secrets: SharedSecretCache | undefined): Promise<InvitationOutcome> {
  try {
    return { ok: true, invitation: await openInvitation(keys, envelope, { secrets }) }
  } catch (cause) {
    return { ok: false, error: asError(cause) }
  }
}

/**
 * The default opener: every envelope opened on this thread, a slice at a time with the event
 * loop's queued tasks run between slices. Each invitation's decryption (WebCrypto, which may
 * run elsewhere) overlaps the curve work of those after it.
 */
export const openInvitationsInThread: InvitationOpener = async (keys, envelopes, options = {}) => {
  const opening: Array<Promise<InvitationOutcome>> = []
  for (let i = 0; i < envelopes.length; i++) {
    if (i > 0 && i % OPEN_SLICE === 0) await yieldToEventLoop()
    opening.push(openOne(keys, envelopes[i]!, options.secrets))
  }
  return Promise.all(opening)
}

/** Checks a replacement opener at the boundary (ClientOptions.openInvitations). */
export function checkInvitationOpener(value: unknown, label: string): InvitationOpener {
  if (typeof value !== 'function') throw new TypeError(`${label} must be a function`)
  return value as InvitationOpener
}
