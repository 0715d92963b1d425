// Handlers of the messaging methods (src/extension/methods/messaging.ts) over the active
// account's AccountData. While the wallet is locked they answer 4900 "locked"; while the XMTP
// session is still opening (or failing) 4900 with its progress in words.
import { providerErrors } from '../../extension/dapp-visible.ts'
import type { ConversationFilter } from '../../extension/methods/messaging.ts'
import type { ConversationView, SessionView, SyncStatusView } from '../../extension/views.ts'
import type { HandlerTable } from '../rpc-router.ts'
import type { AccountData } from '../contracts.ts'
import { lockedError, notReadyError } from '../rpc-errors.ts'

export { notReadyError } from '../rpc-errors.ts'

export interface MessagingHandlerDeps {
  /** The active account's data, or null while locked / not ready. */
  activeData(): AccountData | null
  /** Whether the wallet is locked, as the wallet knows it in memory. */
  locked(): boolean
  sessionView(): SessionView
  /** Resolves when a session being opened is ready or has failed (SessionManager.whenSettled). */
  whenSettled?(): Promise<unknown>
  /**
   * While the session is being opened: the conversation list from the encrypted cache (the
   * account store is open, the Client not yet), or null when there is no such store.
   */
  cachedConversations?(filter: ConversationFilter, limit?: number): Promise<ConversationView[] | null>
  /** Opens the full-tab view (optionally on one conversation). */
  openTab(topic?: string): Promise<void>
  /** Whether reading a conversation sends a read receipt (the setting; off when absent). */
  readReceipts?(): Promise<boolean>
}

type MessagingMethods =
  | 'conversations_list'
  | 'peers_canMessage'
  | 'conversations_new'
  | 'conversations_get'
  | 'messages_list'
  | 'messages_send'
  | 'messages_retry'
  | 'attachments_load'
  | 'conversations_markRead'
  | 'conversations_setMuted'
  | 'consent_set'
  | 'messages_search'
  | 'sync_status'
  | 'sync_now'
  | 'ui_openTab'

/** Longest a messaging call waits for a session that is being opened. */
const SETTLE_WAIT_MS = 15_000

const NOT_STREAMING: SyncStatusView = { state: 'idle', streaming: false }

export function createMessagingHandlers(deps: MessagingHandlerDeps): Pick<HandlerTable, MessagingMethods> {
  async function data(): Promise<AccountData> {
    const active = deps.activeData()
    if (active) return active
    if (deps.locked()) throw lockedError()
    // A session being opened (a worker start restores it offline from the cache) is waited
    // for, so the popup's first list paints from the cache instead of seeing an error.
    const view = deps.sessionView()
    if (deps.whenSettled && (view.state === 'restoring' || view.state === 'creating')) {
      await Promise.race([deps.whenSettled(), new Promise((resolve) => setTimeout(resolve, SETTLE_WAIT_MS))])
      const settled = deps.activeData()
      if (settled) return settled
    }
    throw notReadyError(deps.sessionView())
  }
  const on = async <T>(body: (d: AccountData) => Promise<T>): Promise<T> => body(await data())

  return {
    conversations_list: async ({ filter, limit }) => {
      // A worker that is still restoring the session answers from the cache at once.
      const early = !deps.activeData() && deps.cachedConversations ? await deps.cachedConversations(filter, limit).catch(() => null) : null
      if (early) return { conversations: early }
      const d = await data()
      return { conversations: await d.listConversations(filter, limit === undefined ? {} : { limit }) }
    },
    peers_canMessage: ({ peerAddress }) => on(async (d) => ({ canMessage: await d.canMessage(peerAddress) })),
    conversations_new: ({ peerAddress }) => on((d) => d.newConversation(peerAddress)),
    conversations_get: ({ topic }) =>
      on(async (d) => {
        const conversation = await d.getConversation(topic)
        if (!conversation) throw providerErrors.invalidParams('conversations_get', 'no conversation with that topic in this account')
        return conversation
      }),
    messages_list: ({ topic, before, limit }) => on((d) => d.listMessages(topic, before === undefined ? { limit } : { before, limit })),
    messages_send: ({ topic, content }) => on((d) => d.send(topic, content)),
    messages_retry: ({ topic, id }) => on((d) => d.retry(topic, id)),
    attachments_load: ({ topic, id }) => on((d) => d.loadAttachment(topic, id)),
    conversations_markRead: ({ topic }) =>
      on(async (d) => {
        const before = await d.getConversation(topic)
        const unreadTotal = await d.markRead(topic)
        // The peer learns the conversation was read: only for an accepted one (never tells a
        // stranger in Requests), only when there was something unread, only with the setting on.
        if (before && before.unreadCount > 0 && before.consent === 'allowed' && (await deps.readReceipts?.())) {
          await d.send(topic, { type: 'readReceipt' }).catch(() => {})
        }
        return { unreadTotal }
      }),
    conversations_setMuted: ({ topic, muted }) => on((d) => d.setMuted(topic, muted)),
    consent_set: ({ peerAddress, state }) =>
      on(async (d) => {
        await d.setConsent(peerAddress, state)
        return { peerAddress, state }
      }),
    messages_search: ({ query, limit }) => on(async (d) => ({ hits: await d.search(query, limit) })),
    sync_status: async () => deps.activeData()?.syncStatus() ?? { ...NOT_STREAMING },
    sync_now: () => on((d) => d.syncNow()),
    ui_openTab: async ({ topic }) => {
    await deps.openTab(topic)
    return { ok: true as const }
  },
}
}
