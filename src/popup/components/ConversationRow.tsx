import type { ConversationView } from '../../extension/views.ts'
import { useAppState, useServices } from '../context.ts'
import { sameAddress, shortAddress } from '../lib/address.ts'
import { viaLabel } from '../lib/site-scopes.ts'
import { relativeTime } from '../lib/time.ts'
import { routeHref } from '../router.ts'
import { Avatar } from './Avatar.tsx'
import { CopyButton } from './CopyButton.tsx'

/**
 * One conversation in the list: a link named by the peer's address (plus what tells two
 * conversations with one peer apart, see accessibleName), its preview and time as the
 * description. What shows is a visual summary of those (the short address stands for the
 * whole one), so it is hidden from the accessibility tree rather than read twice.
 */
export function ConversationRow(props: { conversation: ConversationView; selected?: boolean; preview?: string; name?: string }) {
  const { conversation, selected, preview } = props
  const { now } = useServices()
  const me = useAppState((s) => s.wallet?.accounts.find((a) => a.id === s.wallet?.activeAccountId)?.address ?? '')
  const c = conversation
  const last = c.lastMessage
  const unread = c.unreadCount > 0
  const previewId = `preview-${c.topic.replace(/[^A-Za-z0-9]/g, '')}`
  const site = viaLabel(c)
  const text = preview ?? (last ? (sameAddress(last.senderAddress, me) ? `You: ${last.text}` : last.text) : 'No messages yet')
  const name = props.name ?? accessibleName(c)
  // The link holds only the name (its visible part is the short address): the row around it
  // is clickable through the link's ::after, and preview and time describe it.
  return (
    <li class={`conversation-row${unread ? ' unread' : ''}${selected ? ' selected' : ''}`}>
      <div class="row-card">
        <Avatar address={c.peerAddress} />
        <span class="row-main">
          <span class="row-top">
            <a
              class="row-link row-name mono"
              href={routeHref({ name: 'conversation', topic: c.topic })}
              aria-describedby={`${previewId}${last ? ` ${previewId}-time` : ''}`}
              aria-current={selected ? 'page' : undefined}
              data-peer={c.peerAddress}
            >
              <span aria-hidden="true">{shortAddress(c.peerAddress)}</span>
              <span class="visually-hidden">{name}</span>
            </a>
            {last && (
              <time class="row-time" id={`${previewId}-time`}>
                {relativeTime(last.sentAt, now())}
              </time>
            )}
          </span>
          {site && <span class="row-site muted small" data-testid="row-site">via {site}</span>}
          <span class="row-bottom">
            <span class="row-preview" id={previewId}>
              {text}
              {unread && <span class="visually-hidden">, {c.unreadCount} unread</span>}
            </span>
            {unread && (
              <span class="unread-badge" aria-hidden="true" data-testid="unread-badge">
                {c.unreadCount > 99 ? '99+' : c.unreadCount}
              </span>
            )}
          </span>
        </span>
      </div>
      <span class="row-copy">
        <CopyButton text={c.peerAddress} label={`Copy address ${c.peerAddress}`} />
      </span>
    </li>
  )
}

/**
 * The row's accessible name: the peer's address, and what sets this conversation apart from
 * another with the same peer: the site's conversation id, the XMTP version.
 */
export function accessibleName(c: ConversationView): string {
  // "via <conversationId>", as the row's site label says it (the id starts with the site's domain).
  const id = c.context?.conversationId.trim()
  const site = id ? ` via ${id.length > 80 ? `${id.slice(0, 79)}…` : id}` : ''
  return `${c.peerAddress}${site}${c.version === 'v1' ? ', XMTP v1' : ''}`
}

/** Names for a list: where two rows would still share one, each adds when it began. */
export function distinctNames(list: ConversationView[], dateOf: (ms: number) => string): Map<string, string> {
  const names = new Map(list.map((c) => [c.topic, accessibleName(c)]))
  const count = new Map<string, number>()
  for (const name of names.values()) count.set(name, (count.get(name) ?? 0) + 1)
  for (const c of list) {
    const name = names.get(c.topic) as string
    if ((count.get(name) ?? 0) > 1) names.set(c.topic, `${name}, started ${dateOf(c.createdAt)}`)
  }
  return names
}
