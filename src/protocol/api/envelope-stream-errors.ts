// How an envelope stream judges a failed connection: which failures are worth a reconnect,
// and the typed error a bad stream line becomes (envelope-stream.ts).
import { ApiError, GrpcCode, InvalidRequestError, PermissionDeniedError, ResponseFormatError, UnauthenticatedError, apiErrorFor, redact } from './errors.ts'
import { WireFormatError, parseErrorBody } from '../../wire/message-api.ts'

/**
 * Whether a failed connection is worth another try: anything that went wrong on the
 * way or mid-stream, but not an answer that says the request itself is wrong.
 */
export function shouldReconnect(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false
  if (error instanceof InvalidRequestError || error instanceof PermissionDeniedError || error instanceof UnauthenticatedError) return false
  return error.code !== GrpcCode.UNIMPLEMENTED && error.code !== GrpcCode.NOT_FOUND
}

/** A malformed line is a ResponseFormatError; an `{"error": …}` line becomes the typed error it names. */
export function streamLineError(line: string, error: unknown): ApiError {
  if (error instanceof WireFormatError && error.path === 'stream') {
    let body: ReturnType<typeof parseErrorBody>
    try {
      body = parseErrorBody((JSON.parse(line) as { error?: unknown }).error)
    } catch {
      body = undefined
    }
    return apiErrorFor({
      method: 'subscribe',
      httpStatus: 200,
      code: body?.code ?? GrpcCode.UNKNOWN,
      serverMessage: redact(body?.message ?? ''),
      details: body?.details ?? [],
    })
  }
  return new ResponseFormatError(`subscribe failed: malformed stream line (${error instanceof Error ? error.message : 'unparseable'})`, {
    method: 'subscribe',
    httpStatus: 200,
    cause: error,
  })
}
