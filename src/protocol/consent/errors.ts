// Typed errors of the private-preferences (consent) layer (§11).
import { ReasonError } from '../utils/errors.ts'

export type PreferencesErrorReason =
  | 'decryption-failed' // another identity's key, or tampered bytes
  | 'malformed' // not a usable protobuf message

export abstract class PreferencesError extends ReasonError<PreferencesErrorReason> {}

/** A preferences payload did not decrypt: another identity's key, or tampered bytes. */
export class PreferencesDecryptionError extends PreferencesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('decryption-failed', message, options)
  }
}

/** A preferences payload or action is not a usable protobuf message. */
export class MalformedPreferencesError extends PreferencesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('malformed', message, options)
  }
}
