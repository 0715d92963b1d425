// Private preferences (§11, §2.8, §4.3, §4.4): the consent actions a user publishes to a
// topic only their identity key can name and read.
//   topic id  = base64url-no-pad(SHA-256(HKDF(identity private key, salt "XMTP_PRIVATE_PREFERENCES_TOPIC")))
//   key       = HKDF(identity private key, salt "XMTP_PRIVATE_PREFERENCES_ENCRYPTION", empty info, 32)
//   payload   = PrivatePreferencesPayload{ v1: Encrypt(PrivatePreferencesAction, key, AAD = identity public key) }
// The identity key is the V1 identity key (the one xmtp-js's keystore calls v1Keys.identityKey).
import { xmtp } from '../../gen/proto.js'
import { decrypt, encrypt } from '../crypto/ciphertext.ts'
import { CiphertextFormatError, DecryptionError } from '../crypto/errors.ts'
import { hkdfSha256, sha256 } from '../crypto/hashes.ts'
import { zeroize } from '../crypto/random.ts'
import { getPublicKey } from '../crypto/secp256k1.ts'
import { toBase64, utf8 } from '../../wire/bytes.ts'
import { MalformedPreferencesError, PreferencesDecryptionError } from './errors.ts'

const TOPIC_SALT = utf8('XMTP_PRIVATE_PREFERENCES_TOPIC')
const ENCRYPTION_SALT = utf8('XMTP_PRIVATE_PREFERENCES_ENCRYPTION')
const EMPTY = new Uint8Array(0)

const ActionProto = xmtp.message_contents.PrivatePreferencesAction
const PayloadProto = xmtp.message_contents.PrivatePreferencesPayload

export type ConsentState = 'allowed' | 'denied' | 'unknown'
export type ConsentEntryType = 'address' | 'groupId' | 'inboxId'

/** One published preference change: allow or deny some addresses, group ids or inbox ids. */
export interface PreferencesAction {
  permission: 'allow' | 'deny'
  entryType: ConsentEntryType
  values: string[]
}

function checkPrivateKey(identityPrivateKey: unknown): Uint8Array {
  if (!(identityPrivateKey instanceof Uint8Array)) throw new TypeError('identityPrivateKey must be a Uint8Array')
  if (identityPrivateKey.length !== 32) throw new RangeError('identityPrivateKey must be 32 bytes')
  return identityPrivateKey
}

