// The one shape of the protocol library's typed errors: a class per layer, a
// `reason` from that layer's union for callers to branch on, a message that
// says what failed (never key material) and an optional `cause`.

/**
 * Base of every error that carries a `reason`. `name` is the subclass's own
 * class name (e.g. 'KeyBundleError'), so logs and `toString()` say which layer failed.
 */
export abstract class ReasonError<R extends string> extends Error {
  readonly reason: R

  constructor(reason: R, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.reason = reason
  }
}
