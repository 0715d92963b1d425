// gRPC status codes and the HTTP statuses the grpc-gateway maps them to (spec §12.5).
// Every error the node answers with is an ApiError, written as `{code, message, details}`.

import { GrpcCode } from '../wire/message-api.ts'

export { GrpcCode }

/** grpc-gateway v2 `HTTPStatusFromCode`. */
const HTTP_STATUS: Record<GrpcCode, number> = {
  0: 200,
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
}

export function httpStatusFor(code: GrpcCode): number {
  return HTTP_STATUS[code]
}

export class ApiError extends Error {
  readonly code: GrpcCode
  /** HTTP status; defaults to the gateway's mapping of `code`. */
  readonly status: number
  /** Extra response headers (WWW-Authenticate, Retry-After). */
  readonly headers: Record<string, string>

  constructor(code: GrpcCode, message: string, options: { status?: number; headers?: Record<string, string> } = {}) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = options.status ?? httpStatusFor(code)
    this.headers = options.headers ?? {}
  }

  toJson(): { code: number; message: string; details: unknown[] } {
    return { code: this.code, message: this.message, details: [] }
  }
}

export const invalidArgument = (message: string) => new ApiError(GrpcCode.INVALID_ARGUMENT, message)
