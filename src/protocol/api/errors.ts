// Typed errors of the message API client (../shared/protocol/xmtp-v2.md §12.5).
// Callers branch on the class (or on `code`), never on message text. Messages carry
// the method name and the server's own words, never a token or key material: the
// only secret the client handles is the auth token, and `redact` strips it from any
// text that came back from the server before it goes into an error.

import { GrpcCode } from '../../wire/message-api.ts'
import { ReasonError } from '../utils/errors.ts'

export { GrpcCode }

export interface ApiErrorInit {
  /** gRPC status code (GrpcCode). */
  code: number
  /** HTTP status of the answer; 0 when no answer arrived. */
  httpStatus: number
  /** Message API method that failed (publish, query, …). */
  method?: string
  details?: unknown[]
  cause?: unknown
}

export type ApiErrorReason =
  | 'node-error' // the node answered with an error no subclass names (see `code`)
  | 'rate-limited' // RESOURCE_EXHAUSTED / 429
  | 'unauthenticated' // UNAUTHENTICATED / 401
  | 'invalid-request' // INVALID_ARGUMENT / 400
  | 'permission-denied' // PERMISSION_DENIED / 403
  | 'network' // no answer
  | 'malformed-response' // an answer that is not the message API's JSON
  | 'response-too-large' // an answer past the caller's byte cap

/** Base class: the node answered with an error, or no usable answer arrived. Each class carries one reason. */
export class ApiError extends ReasonError<ApiErrorReason> {
  /** The reason every instance of the class carries. */
  static readonly reason: ApiErrorReason = 'node-error'
  readonly code: number
  readonly httpStatus: number
  readonly method: string | undefined
  readonly details: unknown[]
  constructor(message: string, init: ApiErrorInit) {
    super((new.target as unknown as { reason: ApiErrorReason }).reason, message, init.cause === undefined ? undefined : { cause: init.cause })
    this.code = init.code
    this.httpStatus = init.httpStatus
    this.method = init.method
    this.details = init.details ?? []
  }
}

/** RESOURCE_EXHAUSTED / HTTP 429. `retryAfterMs` comes from the Retry-After header when sent. */
export class RateLimitedError extends ApiError {
  static override readonly reason = 'rate-limited'
  readonly retryAfterMs: number | undefined
  constructor(message: string, init: ApiErrorInit & { retryAfterMs?: number }) {
    super(message, init)
    this.retryAfterMs = init.retryAfterMs
  }
}

/** UNAUTHENTICATED / HTTP 401: missing, invalid or expired auth token. */
export class UnauthenticatedError extends ApiError {
  static override readonly reason = 'unauthenticated'
}

/** INVALID_ARGUMENT / HTTP 400: the node rejected the request (topic too long, limit too high, …). */
export class InvalidRequestError extends ApiError {
  static override readonly reason = 'invalid-request'
}

/** PERMISSION_DENIED / HTTP 403: e.g. publishing to another wallet's contact or privatestore topic. */
export class PermissionDeniedError extends ApiError {
  static override readonly reason = 'permission-denied'
}

/** No answer: connection refused or reset, DNS failure, timeout, or the body was cut off. */
export class NetworkError extends ApiError {
  static override readonly reason = 'network'
  constructor(message: string, init: Omit<ApiErrorInit, 'code' | 'httpStatus'> & { httpStatus?: number }) {
    super(message, { ...init, code: GrpcCode.UNAVAILABLE, httpStatus: init.httpStatus ?? 0 })
  }
}

/** The server answered, but not with the JSON shape the message API defines. */
export class ResponseFormatError extends ApiError {
  static override readonly reason: ApiErrorReason = 'malformed-response'
  constructor(message: string, init: Omit<ApiErrorInit, 'code'>) {
    super(message, { ...init, code: GrpcCode.UNKNOWN })
  }
}

/** The answer was larger than the caller allowed; the read stopped there (ask for fewer rows). */
export class ResponseTooLargeError extends ResponseFormatError {
  static override readonly reason = 'response-too-large'
  readonly maxBytes: number
  constructor(method: string, maxBytes: number) {
    super(`${method} failed: the node's answer exceeds ${maxBytes} bytes`, { method, httpStatus: 200 })
    this.maxBytes = maxBytes
  }
}

export type EnvelopeStreamErrorReason = 'closed' // updateTopics / reconnect on a stream already closed

/** A call on an envelope stream that its state does not allow. */
export class EnvelopeStreamError extends ReasonError<EnvelopeStreamErrorReason> {}

// grpc-gateway's HTTP status for each code (§12.5), used when a body carries no code.
const HTTP_TO_CODE: Record<number, number> = {
  400: GrpcCode.INVALID_ARGUMENT,
  401: GrpcCode.UNAUTHENTICATED,
  403: GrpcCode.PERMISSION_DENIED,
  404: GrpcCode.NOT_FOUND,
  409: GrpcCode.ABORTED,
  429: GrpcCode.RESOURCE_EXHAUSTED,
  499: GrpcCode.CANCELLED,
  500: GrpcCode.INTERNAL,
  501: GrpcCode.UNIMPLEMENTED,
  503: GrpcCode.UNAVAILABLE,
  504: GrpcCode.DEADLINE_EXCEEDED,
}

export function codeForHttpStatus(status: number): number {
  return HTTP_TO_CODE[status] ?? (status >= 500 ? GrpcCode.UNAVAILABLE : GrpcCode.UNKNOWN)
}

const MAX_SERVER_TEXT = 300

/** Removes `secret` (when given) from server-supplied text and bounds its length. */
export function redact(text: string, secret?: string): string {
  let out = secret && secret.length >= 8 ? text.split(secret).join('[redacted]') : text
  // Anything shaped like a bearer credential is dropped too, whoever's it is.
  out = out.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]')
  return out.length > MAX_SERVER_TEXT ? out.slice(0, MAX_SERVER_TEXT) + '…' : out
}

/**
 * The typed error for an error answer: the class follows the gRPC code from the body
 * (or the HTTP status when the body has none).
 */
export function apiErrorFor(init: ApiErrorInit & { serverMessage: string; retryAfterMs?: number }): ApiError {
  const text = `${init.method ?? 'request'} failed: ${init.serverMessage || `HTTP ${init.httpStatus}`} (code ${init.code}, HTTP ${init.httpStatus})`
  // RESOURCE_EXHAUSTED is also how a node refuses an oversized body (HTTP 413): that is
  // the request's fault, not a rate limit, and waiting would not help.
  if (init.code === GrpcCode.RESOURCE_EXHAUSTED && init.httpStatus === 413) return new ApiError(text, init)
  switch (init.code) {
    case GrpcCode.RESOURCE_EXHAUSTED:
      return new RateLimitedError(text, init)
    case GrpcCode.UNAUTHENTICATED:
      return new UnauthenticatedError(text, init)
    case GrpcCode.INVALID_ARGUMENT:
      return new InvalidRequestError(text, init)
    case GrpcCode.PERMISSION_DENIED:
      return new PermissionDeniedError(text, init)
    default:
      return new ApiError(text, init)
  }
}
