// The data layer's one error type: a reason the handlers map to RPC errors, and a message in
// words for the person (never key material, never a whole topic).
export class AccountDataError extends Error {
  readonly reason: 'not-found' | 'not-on-network' | 'invalid' | 'attachment' | 'corrupt'
  constructor(reason: AccountDataError['reason'], message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AccountDataError'
    this.reason = reason
  }
}

export function notFound(topic: string): AccountDataError {
  return new AccountDataError('not-found', `no conversation ${topic.length > 24 ? `${topic.slice(0, 24)}…` : topic} in this account`)
}
