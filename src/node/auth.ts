// Publish authorization (spec §12.6, §13.2): a bearer token names the wallet, and the wallet
// may publish to every topic except other wallets' contact and privatestore topics.
// Token cryptography lives in src/protocol/auth; this module only applies it.

import Long from 'long'
import { xmtp } from '../gen/proto.js'
import type { Envelope } from '../wire/message-api.ts'
import { AUTH_TOKEN_MAX_AGE_NS } from '../protocol/auth/index.ts'
import { fromBase64 } from '../wire/bytes.ts'
import { ApiError, GrpcCode, invalidArgument } from './errors.ts'
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

/** How much earlier than its token an owner-only envelope may be timestamped (clock skew). */
export const PROOF_CLOCK_SKEW_NS = 10n * 60n * 1_000_000_000n

/** AuthData.created_ns of a "Bearer <token>" value, undefined if unreadable (signatures are checked elsewhere). */
export function tokenCreatedNs(authorization: string): bigint | undefined {
  try {
    const token = xmtp.message_api.v1.Token.decode(fromBase64(authorization.slice(authorization.indexOf(' ') + 1), 'token'))
    const authData = xmtp.message_api.v1.AuthData.decode(token.authDataBytes)
    return BigInt(Long.fromValue(authData.createdNs ?? 0).toUnsigned().toString())
  } catch {
    return undefined
  }
}

/**
 * Why a token cannot prove an owner-only envelope written (sender time) at `writtenNs`, or
 * undefined: the write must fall in the token's lifetime. Peers check an owner-only envelope
 * that reaches them later this way (p2p/validate.ts), so the node refuses at publish what its
 * peers would refuse.
 */
export function writtenOutsideToken(authorization: string, writtenNs: bigint): string | undefined {
  const created = tokenCreatedNs(authorization)
  if (created === undefined) return 'token has no creation time'
  if (writtenNs + PROOF_CLOCK_SKEW_NS < created) return 'token created after the envelope was written'
  if (writtenNs - created > AUTH_TOKEN_MAX_AGE_NS) return 'token expired before the envelope was written'
  return undefined
}

/** INVALID_ARGUMENT when an owner-only envelope's sender time lies outside its token's lifetime. */
export function checkOwnerWriteTimes(authorization: string | undefined, envelopes: readonly Envelope[]): void {
  if (authorization === undefined) return
  envelopes.forEach((e, i) => {
    if (restrictedTopicOwner(e.contentTopic) === undefined) return
    const why = writtenOutsideToken(authorization, e.timestampNs)
    if (why) throw invalidArgument(`envelopes[${i}].timestampNs: ${why}; an owner-only envelope is timestamped within its token's hour`)
  })
}
