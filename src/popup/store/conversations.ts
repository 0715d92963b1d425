// The store's conversation actions: the active account's list (first a screenful, then all),
// threads paged back on demand, sending and retrying, read marks, mute, consent (accept, block,
// unblock), starting a conversation, search and remote attachments. Pushed conversations and
// messages land here too (upsert, merge), so each change is applied in one place.
import type { ContentInput, ConversationView, MessageView } from '../../extension/views.ts'
import { errorText } from '../lib/error-sentence.ts'
import { mergeMessages } from '../lib/thread.ts'
import { FIRST_PAGE, PAGE_SIZE, StoreActions, type ThreadState } from './state.ts'

/** An attachment fetched and decrypted by the background. */
export interface LoadedAttachment {
  filename: string
  mimeType: string
  dataBase64: string
}

export function sortConversations(list: ConversationView[]): ConversationView[] {
  const activity = (c: ConversationView) => c.lastMessage?.sentAt ?? c.createdAt
  return [...list].sort((a, b) => activity(b) - activity(a))
}

export class ConversationActions extends StoreActions {
  #listing: Promise<void> | null = null

  /** One state change for any number of conversations; a blocked one leaves the list. */
  upsert(changed: ConversationView[]): void {
    const conversations = { ...(this.current.conversations ?? {}) }
    for (const conversation of changed) {
      if (conversation.consent === 'denied') delete conversations[conversation.topic]
      else conversations[conversation.topic] = conversation
    }
    this.set({ conversations })
  }

  /** Messages pushed or answered for a topic; a thread not loaded yet gets them from its first page. */
  merge(topic: string, messages: MessageView[]): void {
    const thread = this.current.threads[topic]
    if (!thread) return
    this.set({ threads: { ...this.current.threads, [topic]: { ...thread, messages: mergeMessages(thread.messages, messages) } } })
  }

