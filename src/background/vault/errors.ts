// The vault's one error type. `reason` is for code (handlers map it to an RPC error);
// `message` is a sentence a person can act on. Neither ever quotes a password, a phrase or a key.

export type VaultErrorReason =
  | 'wrong-password'
  | 'locked'
  | 'no-vault'
  | 'exists'
  | 'invalid-secret'
  | 'not-found'
  | 'last-account'
  | 'corrupt'
  | 'duplicate'
  | 'no-phrase'
  | 'weak-password'

export class VaultError extends Error {
  override readonly name = 'VaultError'
  readonly reason: VaultErrorReason

  constructor(reason: VaultErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.reason = reason
  }
}
