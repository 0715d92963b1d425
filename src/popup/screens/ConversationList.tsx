// The list: Messages and Requests tabs, search over addresses and cached text, sync progress,
// and an empty state that says what to do next.
import { useEffect, useMemo, useState } from 'preact/hooks'
import { AppHeader } from '../components/AppHeader.tsx'
import { ConversationRow, distinctNames } from '../components/ConversationRow.tsx'
import { EmptyState } from '../components/EmptyState.tsx'
import { HealthBanner } from '../components/HealthBanner.tsx'
import { Icon } from '../components/Icon.tsx'
import { Spinner } from '../components/Spinner.tsx'
import { SyncBar } from '../components/SyncBar.tsx'
import { useAppState, useServices } from '../context.ts'
import { summarize } from '../lib/thread.ts'
import { navigate, routeHref } from '../router.ts'
import { sortConversations } from '../store/conversations.ts'

export function ConversationList({ tab, selectedTopic }: { tab: 'messages' | 'requests'; selectedTopic?: string }) {
  const conversations = useAppState((s) => s.conversations)
  const listError = useAppState((s) => s.conversationsError)
  // A session that cannot start is said once, by the banner; the list says what it still has.
  const sessionDown = useAppState((s) => s.wallet?.session.state === 'error')
  const [query, setQuery] = useState('')
  const sorted = useMemo(() => (conversations ? sortConversations(Object.values(conversations)) : null), [conversations])
  const messages = sorted?.filter((c) => c.consent === 'allowed') ?? []
  const requests = sorted?.filter((c) => c.consent === 'unknown') ?? []
  const shown = tab === 'messages' ? messages : requests
  const requestUnread = requests.filter((c) => c.unreadCount > 0).length
  const names = useMemo(() => distinctNames(shown, (ms) => new Date(ms).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' })), [shown])

  return (
    <div class="screen list-screen">
      <AppHeader />
      <HealthBanner />
      <div class="search">
        <Icon name="search" size={16} />
        <input type="search" aria-label="Search" placeholder="Search addresses and messages" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      </div>
      {query.trim() === '' && (
        <nav class="tabs" role="tablist" aria-label="Conversation lists">
          <a role="tab" aria-selected={tab === 'messages'} href={routeHref({ name: 'conversations', tab: 'messages' })} class="tab">
            Messages
          </a>
          <a role="tab" aria-selected={tab === 'requests'} href={routeHref({ name: 'conversations', tab: 'requests' })} class="tab">
            Requests
            {requests.length > 0 && <span class={`tab-count${requestUnread > 0 ? ' hot' : ''}`}>{requests.length}</span>}
          </a>
        </nav>
      )}
      <SyncBar />
      {listError && !sessionDown && (
        <p class="banner bad" role="alert">
          {listError}
        </p>
      )}
      <div class="list-body" role={query.trim() === '' ? 'tabpanel' : undefined}>
        {query.trim() !== '' ? (
          <SearchResults query={query.trim()} selectedTopic={selectedTopic} />
        ) : sorted === null ? (
          <div class="center">
            <Spinner label="Loading conversations" />
          </div>
        ) : shown.length === 0 ? (
          sessionDown ? (
            <EmptyState title="Nothing to show yet">
              <p>This browser has no conversations cached for the current node. They appear once Parley reaches it; the banner above says what is wrong.</p>
            </EmptyState>
          ) : tab === 'messages' ? (
            <EmptyState title="No conversations yet">
              <p>Start one with any Ethereum address that uses XMTP.</p>
              <button type="button" class="button primary small" onClick={() => navigate({ name: 'new' })}>
                Start a conversation
              </button>
            </EmptyState>
          ) : (
            <EmptyState title="No requests">
              <p>Messages from people you have not talked to yet wait here until you accept them.</p>
            </EmptyState>
          )
        ) : (
          <ul class="conversation-list" aria-label={tab === 'messages' ? 'Messages' : 'Requests'}>
            {shown.map((c) => (
              <ConversationRow key={c.topic} conversation={c} selected={c.topic === selectedTopic} name={names.get(c.topic)} />
            ))}
          </ul>
        )}
      </div>
    </div>
  )
}

function SearchResults({ query, selectedTopic }: { query: string; selectedTopic: string | undefined }) {
  const { store } = useServices()
  // What the store holds for this very query; an older query's answer shows as still searching.
  const search = useAppState((s) => (s.search?.query === query ? s.search : null))
  const hits = search?.hits ?? null
  const error = search?.error
  useEffect(() => {
    const t = setTimeout(() => void store.conversations.search(query), 200)
    return () => clearTimeout(t)
  }, [query, store])
  if (error)
    return (
      <p class="banner bad" role="alert">
        {error}
      </p>
    )
  if (hits === null)
    return (
      <div class="center">
        <Spinner label="Searching" />
      </div>
    )
  if (hits.length === 0) return <EmptyState title="No matches">{`Nothing in your cached messages or addresses matches “${query}”.`}</EmptyState>
  return (
    <ul class="conversation-list" aria-label="Search results">
      {hits.map((h, i) => (
        <ConversationRow
          key={`${h.conversation.topic}-${h.message?.id ?? i}`}
          conversation={h.conversation}
          selected={h.conversation.topic === selectedTopic}
          {...(h.message ? { preview: summarize(h.message.content) } : {})}
        />
      ))}
    </ul>
  )
}
