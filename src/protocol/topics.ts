// Content topic builders and checks (spec §1). Every address is normalised to
// EIP-55 first: the node compares contact/privatestore owners case-sensitively.
import { toChecksumAddress } from './crypto/ethereum.ts'
import { randomBytes } from './crypto/random.ts'
import { toBase64 } from '../wire/bytes.ts'
import { buildContentTopic } from '../wire/topics.ts'

export { buildContentTopic, isEphemeralTopic, isValidTopic, toEphemeralTopic, topicCategory, type TopicCategory } from '../wire/topics.ts'

export function contactTopic(address: string): string {
  return buildContentTopic(`contact-${toChecksumAddress(address)}`)
}

/** Note the extra `/key_bundle` segment. */
export function privateStoreTopic(address: string): string {
  return buildContentTopic(`privatestore-${toChecksumAddress(address)}/key_bundle`)
}

/** The per-account V1 intro topic. */
export function introTopic(address: string): string {
  return buildContentTopic(`intro-${toChecksumAddress(address)}`)
}

/** V1 conversation topic: the two EIP-55 addresses in JavaScript default (code-unit) order. */
export function dmTopic(addressA: string, addressB: string): string {
  const members = [toChecksumAddress(addressA), toChecksumAddress(addressB)].sort()
  return buildContentTopic(`dm-${members.join('-')}`)
}

export function inviteTopic(address: string): string {
  return buildContentTopic(`invite-${toChecksumAddress(address)}`)
}

const SUFFIX_RE = /^[\x21-\x7e]+$/

/** V2 conversation topic from its suffix (64 lowercase hex, or an old random base64-ish suffix). */
export function conversationTopic(suffix: string): string {
  if (typeof suffix !== 'string' || !SUFFIX_RE.test(suffix) || suffix.includes('/')) throw new TypeError('suffix must be printable ASCII without "/"')
  return buildContentTopic(`m-${suffix}`)
}

/** Old-style random V2 suffix (xmtp-js 7–9): base64 of 32 random bytes, no '=', '/' → '-'. */
export function randomConversationSuffix(): string {
  return toBase64(randomBytes(32)).replace(/=+$/, '').replace(/\//g, '-')
}

/** Private preferences topic for an identifier (base64url, §11). */
export function userPreferencesTopic(identifier: string): string {
  if (typeof identifier !== 'string' || !/^[A-Za-z0-9_-]+$/.test(identifier)) throw new TypeError('identifier must be base64url without padding')
  return buildContentTopic(`userpreferences-${identifier}`)
}

