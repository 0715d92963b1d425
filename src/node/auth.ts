// Publish authorization (spec §12.6, §13.2): a bearer token names the wallet, and the wallet
// may publish to every topic except other wallets' contact and privatestore topics.
// Token cryptography lives in src/protocol/auth; this module only applies it.

import type { Envelope } from '../protocol/api/wire.ts'
import { ApiError, GrpcCode } from './errors.ts'
import { restrictedTopicOwner } from './topics.ts'

/** Returns the token's EIP-55 wallet address or throws (expired, forged, garbage). */
export type TokenVerifier = (token: string, nowNs: bigint) => string | Promise<string>

function unauthenticated(message: string): ApiError {
  // grpc-gateway copies the message of an Unauthenticated status into WWW-Authenticate.
  return new ApiError(GrpcCode.UNAUTHENTICATED, message, { headers: { 'WWW-Authenticate': headerSafe(message) } })
}

const headerSafe = (text: string) => text.replace(/[^\x20-\x7e]/g, '?')

/** The wallet behind an `Authorization` header, or an UNAUTHENTICATED ApiError. */
export async function authenticate(header: string | undefined, verify: TokenVerifier, nowNs: bigint): Promise<string> {
  if (header === undefined || header === '') throw unauthenticated('authorization token required: send Authorization: Bearer <token>')
  const space = header.indexOf(' ')
  const scheme = space < 0 ? header : header.slice(0, space)
  const token = space < 0 ? '' : header.slice(space + 1)
  if (scheme !== 'Bearer') throw unauthenticated('authorization scheme must be Bearer')
  if (token === '') throw unauthenticated('authorization token is empty')
  try {
    return await verify(token, nowNs)
  } catch (err) {
    // src/protocol/auth words its errors as node-go does ("validating token: …"); keep them.
    const reason = err instanceof Error ? err.message : String(err)
    throw unauthenticated(/^(validating|extracting) token/.test(reason) ? reason : `validating token: ${reason}`)
  }
}

/** PERMISSION_DENIED when an envelope goes to another wallet's contact or privatestore topic. */
export function authorizeTopics(wallet: string, envelopes: readonly Envelope[]): void {
  for (const envelope of envelopes) {
    const owner = restrictedTopicOwner(envelope.contentTopic)
    if (owner !== undefined && owner !== wallet) throw new ApiError(GrpcCode.PERMISSION_DENIED, 'publishing to restricted topic')
  }
}
