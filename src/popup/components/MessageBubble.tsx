// One message: its content, reply quote, reactions (toggle yours), delivery state, and the
// actions (react, reply, retry). Actions are real buttons, reachable with Tab.
import { useState } from 'preact/hooks'
import type { MessageContentView } from '../../extension/views.ts'
import { clockTime } from '../lib/time.ts'
import { summarize, type BubbleItem } from '../lib/thread.ts'
import { shortAddress } from '../lib/address.ts'
import { InlineAttachment, RemoteAttachment } from './Attachment.tsx'
import { Icon } from './Icon.tsx'

/** Longest text a bubble renders, whatever the cache holds (the background caps at 20,000). */
const MAX_SHOWN_CHARS = 20_000

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const

export interface BubbleActions {
  react(messageId: string, emoji: string, action: 'added' | 'removed'): void
  reply(item: BubbleItem): void
  retry(messageId: string): void
}

function Body({ content, topic, id }: { content: MessageContentView; topic: string; id: string }) {
  switch (content.type) {
    case 'text':
      return (
        <p class="text">
          {content.text.length > MAX_SHOWN_CHARS ? `${content.text.slice(0, MAX_SHOWN_CHARS)}…` : content.text}
          {(content.truncated || content.text.length > MAX_SHOWN_CHARS) && <span class="muted small"> (message shortened: too long to show)</span>}
        </p>
      )
    case 'reply':
      return <Body content={content.content} topic={topic} id={id} />
    case 'attachment':
      return <InlineAttachment file={content} />
    case 'remoteAttachment':
      return <RemoteAttachment topic={topic} id={id} content={content} />
    case 'unknown':
      if (content.reason === 'tooLarge') return <p class="text muted">This message is too large to show.</p>
      return <p class="text muted">{content.fallback ?? `A message of type ${content.contentType} that Parley cannot show yet.`}</p>
    default:
      return null
  }
}

export function MessageBubble({ item, first, last, actions }: { item: BubbleItem; first: boolean; last: boolean; actions: BubbleActions }) {
  const { message, mine } = item
  const [picking, setPicking] = useState(false)
  const quoted = message.content.type === 'reply'
  const classes = ['bubble-row', mine ? 'mine' : 'theirs', first ? 'first' : '', last ? 'last' : '', message.delivery].filter(Boolean).join(' ')
  return (
    <li class={classes} data-message-id={message.id} data-delivery={message.delivery}>
      <div class="bubble-wrap">
        <div class="bubble">
          {quoted && (
            <blockquote class="quote">
              {item.quoted && <span class="quote-who">{item.quotedMine ? 'You' : shortAddress(item.quoted.senderAddress)}</span>}
              <span class="quote-text">{item.quoted ? summarize(item.quoted.content) : 'Original message not loaded'}</span>
            </blockquote>
          )}
          <Body content={message.content} topic={message.topic} id={message.id} />
          {message.claimedSender && <p class="claim-note">Claims to be from you; V1 cannot prove it, so it is shown as theirs.</p>}
          <span class="bubble-meta">
            <time
              dateTime={new Date(message.sentAt).toISOString()}
              {...(message.claimedSentAt !== undefined ? { title: `Received at this time; the sender dated it ${new Date(message.claimedSentAt).toLocaleString()}` } : {})}
            >
              {clockTime(message.sentAt)}
            </time>
            {mine && <DeliveryMark item={item} />}
          </span>
        </div>
        <div class="bubble-actions">
          <button type="button" class="icon-button small" aria-label="React" aria-expanded={picking} onClick={() => setPicking((p) => !p)}>
            <Icon name="smile" size={15} />
          </button>
          <button type="button" class="icon-button small" aria-label="Reply" onClick={() => actions.reply(item)}>
            <Icon name="reply" size={15} />
          </button>
        </div>
        {picking && (
          <div class="reaction-picker" role="group" aria-label="Pick a reaction">
            {QUICK_REACTIONS.map((emoji) => {
              const mineAlready = item.reactions.some((r) => r.emoji === emoji && r.mine)
              return (
                <button
                  key={emoji}
                  type="button"
                  aria-label={`${mineAlready ? 'Remove' : 'React with'} ${emoji}`}
                  aria-pressed={mineAlready}
                  onClick={() => {
                    actions.react(message.id, emoji, mineAlready ? 'removed' : 'added')
                    setPicking(false)
                  }}
                >
                  {emoji}
                </button>
              )
            })}
          </div>
        )}
      </div>
      {item.reactions.length > 0 && (
        <div class="reactions">
          {item.reactions.map((r) => (
            <button
              key={r.emoji}
              type="button"
              class={`reaction-chip${r.mine ? ' mine' : ''}`}
              aria-pressed={r.mine}
              aria-label={`${r.emoji} ${r.count}${r.mine ? ', yours: remove' : ', add yours'}`}
              onClick={() => actions.react(message.id, r.emoji, r.mine ? 'removed' : 'added')}
            >
              <span aria-hidden="true">{r.emoji}</span>
              {r.count > 1 && <span class="count">{r.count}</span>}
            </button>
          ))}
        </div>
      )}
      {message.delivery === 'failed' && (
        <div class="failed-line" role="alert">
          <Icon name="alert" size={13} />
          <span>{message.error ?? 'Not sent.'}</span>
          <button type="button" class="link-button" onClick={() => actions.retry(message.id)}>
            Retry
          </button>
        </div>
      )}
    </li>
  )
}

function DeliveryMark({ item }: { item: BubbleItem }) {
  const d = item.message.delivery
  if (d === 'pending') return <span class="delivery pending" aria-label="Sending">Sending…</span>
  if (d === 'failed') return <span class="delivery failed">Failed</span>
  return (
    <span class={`delivery ${item.read ? 'read' : 'sent'}`} aria-label={item.read ? 'Read' : 'Sent'} title={item.read ? 'Read' : 'Sent'}>
      {item.read ? '✓✓' : '✓'}
    </span>
  )
}
