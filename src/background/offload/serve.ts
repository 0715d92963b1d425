// The worker's side of the offload channel: checks each request, opens its invitations with the
// protocol library (the same code the background runs in-thread) and answers on the port.
// Keys are decoded per request and zeroed when the batch is done, success or not; nothing is
// logged. Pure enough to run in Node tests over a MessageChannel.
import { openInvitationsInThread } from '../../protocol/invitations/batch-opener.ts'
import { PrivateKeyBundleV1 } from '../../protocol/keys/private-bundle.ts'
import { checkOpenRequest, describeFailure, OFFLOAD_TAG, OffloadError, type WireOutcome, type WorkerMessage } from './messages.ts'

/** The parts of a MessagePort the worker uses. */
export interface PortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  start?(): void
  close(): void
}

/** Answers one request (or says why it could not); null when the message is not a request at all. */
export async function answerRequest(data: unknown): Promise<WorkerMessage | null> {
  const id = typeof data === 'object' && data !== null && Number.isSafeInteger((data as { id?: unknown }).id) ? ((data as { id: number }).id) : null
  let keyBytes: Uint8Array | undefined
  try {
    const request = checkOpenRequest(data)
    keyBytes = request.keys
    let keys: PrivateKeyBundleV1
    try {
      keys = PrivateKeyBundleV1.decode(keyBytes)
    } catch {
      throw new OffloadError('failed', 'the keys did not decode')
    } finally {
      keyBytes.fill(0)
    }
    try {
      const outcomes = await openInvitationsInThread(keys, request.envelopes)
      const wire: WireOutcome[] = outcomes.map((outcome) => {
        if (!outcome.ok) return { ok: false, error: describeFailure(outcome.error) }
        // The peer's bundle (protobuf objects) stays here: the listing does not need it.
        const { peerBundle: _peerBundle, ...invitation } = outcome.invitation as typeof outcome.invitation & { peerBundle?: unknown }
        return { ok: true, invitation }
      })
      return { tag: OFFLOAD_TAG, kind: 'opened', id: request.id, outcomes: wire }
    } finally {
      keys.destroy()
    }
  } catch (error) {
    keyBytes?.fill(0)
    if (id === null) return null
    const message = error instanceof OffloadError ? error.message : `the batch failed (${describeFailure(error).name})`
    return { tag: OFFLOAD_TAG, kind: 'failed', id, error: message }
  }
}

/** Serves requests on `port` until it is replaced or closed; returns a function that stops. */
export function servePort(port: PortLike, backend: () => string): () => void {
  const listener = (event: { data: unknown }) => {
    void answerRequest(event.data).then((answer) => {
      if (!answer) return
      port.postMessage(answer)
      // The answer was copied into the message: this thread's copies of the key material go.
      if (answer.kind === 'opened') for (const outcome of answer.outcomes) if (outcome.ok) outcome.invitation.keyMaterial.fill(0)
    })
  }
  port.addEventListener('message', listener)
  port.start?.()
  port.postMessage({ tag: OFFLOAD_TAG, kind: 'ready', backend: backend() } satisfies WorkerMessage)
  return () => {
    port.removeEventListener('message', listener)
    port.close()
  }
}
