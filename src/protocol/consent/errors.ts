// Typed errors of the private-preferences (consent) layer (§11).

export class PreferencesError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** A preferences payload did not decrypt: another identity's key, or tampered bytes. */
export class PreferencesDecryptionError extends PreferencesError {}

/** A preferences payload or action is not a usable protobuf message. */
export class MalformedPreferencesError extends PreferencesError {}
