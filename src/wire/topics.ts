// Topic grammar shared by the node and the client library (spec §1): every content topic is
// `/xmtp/0/<category>-<rest>/proto`, and the node's rules (who may write, what is ephemeral,
// what retention prunes) key on the category. Builders that need addresses or randomness live
// in src/protocol/topics.ts.

export const TOPIC_PREFIX = '/xmtp/0/'
export const TOPIC_SUFFIX = '/proto'

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
  return `${TOPIC_PREFIX}${name}${TOPIC_SUFFIX}`
}

/** The ephemeral twin of a dm or m topic (dm- → dmE-, m- → mE-); other topics are returned unchanged. */
export function toEphemeralTopic(topic: string): string {
  if (typeof topic !== 'string') throw new TypeError('topic must be a string')
  if (topic.startsWith(`${TOPIC_PREFIX}dm-`)) return `${TOPIC_PREFIX}dmE-${topic.slice(TOPIC_PREFIX.length + 3)}`
  if (topic.startsWith(`${TOPIC_PREFIX}m-`)) return `${TOPIC_PREFIX}mE-${topic.slice(TOPIC_PREFIX.length + 2)}`
  return topic
}

/** The node's category: text between `/xmtp/0/` and the first '-' (anything unknown is 'invalid'). */
export function topicCategory(topic: string): TopicCategory {
  if (typeof topic !== 'string' || !topic.startsWith(TOPIC_PREFIX)) return 'invalid'
  const rest = topic.slice(TOPIC_PREFIX.length)
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
  const end = topic.lastIndexOf(TOPIC_SUFFIX)
  if (start < 0 || end < start + 2) return false
  return /^[\x21-\x7f]+$/.test(topic.slice(start + 2, end))
}
