// The data layer's one error type: a reason the handlers map to RPC errors, and a message in
// words for the person (never key material, never a whole topic). A BackgroundError, so
// rpc-errors.ts recognises it by class.
import { BackgroundError } from '../errors.ts'

export type AccountDataErrorReason = 'not-found' | 'not-on-network' | 'invalid' | 'attachment' | 'corrupt'

export class AccountDataError extends BackgroundError<AccountDataErrorReason> {
  override readonly name = 'AccountDataError'
}

export function notFound(topic: string): AccountDataError {
  return new AccountDataError('not-found', `no conversation ${topic.length > 24 ? `${topic.slice(0, 24)}…` : topic} in this account`)
}
