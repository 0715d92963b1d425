// The publish authentication token (spec §12.6): base64(Token{identity_key
// (legacy, with its wallet signature), auth_data_bytes = AuthData{wallet_addr,
// created_ns}, auth_data_signature = identity key's ecdsa_compact over
// keccak256(auth_data_bytes)}). Creation for clients, validation for the node.
import Long from 'long'
import { xmtp } from '../../gen/proto.js'
import { keccak256 } from '../crypto/hashes.ts'
import { isAddress, toChecksumAddress } from '../crypto/ethereum.ts'
import { getPublicKey, signDigest, verifyDigest } from '../crypto/secp256k1.ts'
import { equalBytes, fromBase64, toBase64 } from '../../wire/bytes.ts'
import {
  legacyIdentityKeyAddress,
  legacyPublicKeyPoint,
  signatureFromProto,
  signatureToProto,
  type LegacyPublicKey,
} from '../keys/public-keys.ts'
import { KeyBundleError } from '../keys/errors.ts'
import { ReasonError } from '../utils/errors.ts'

const api = xmtp.message_api.v1

/** How long the node accepts a token after AuthData.created_ns (§12.6 step 5). */
export const AUTH_TOKEN_MAX_AGE_NS = 3_600_000_000_000n
/** xmtp-js refreshes its cached token after 1 h − 10 s. */
export const AUTH_TOKEN_CLIENT_TTL_MS = 3_590_000

export type AuthTokenErrorReason = 'missing' | 'malformed' | 'bad-signature' | 'wallet-mismatch' | 'expired'

/** A token failed node validation. `message` mirrors xmtp-node-go's wording (e.g. "validating token: wallet address mismatch"). */
export class AuthTokenError extends ReasonError<AuthTokenErrorReason> {}

export interface CreateAuthTokenInput {
  /** The identity key's 32-byte private scalar. */
  identityPrivateKey: Uint8Array
  /** The identity key in legacy form, including its wallet signature. */
  identityPublicKey: LegacyPublicKey
  /** The wallet that signed the identity key (normalised to EIP-55 here). */
  walletAddress: string
  /** AuthData.created_ns; defaults to now. */
  createdNs?: bigint
}

/** Builds the Bearer token value (standard padded base64 of an encoded Token). */
export function createAuthToken(input: CreateAuthTokenInput): string {
  if (input === null || typeof input !== 'object') throw new TypeError('input must be an object')
  const { identityPrivateKey, identityPublicKey, walletAddress } = input
  if (!isAddress(walletAddress)) throw new TypeError('walletAddress must be an Ethereum address')
  const createdNs = input.createdNs ?? BigInt(Date.now()) * 1_000_000n
  if (typeof createdNs !== 'bigint' || createdNs < 0n || createdNs >= 1n << 64n) throw new RangeError('createdNs must be a uint64 bigint')
  const point = legacyPublicKeyPoint(identityPublicKey, 'identityPublicKey')
  if (!equalBytes(getPublicKey(identityPrivateKey), point)) throw new RangeError('identityPrivateKey does not match identityPublicKey')
  // Fail early (at the client) if the token would never verify at the node.
  signatureFromProto(identityPublicKey.signature, ['ecdsaCompact', 'walletEcdsaCompact'], 'identity key wallet signature')
  const authDataBytes = api.AuthData.encode({
    walletAddr: toChecksumAddress(walletAddress),
    createdNs: Long.fromString(createdNs.toString(), true),
  }).finish()
  const signature = signDigest(keccak256(authDataBytes), identityPrivateKey)
  const token = api.Token.encode({
    identityKey: identityPublicKey,
    authDataBytes,
    authDataSignature: signatureToProto(signature, 'ecdsaCompact'),
  }).finish()
  return toBase64(token)
}

/** Extracts the token from an `Authorization` header value (§12.6 step 1: "Bearer <token>"). */
export function tokenFromAuthorizationHeader(header: string | null | undefined): string {
  if (header === null || header === undefined || header === '') throw new AuthTokenError('missing', 'authorization token is not provided')
  if (typeof header !== 'string') throw new TypeError('header must be a string')
  const space = header.indexOf(' ')
  if (space < 0 || header.slice(0, space) !== 'Bearer') throw new AuthTokenError('malformed', 'extracting token: authorization header is not a Bearer token')
  return header.slice(space + 1)
}

export interface VerifiedAuthToken {
  walletAddress: string
  createdNs: bigint
  identityKey: LegacyPublicKey
}

/**
 * The node's validation (§12.6 steps 1–5, in order) with full details.
 * Throws AuthTokenError; returns the EIP-55 wallet the token speaks for.
 */
export function verifyAuthTokenDetailed(token: string, nowNs: bigint): VerifiedAuthToken {
  if (typeof token !== 'string') throw new TypeError('token must be a string')
  if (typeof nowNs !== 'bigint') throw new TypeError('nowNs must be a bigint')
  // 1. decode
  let decoded: xmtp.message_api.v1.Token
  try {
    decoded = api.Token.decode(fromBase64(token, 'token'))
  } catch (cause) {
    throw new AuthTokenError('malformed', 'extracting token: token is not base64 protobuf', { cause })
  }
  const identityKey = decoded.identityKey
  if (!identityKey) throw new AuthTokenError('malformed', 'validating token: missing identity key')
  if (!identityKey.signature) throw new AuthTokenError('malformed', 'validating token: missing identity key signature')
  // 2. wallet that authorised the identity key (either arm; recovery 0/1)
  let wallet: string
  let point: Uint8Array
  try {
    point = legacyPublicKeyPoint(identityKey, 'identity key')
    wallet = legacyIdentityKeyAddress(identityKey)
  } catch (cause) {
    const detail = cause instanceof KeyBundleError ? cause.message : 'invalid identity key'
    throw new AuthTokenError('bad-signature', `validating token: ${detail}`, { cause })
  }
  // 3. auth data signature by the identity key over keccak256(auth_data_bytes)
  const authDataBytes = decoded.authDataBytes
  let signature
  try {
    signature = signatureFromProto(decoded.authDataSignature, ['ecdsaCompact'], 'auth data signature')
  } catch (cause) {
    throw new AuthTokenError('malformed', 'validating token: invalid auth data signature', { cause })
  }
  if (!verifyDigest(signature.bytes, keccak256(authDataBytes), point)) {
    throw new AuthTokenError('bad-signature', 'validating token: invalid auth data signature')
  }
  let authData: xmtp.message_api.v1.AuthData
  try {
    authData = api.AuthData.decode(authDataBytes)
  } catch (cause) {
    throw new AuthTokenError('malformed', 'validating token: malformed auth data', { cause })
  }
  // 4. exact (case-sensitive) wallet match
  if (authData.walletAddr !== wallet) throw new AuthTokenError('wallet-mismatch', 'validating token: wallet address mismatch')
  // 5. age ≤ 1 hour; future timestamps are not rejected (node-go behaviour)
  const createdNs = BigInt(Long.fromValue(authData.createdNs ?? 0).toUnsigned().toString())
  if (nowNs - createdNs > AUTH_TOKEN_MAX_AGE_NS) throw new AuthTokenError('expired', 'validating token: token expired')
  return { walletAddress: wallet, createdNs, identityKey }
}

/** Validates a token as the node does; returns the EIP-55 wallet or throws AuthTokenError. */
export function verifyAuthToken(token: string, nowNs: bigint): string {
  return verifyAuthTokenDetailed(token, nowNs).walletAddress
}
