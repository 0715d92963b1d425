// Errors a store raises that the API answers specially.

import { ApiError, GrpcCode } from '../errors.ts'

/**
 * The database cannot be reached (connection refused or lost, server shutting down). An
 * ApiError with UNAVAILABLE, so the client gets HTTP 503 and knows to retry; nothing it sent
 * in that request was acknowledged.
 */
export class StoreUnavailableError extends ApiError {
  constructor(reason: string) {
    super(GrpcCode.UNAVAILABLE, `the message store is unavailable (${reason}); retry shortly`, { headers: { 'Retry-After': '1' } })
    this.name = 'StoreUnavailableError'
  }
}

/** The database holds a schema newer than this node knows: refusing beats guessing. */
export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(
      `the database schema is at version ${found}, newer than this node knows (${known}); ` +
        'a newer Parley node migrated it: run that version, or restore a backup taken before the upgrade',
    )
    this.name = 'SchemaTooNewError'
  }
}
