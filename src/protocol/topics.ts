// Content topic builders and checks (spec §1). Every address is normalised to
// EIP-55 first: the node compares contact/privatestore owners case-sensitively.
import { toChecksumAddress } from './crypto/ethereum.ts'
import { randomBytes } from './crypto/random.ts'
import { toBase64 } from './utils/bytes.ts'

const PREFIX = '/xmtp/0/'
const SUFFIX = '/proto'

export type TopicCategory =
  | 'contact'
  | 'privatestore'
  | 'intro'
  | 'dm'
  | 'dmE'
  | 'invite'
  | 'groupInvite'
  | 'm'
  | 'mE'
  | 'userpreferences'
  | 'invalid'

const CATEGORIES = new Set<TopicCategory>(['contact', 'privatestore', 'intro', 'dm', 'dmE', 'invite', 'groupInvite', 'm', 'mE', 'userpreferences'])

/** `/xmtp/0/<name>/proto`. */
export function buildContentTopic(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('topic name must be a non-empty string')
  return `${PREFIX}${name}${SUFFIX}`
}

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

/** The ephemeral twin of a dm or m topic (dm- → dmE-, m- → mE-); other topics are returned unchanged. */
export function toEphemeralTopic(topic: string): string {
  if (typeof topic !== 'string') throw new TypeError('topic must be a string')
  if (topic.startsWith(`${PREFIX}dm-`)) return `${PREFIX}dmE-${topic.slice(PREFIX.length + 3)}`
  if (topic.startsWith(`${PREFIX}m-`)) return `${PREFIX}mE-${topic.slice(PREFIX.length + 2)}`
  return topic
}

/** The node's category: text between `/xmtp/0/` and the first '-' (anything unknown is 'invalid'). */
export function topicCategory(topic: string): TopicCategory {
  if (typeof topic !== 'string' || !topic.startsWith(PREFIX)) return 'invalid'
  const rest = topic.slice(PREFIX.length)
  const dash = rest.indexOf('-')
  if (dash < 0) return 'invalid'
  const category = rest.slice(0, dash) as TopicCategory
  return CATEGORIES.has(category) ? category : 'invalid'
}

export function isEphemeralTopic(topic: string): boolean {
  const category = topicCategory(topic)
  return category === 'dmE' || category === 'mE'
}

/**
 * xmtp-js `isValidTopic`: the text after the first `0/` and before the last
 * `/proto` must be non-empty printable ASCII (0x21–0x7F). Used to drop invites
 * carrying junk topics. (We also require both markers to be present.)
 */
export function isValidTopic(topic: unknown): boolean {
  if (typeof topic !== 'string') return false
  const start = topic.indexOf('0/')
  const end = topic.lastIndexOf(SUFFIX)
  if (start < 0 || end < start + 2) return false
  return /^[\x21-\x7f]+$/.test(topic.slice(start + 2, end))
}
