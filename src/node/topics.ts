// What the node needs to know about content topics (spec §1, §13.1, §13.2).

import { isEphemeralTopic, topicCategory } from '../wire/topics.ts'

const XMTP_PREFIX = '/xmtp/0/'

// Categories and ephemerality are the protocol library's (one definition for client and node).
export { isEphemeralTopic }

/** subscribe-all delivers every envelope under `/xmtp/0/` (spec §13.6). */
export function isXmtpTopic(topic: string): boolean {
  return topic.startsWith(XMTP_PREFIX)
}

/**
 * The wallet a restricted topic belongs to, or undefined when anyone may publish.
 * As node-go does it: the 4th `/`-segment (`contact-0xAbC…`, `privatestore-0xAbC…`) split on
 * `-`; for `contact` and `privatestore` the second part is the owner (compared exactly, so the
 * EIP-55 case matters).
 */
export function restrictedTopicOwner(topic: string): string | undefined {
  if (!topic.startsWith(XMTP_PREFIX)) return undefined
  const segment = topic.split('/')[3] ?? ''
  const parts = segment.split('-')
  if (parts[0] !== 'contact' && parts[0] !== 'privatestore') return undefined
  return parts[1] ?? ''
}

/** The userpreferences exception to the 100-row page limit (spec §13.4). */
export function isUserPreferencesTopic(topic: string): boolean {
  return topic.startsWith('userpreferences-') || topicCategory(topic) === 'userpreferences'
}