  /** Lists the active account's conversations; concurrent calls share one listing. */
  load(): Promise<void> {
    this.#listing ??= this.list().finally(() => {
      this.#listing = null
    })
    return this.#listing
  }

  private async list(): Promise<void> {
    try {
      // The first paint needs one screenful: a page first (a worker that just woke answers it
      // from its cache at once), then the whole list.
      if (!this.current.conversations) {
        const first = await this.rpc.call('conversations_list', { filter: 'all', limit: FIRST_PAGE })
        if (!this.current.conversations) this.set({ conversations: byTopic(first.conversations), conversationsError: undefined })
        if (first.conversations.length < FIRST_PAGE) return
      }
      const { conversations } = await this.rpc.call('conversations_list', { filter: 'all' })
      this.set({ conversations: byTopic(conversations), conversationsError: undefined })
    } catch (error) {
      this.set({ conversations: this.current.conversations ?? {}, conversationsError: errorText(error) })
    }
  }

  private patchThread(topic: string, change: Partial<ThreadState>): void {
    const current = this.current.threads[topic] ?? { messages: [], hasMore: false, loading: false }
    this.set({ threads: { ...this.current.threads, [topic]: { ...current, ...change } } })
  }

  /** Loads the newest page (and the conversation itself when it is not in the list yet). */
  async openThread(topic: string): Promise<void> {
    if (!this.current.conversations?.[topic]) {
      try {
        this.upsert([await this.rpc.call('conversations_get', { topic })])
      } catch (error) {
        this.patchThread(topic, { error: errorText(error) })
        return
      }
    }
    this.patchThread(topic, { loading: true, error: undefined })
    try {
      const page = await this.rpc.call('messages_list', { topic, limit: PAGE_SIZE })
      const existing = this.current.threads[topic]?.messages ?? []
      this.patchThread(topic, { messages: mergeMessages(existing, page.messages), hasMore: page.hasMore, loading: false })
    } catch (error) {
      this.patchThread(topic, { loading: false, error: errorText(error) })
    }
  }

  async loadOlder(topic: string): Promise<void> {
    const thread = this.current.threads[topic]
    if (!thread || thread.loading || !thread.hasMore) return
    const before = thread.messages[0]?.sentAt
    this.patchThread(topic, { loading: true })
    try {
      const page = await this.rpc.call('messages_list', before === undefined ? { topic, limit: PAGE_SIZE } : { topic, before, limit: PAGE_SIZE })
      const current = this.current.threads[topic]?.messages ?? []
      this.patchThread(topic, { messages: mergeMessages(current, page.messages), hasMore: page.hasMore, loading: false })
    } catch (error) {
      this.patchThread(topic, { loading: false, error: errorText(error) })
    }
  }

  /** Tells the background which conversation is on screen (null: none); its notifications wait. */
  viewing(topic: string | null): void {
    this.parts.events.setViewing(topic)
  }

  async send(topic: string, content: ContentInput): Promise<MessageView> {
    const sent = await this.rpc.call('messages_send', { topic, content })
    this.merge(topic, [sent])
    return sent
  }

  async retry(topic: string, id: string): Promise<void> {
    this.merge(topic, [await this.rpc.call('messages_retry', { topic, id })])
  }

  async markRead(topic: string): Promise<void> {
    const conversation = this.current.conversations?.[topic]
    if (!conversation || conversation.unreadCount === 0) return
    this.upsert([{ ...conversation, unreadCount: 0 }])
    try {
      await this.rpc.call('conversations_markRead', { topic })
    } catch {
      // The unread mark comes back with the next conversation event if this did not land.
    }
  }

  /** Mutes or unmutes a conversation: no notification for it while muted. */
  async setMuted(conversation: ConversationView, muted: boolean): Promise<void> {
    this.upsert([await this.rpc.call('conversations_setMuted', { topic: conversation.topic, muted })])
  }

  /** Accepts, blocks or unblocks the conversation's peer (consent is per address). */
  async setConsent(conversation: ConversationView, state: 'allowed' | 'denied'): Promise<void> {
    await this.rpc.call('consent_set', { peerAddress: conversation.peerAddress, state })
    this.upsert([{ ...conversation, consent: state }])
    const blocked = this.current.blockedConversations
    if (state === 'allowed' && blocked) {
      const peer = conversation.peerAddress.toLowerCase()
      this.set({ blockedConversations: blocked.filter((c) => c.peerAddress.toLowerCase() !== peer) })
    }
  }

  /** Lists the blocked conversations (Settings → Blocked). */
  async loadBlocked(): Promise<void> {
    const { conversations } = await this.rpc.call('conversations_list', { filter: 'blocked' })
    this.set({ blockedConversations: conversations })
  }

  /**
   * Starts (or finds) the conversation with an address the page has checked, after asking the
   * network whether the peer can be messaged at all: null when not (no keys published yet).
   */
  async start(peerAddress: string): Promise<ConversationView | null> {
    const { canMessage } = await this.rpc.call('peers_canMessage', { peerAddress })
    if (!canMessage) return null
    const conversation = await this.rpc.call('conversations_new', { peerAddress })
    this.upsert([conversation])
    return conversation
  }

  /**
   * Searches addresses and cached message text. The same query asked again keeps its hits on
   * screen until the new answer; an answer for a query no longer asked is dropped.
   */
  async search(query: string): Promise<void> {
    if (this.current.search?.query !== query) this.set({ search: { query, hits: null } })
    try {
      const { hits } = await this.rpc.call('messages_search', { query, limit: 50 })
      if (this.current.search?.query === query) this.set({ search: { query, hits } })
    } catch (error) {
      if (this.current.search?.query === query) this.set({ search: { query, hits: null, error: errorText(error) } })
    }
  }

  /** Fetches and decrypts a remote attachment (only when the person asks). */
  loadAttachment(topic: string, id: string): Promise<LoadedAttachment> {
    return this.rpc.call('attachments_load', { topic, id })
  }
}

function byTopic(list: ConversationView[]): Record<string, ConversationView> {
  return Object.fromEntries(list.map((c) => [c.topic, c]))
}
