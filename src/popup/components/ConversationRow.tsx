import type { ConversationView } from '../../extension/views.ts'
import { useAppState, useServices } from '../context.ts'
import { sameAddress, shortAddress } from '../lib/address.ts'
import { viaLabel } from '../lib/site-scopes.ts'
import { relativeTime } from '../lib/time.ts'
import { routeHref } from '../router.ts'
import { Avatar } from './Avatar.tsx'
import { CopyButton } from './CopyButton.tsx'

/** One conversation in the list: a link named by the peer's address, preview described. */
export function ConversationRow({ conversation, selected, preview }: { conversation: ConversationView; selected?: boolean; preview?: string }) {
  const { now } = useServices()
  const me = useAppState((s) => s.wallet?.accounts.find((a) => a.id === s.wallet?.activeAccountId)?.address ?? '')
  const c = conversation
  const last = c.lastMessage
  const unread = c.unreadCount > 0
  const previewId = `preview-${c.topic.replace(/[^A-Za-z0-9]/g, '')}`
  const site = viaLabel(c)
  const text = preview ?? (last ? (sameAddress(last.senderAddress, me) ? `You: ${last.text}` : last.text) : 'No messages yet')
  return (
    <li class={`conversation-row${unread ? ' unread' : ''}${selected ? ' selected' : ''}`}>
      <a
        class="row-link"
        href={routeHref({ name: 'conversation', topic: c.topic })}
        aria-label={site ? `${c.peerAddress} via ${site}` : c.peerAddress}
        aria-describedby={previewId}
        aria-current={selected ? 'page' : undefined}
        data-peer={c.peerAddress}
      >
        <Avatar address={c.peerAddress} />
        <span class="row-main">
          <span class="row-top">
            <span class="row-name mono">{shortAddress(c.peerAddress)}</span>
            {last && <time class="row-time">{relativeTime(last.sentAt, now())}</time>}
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
      </a>
      <span class="row-copy">
        <CopyButton text={c.peerAddress} label={`Copy address ${c.peerAddress}`} />
      </span>
    </li>
  )
}
