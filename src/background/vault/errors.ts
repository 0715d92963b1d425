// The vault's one error type. `reason` is for code (handlers map it to an RPC error);
// `message` is a sentence a person can act on. Neither ever quotes a password, a phrase or a key.
import { BackgroundError } from '../errors.ts'

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

export class VaultError extends BackgroundError<VaultErrorReason> {
  // Spelt out: a bundler may rename the class, and logs name the error by this.
  override readonly name = 'VaultError'
}
