// Typed errors of the client layer. Callers branch on the class (and `reason`), never
// on message text. Messages name addresses and topics, never key material.
import { ReasonError } from '../utils/errors.ts'

export type ClientErrorReason =
  | 'self-message' // newConversation with the client's own address
  | 'not-on-network' // the peer has no valid contact bundle
  | 'invalid-address' // not an Ethereum address
  | 'no-identity' // neither a signer nor privateKeyOverride was given
  | 'identity-mismatch' // privateKeyOverride belongs to another wallet than the signer
  | 'closed' // the client was closed
  | 'peer-mismatch' // a known conversation on the derived topic is with another peer

export class ClientError extends ReasonError<ClientErrorReason> {}

/** A message or invitation envelope that could not be opened (undecryptable, forged, malformed). */
export class EnvelopeSkippedError extends ReasonError<'unopenable'> {
  override readonly name = 'EnvelopeSkippedError'
  constructor(
    readonly contentTopic: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('unopenable', message, options)
  }
}