function base64UrlNoPad(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** The private-preferences topic identifier for an identity key (§15.4 vector). */
export function preferencesTopicIdentifier(identityPrivateKey: Uint8Array): string {
  const key = hkdfSha256(checkPrivateKey(identityPrivateKey), TOPIC_SALT, EMPTY, 32)
  try {
    return base64UrlNoPad(sha256(key))
  } finally {
    zeroize(key)
  }
}

/** `/xmtp/0/userpreferences-<identifier>/proto` for an identifier. */
export function buildPreferencesTopic(identifier: string): string {
  if (typeof identifier !== 'string' || !/^[A-Za-z0-9_-]+$/.test(identifier)) {
    throw new TypeError('identifier must be a non-empty base64url string')
  }
  return `/xmtp/0/userpreferences-${identifier}/proto`
}

/** The private-preferences content topic of an identity key. */
export function preferencesTopic(identityPrivateKey: Uint8Array): string {
  return buildPreferencesTopic(preferencesTopicIdentifier(identityPrivateKey))
}

function checkAction(action: PreferencesAction): PreferencesAction {
  if (typeof action !== 'object' || action === null) throw new TypeError('action must be an object')
  if (action.permission !== 'allow' && action.permission !== 'deny') throw new TypeError('action.permission must be "allow" or "deny"')
  if (action.entryType !== 'address' && action.entryType !== 'groupId' && action.entryType !== 'inboxId') {
    throw new TypeError('action.entryType must be "address", "groupId" or "inboxId"')
  }
  if (!Array.isArray(action.values) || action.values.length === 0) throw new TypeError('action.values must be a non-empty array')
  for (const value of action.values) {
    if (typeof value !== 'string' || value.length === 0) throw new TypeError('action.values must hold non-empty strings')
  }
  return action
}

/** Encodes an action as a `PrivatePreferencesAction` protobuf (addresses kept as given). */
export function encodePreferencesAction(action: PreferencesAction): Uint8Array {
  const { permission, entryType, values } = checkAction(action)
  const list = [...values]
  let message: xmtp.message_contents.PrivatePreferencesAction.$Properties
  if (entryType === 'address') {
    message = permission === 'allow' ? { allowAddress: { walletAddresses: list } } : { denyAddress: { walletAddresses: list } }
  } else if (entryType === 'groupId') {
    message = permission === 'allow' ? { allowGroup: { groupIds: list } } : { denyGroup: { groupIds: list } }
  } else {
    message = permission === 'allow' ? { allowInboxId: { inboxIds: list } } : { denyInboxId: { inboxIds: list } }
  }
  return ActionProto.encode(message).finish()
}

/** Decodes a `PrivatePreferencesAction`; throws MalformedPreferencesError when unusable. */
export function decodePreferencesAction(bytes: Uint8Array): PreferencesAction {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
  let decoded: xmtp.message_contents.PrivatePreferencesAction
  try {
    decoded = ActionProto.decode(bytes)
  } catch (error) {
    throw new MalformedPreferencesError('not a valid PrivatePreferencesAction message', { cause: error })
  }
  switch (decoded.messageType) {
    case 'allowAddress':
      return { permission: 'allow', entryType: 'address', values: [...(decoded.allowAddress?.walletAddresses ?? [])] }
    case 'denyAddress':
      return { permission: 'deny', entryType: 'address', values: [...(decoded.denyAddress?.walletAddresses ?? [])] }
    case 'allowGroup':
      return { permission: 'allow', entryType: 'groupId', values: [...(decoded.allowGroup?.groupIds ?? [])] }
    case 'denyGroup':
      return { permission: 'deny', entryType: 'groupId', values: [...(decoded.denyGroup?.groupIds ?? [])] }
    case 'allowInboxId':
      return { permission: 'allow', entryType: 'inboxId', values: [...(decoded.allowInboxId?.inboxIds ?? [])] }
    case 'denyInboxId':
      return { permission: 'deny', entryType: 'inboxId', values: [...(decoded.denyInboxId?.inboxIds ?? [])] }
    default:
      throw new MalformedPreferencesError('PrivatePreferencesAction carries no known action')
  }
}

function encryptionKey(identityPrivateKey: Uint8Array): Uint8Array {
  return hkdfSha256(identityPrivateKey, ENCRYPTION_SALT, EMPTY, 32)
}

/**
 * Encrypts an action for the user's own preferences topic; returns the encoded
 * `PrivatePreferencesPayload` (the envelope message).
 */
export async function encryptPreferencesAction(action: PreferencesAction, identityPrivateKey: Uint8Array): Promise<Uint8Array> {
  checkPrivateKey(identityPrivateKey)
  const plaintext = encodePreferencesAction(action)
  const aad = getPublicKey(identityPrivateKey)
  const key = encryptionKey(identityPrivateKey)
  try {
    const ciphertext = await encrypt(plaintext, key, aad)
    return PayloadProto.encode({ v1: ciphertext }).finish()
  } finally {
    zeroize(key)
  }
}

/**
 * Decrypts an envelope message from the preferences topic. Throws MalformedPreferencesError
 * for bytes that are not a v1 payload and PreferencesDecryptionError when it does not
 * authenticate under this identity (wrong key or tampering).
 */
export async function decryptPreferencesAction(payload: Uint8Array, identityPrivateKey: Uint8Array): Promise<PreferencesAction> {
  if (!(payload instanceof Uint8Array)) throw new TypeError('payload must be a Uint8Array')
  checkPrivateKey(identityPrivateKey)
  let decoded: xmtp.message_contents.PrivatePreferencesPayload
  try {
    decoded = PayloadProto.decode(payload)
  } catch (error) {
    throw new MalformedPreferencesError('not a valid PrivatePreferencesPayload message', { cause: error })
  }
  if (decoded.version !== 'v1' || !decoded.v1) throw new MalformedPreferencesError('PrivatePreferencesPayload has no v1 ciphertext')
  const aad = getPublicKey(identityPrivateKey)
  const key = encryptionKey(identityPrivateKey)
  let plaintext: Uint8Array
  try {
    plaintext = await decrypt(decoded.v1, key, aad)
  } catch (error) {
    if (error instanceof CiphertextFormatError) {
      throw new MalformedPreferencesError('preferences ciphertext is malformed', { cause: error })
    }
    if (error instanceof DecryptionError) {
      throw new PreferencesDecryptionError('preferences payload does not decrypt under this identity key', { cause: error })
    }
    throw error
  } finally {
    zeroize(key)
  }
  return decodePreferencesAction(plaintext)
}
