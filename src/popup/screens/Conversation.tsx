// One conversation: bubbles by day and sender, older pages on scroll up, the composer, and
// for a request the choice to accept or block before answering.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { ContentInput, ConversationView } from '../../extension/views.ts'
import { Avatar } from '../components/Avatar.tsx'
import { Composer } from '../components/Composer.tsx'
import { RequestBar, type AskedAction } from '../components/RequestBar.tsx'
import { CopyButton } from '../components/CopyButton.tsx'
import { HealthBanner } from '../components/HealthBanner.tsx'
import { Icon } from '../components/Icon.tsx'
import { MessageBubble, type BubbleActions } from '../components/MessageBubble.tsx'
import { Spinner } from '../components/Spinner.tsx'
import { useAppState, useServices } from '../context.ts'
import { viaLabel } from '../lib/site-scopes.ts'
import { shortAddress } from '../lib/address.ts'
import { buildThread, type BubbleItem } from '../lib/thread.ts'
import { dayLabel } from '../lib/time.ts'
import { navigate, routeHref } from '../router.ts'
import { errorText } from '../lib/error-sentence.ts'

export function Conversation({ topic }: { topic: string }) {
  const { store, platform, now } = useServices()
  const conversation = useAppState((s) => s.conversations?.[topic])
  const thread = useAppState((s) => s.threads[topic])
  const me = useAppState((s) => s.wallet?.accounts.find((a) => a.id === s.wallet?.activeAccountId)?.address ?? '')
  const [replyTo, setReplyTo] = useState<BubbleItem | null>(null)
  const [actionError, setActionError] = useState<string | null>(null)
  const [asking, setAsking] = useState<AskedAction | null>(null)
  const isRequest = conversation?.consent === 'unknown'
  const scroller = useRef<HTMLDivElement>(null)
  const stickToBottom = useRef(true)
  const heightBeforeOlder = useRef<number | null>(null)

  useEffect(() => {
    setReplyTo(null)
    setAsking(null)
    stickToBottom.current = true
    void store.conversations.openThread(topic)
    store.conversations.viewing(topic)
    return () => store.conversations.viewing(null)
  }, [topic, store])

  // Seen on screen = read (the background clears the badge and unread marks).
  const count = thread?.messages.length ?? 0
  useEffect(() => {
    if (count > 0 && conversation && conversation.unreadCount > 0 && document.visibilityState === 'visible') void store.conversations.markRead(topic)
  }, [count, conversation?.unreadCount, topic, store])

  const sections = useMemo(() => buildThread(thread?.messages ?? [], me), [thread?.messages, me])

  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    if (heightBeforeOlder.current !== null) {
      el.scrollTop += el.scrollHeight - heightBeforeOlder.current
      heightBeforeOlder.current = null
    } else if (stickToBottom.current) {
      el.scrollTop = el.scrollHeight
    }
  }, [sections])

  // Images and attachments change the height after render: stay pinned to the newest message.
  const threadList = useRef<HTMLOListElement>(null)
  useEffect(() => {
    const el = scroller.current
    const list = threadList.current
    if (!el || !list || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(() => {
      if (stickToBottom.current && heightBeforeOlder.current === null) el.scrollTop = el.scrollHeight
    })
    observer.observe(list)
    return () => observer.disconnect()
  }, [])

  const onScroll = () => {
    const el = scroller.current
    if (!el) return
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48
    if (el.scrollTop < 80 && thread?.hasMore && !thread.loading) {
      heightBeforeOlder.current = el.scrollHeight
      void store.conversations.loadOlder(topic)
    }
  }

  const send = useCallback(
    async (content: ContentInput) => {
      stickToBottom.current = true
      await store.conversations.send(topic, content)
    },
    [store, topic],
  )

  // In a request, answering (a reaction, a reply) waits for the person to accept first.
  const orAsk = (kind: AskedAction['kind'], run: () => void) => {
    if (!isRequest) return run()
    setAsking({
      kind,
      run: () => {
        setAsking(null)
        run()
      },
    })
  }
  const actions: BubbleActions = {
    react: (reference, emoji, action) =>
      orAsk('react', () => {
        setActionError(null)
        store.conversations.send(topic, { type: 'reaction', reference, action, content: emoji }).catch((e) => setActionError(errorText(e)))
      }),
    reply: (item) => orAsk('reply', () => setReplyTo(item)),
    retry: (id) => {
      store.conversations.retry(topic, id).catch((e) => setActionError(errorText(e)))
    },
  }

  return (
    <div class="screen conversation-screen">
      <header class="topbar conversation-top">
        <a class="icon-button back-link" href={routeHref({ name: 'conversations', tab: conversation?.consent === 'unknown' ? 'requests' : 'messages' })} aria-label="Back to conversations" title="Back">
          <Icon name="back" />
        </a>
        {conversation && <Avatar address={conversation.peerAddress} size={34} />}
        <div class="peer">
          <h1 class="peer-name mono" title={conversation?.peerAddress}>
            {conversation ? shortAddress(conversation.peerAddress) : 'Conversation'}
          </h1>
          {conversation && (
            <span class="peer-sub">
              {viaLabel(conversation) ? `via ${viaLabel(conversation)} · ` : ''}
              {conversation.version === 'v2' ? 'Encrypted · XMTP' : 'Encrypted · XMTP v1'}
            </span>
          )}
        </div>
        {conversation && <CopyButton text={conversation.peerAddress} label={`Copy address ${conversation.peerAddress}`} />}
        {conversation && (
          <button
            type="button"
            class="icon-button"
            aria-pressed={conversation.muted}
            aria-label={conversation.muted ? 'Unmute notifications' : 'Mute notifications'}
            title={conversation.muted ? 'Muted: no notifications. Click to unmute' : 'Mute notifications'}
            onClick={() => store.conversations.setMuted(conversation, !conversation.muted).catch((e) => setActionError(errorText(e)))}
          >
            <Icon name={conversation.muted ? 'bellOff' : 'bell'} />
          </button>
        )}
        {platform.view === 'popup' && (
          <button type="button" class="icon-button" aria-label="Open in tab" title="Open in tab" onClick={() => void store.openInTab(topic)}>
            <Icon name="expand" />
          </button>
        )}
      </header>
      <HealthBanner />
      <div class="messages" ref={scroller} onScroll={onScroll}>
        {thread?.loading && (
          <div class="center small-pad">
            <Spinner label="Loading messages" />
          </div>
        )}
        {thread && !thread.hasMore && !thread.loading && count > 0 && <p class="thread-start">This is the beginning of your conversation.</p>}
        {thread?.error && (
          <p class="banner bad" role="alert">
            {thread.error}
          </p>
        )}
        {thread && !thread.loading && count === 0 && !thread.error && <p class="thread-start">No messages yet. Say hello!</p>}
        <ol ref={threadList} class="thread" aria-label="Messages" aria-live="polite" aria-relevant="additions">
          {sections.map((section) => (
            <li key={section.day} class="day">
              <h2 class="day-label">{dayLabel(section.day, now())}</h2>
              <ol class="runs">
                {section.runs.map((run, ri) => (
                  <li key={ri} class={`run ${run.mine ? 'mine' : 'theirs'}`}>
                    <span class="visually-hidden">{run.mine ? 'You' : run.senderAddress}</span>
                    <ol class="bubbles">
                      {run.bubbles.map((b, bi) => (
                        <MessageBubble key={b.message.id} item={b} first={bi === 0} last={bi === run.bubbles.length - 1} actions={actions} />
                      ))}
                    </ol>
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ol>
      </div>
      {actionError && (
        <p class="banner bad" role="alert">
          {actionError}
        </p>
      )}
      {conversation && isRequest ? (
        <RequestBar conversation={conversation} asking={asking} onCancelAsk={() => setAsking(null)} />
      ) : (
        <Composer replyTo={replyTo} onCancelReply={() => setReplyTo(null)} onSend={send} disabled={conversation?.consent === 'denied' ? 'You blocked this address.' : undefined} />
      )}
    </div>
  )
}
