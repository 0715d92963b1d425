// The background, assembled from its parts with the browser passed in (index.ts hands it
// chrome.*; the Node integration test hands it in-memory storage, fake-indexeddb and a real
// node). Wiring only: each policy lives in its own module, and what reacts to what is
// declared here:
//  - every RPC and every wake first waits for start-up (vault resume) and checks auto-lock;
//  - the session follows the wallet and the node URL;
//  - the live stream follows page presence and recent flow (stream-holds.ts); a gap-filling
//    sync when a session opens (every worker start) and on each alarm tick (polling);
//  - badge (coalesced, coalesced-task.ts), notifications and page events from what the data
//    layer reports; the dapp side (dapp/) is built here with the rest.
import type { ExtensionEvent } from '../extension/events.ts'
import { tabViewPath } from '../extension/tab-url.ts'
import type { DiagnosticsView } from '../extension/views.ts'
import { isMethodName, METHODS } from '../extension/messages.ts'
import { accountDatabaseName, createAccountData, listCachedConversations, openAccountStore, type AccountStore } from './data/index.ts'
import { createRpcRouter, type Caller, type Dispatch } from './rpc-router.ts'
import { Attention, targetOfNotification } from './attention.ts'
import { EventHub, type EventPort } from './events-hub.ts'
import { createHandlers } from './handlers.ts'
import { createMessagingHandlers } from './handlers/messaging.ts'
import { createWalletHandlers } from './handlers/wallet.ts'
import { Keepalive } from './keepalive.ts'
import { checkNode } from './node-status.ts'
import { NodeMonitor } from './node-monitor.ts'
import type { BackgroundContext } from './contracts.ts'
import type { Platform } from './platform.ts'
import { IdentityStore } from './session/identity-store.ts'
import { SessionManager } from './session/session-manager.ts'
import { Settings } from './settings.ts'
import { Wallet } from './vault/index.ts'
import { firstAnswerMarks, markBoot } from './boot-marks.ts'
import { accountDiscoverer } from './account-discovery.ts'
import { unreadCounter } from './account-unread.ts'
import { accountOpener, OtherAccounts } from './other-accounts.ts'
import { deleteAccountDatabases } from './account-databases.ts'
import { coalesce } from './coalesced-task.ts'
import { RECENT_FLOW_MS, StreamHolds } from './stream-holds.ts'
import { createDappSide, type DappPortLike } from './dapp/index.ts'
import { Client } from '../protocol/index.ts'

export { RECENT_FLOW_MS } from './stream-holds.ts'
export type { Platform } from './platform.ts'

/** Alarm names: the polling tick (also re-checks auto-lock and the node). */
export const POLL_ALARM = 'parley/poll'
export const POLL_PERIOD_MINUTES = 1
const LAST_FLOW_KEY = 'bg.lastFlowAt'
const BADGE_COALESCE_MS = 300

export interface Background {
  readonly ready: Promise<void>
  readonly context: BackgroundContext
  readonly vault: Wallet
  readonly sessions: SessionManager<AccountStore>
  readonly settings: Settings
  readonly hub: EventHub
  readonly keepalive: Keepalive
  dispatch: Dispatch
  acceptEventsPort(port: EventPort): boolean
  /** A content script's dapp events port, once start-up is done (dapp/index.ts attachDappEventsPort). */
  acceptDappEventsPort(port: DappPortLike, caller: Caller | null): Promise<void>
  onAlarm(name: string): Promise<void>
  onNotificationClicked(id: string): Promise<void>
  /** Runs the wake checks (auto-lock) after start-up; every entry point calls it. */
  wake(): Promise<void>
}

export function createBackground(platform: Platform): Background {
  const now = platform.now ?? Date.now
  const startedAt = now()
  const appVersion = `parley/${platform.version}`
  const vault = new Wallet({ local: platform.local, sessionStorage: platform.sessionStorage, now, ...(platform.iterations ? { iterations: platform.iterations } : {}) })
  const settings = new Settings({ local: platform.local, hasHostPermission: platform.hasHostPermission })
  const identities = new IdentityStore(platform.local, vault)
  const hub = new EventHub()
  const keepalive = new Keepalive({ ping: platform.keepalivePing })
  const nodeUrl = async () => (await settings.get()).nodeUrl
  // Reachability pushed to open pages on every change, learnt from the session's own requests.
  const nodeMonitor = new NodeMonitor({
    nodeUrl,
    check: (url) => checkNode(url, { fetch: platform.fetch, hasHostPermission: platform.hasHostPermission, ...(platform.now ? { now: platform.now } : {}) }),
    publish: (status) => hub.broadcast({ type: 'node', status }),
    pagesOpen: () => hub.connected > 0,
  })
  const observedFetch = nodeMonitor.observe((input, init) => platform.fetch(input, init))

  const sessions = new SessionManager<AccountStore>({
    wallet: vault,
    identities,
    nodeUrl,
    fetch: observedFetch,
    appVersion,
    beforeClient: () => platform.cryptoBackend.ready,
    ...(platform.invitationOffload
      ? {
          createClient: (signer, options) => {
            const offload = platform.invitationOffload!
            // An identity made or fetched with the wallet key (none cached here) is new to this
            // device: its first sync opens every invitation, so the workers start now, while
            // the identity is fetched, instead of after the first page.
            if (signer) void offload.warm()
            return Client.create(signer, { ...options, openInvitations: offload.open })
          },
        }
      : {}),
    ...(platform.retryDelaysMs ? { retryDelaysMs: platform.retryDelaysMs } : {}),
    openStore: ({ account, nodeUrl: url, cacheKey }) =>
      openAccountStore({ indexedDB: platform.indexedDB, databaseName: accountDatabaseName(url, account.address), cacheKey }),
    openData: ({ client, account, nodeUrl: url, cacheKey, store }) =>
      createAccountData({
        client,
        indexedDB: platform.indexedDB,
        databaseName: accountDatabaseName(url, account.address),
        cacheKey,
        now,
        fetch: (u, init) => platform.fetch(u, init),
        ...(store ? { store } : {}),
      }),
  })

  const attention = new Attention({
    setBadge: platform.setBadge,
    notify: platform.notify,
    notificationsEnabled: async () => (await settings.get()).notifications,
    isViewing: (topic) => hub.isViewing(topic),
    ownAddress: () => sessions.active()?.account.address ?? null,
    now,
  })

  // The other accounts of the unlocked wallet, synced on each polling tick for notifications.
  const others = new OtherAccounts({
    accounts: async () => {
      if (vault.locked) return { accounts: [], activeAccountId: null }
      const status = await vault.status()
      return { accounts: status.accounts, activeAccountId: status.activeAccountId }
    },
    open: accountOpener({
      nodeUrl,
      indexedDB: platform.indexedDB,
      identities,
      deriveKey: (purpose) => vault.deriveKey(purpose),
      createClient: (options) =>
        Client.create(null, { ...options, fetch: observedFetch, appVersion, ...(platform.invitationOffload ? { openInvitations: platform.invitationOffload.open } : {}) }),
      now,
      fetchAttachment: (u) => platform.fetch(u),
    }),
    onMessages: (account, conversation, messages) => void attention.onMessages(conversation, messages, account),
  })

  const broadcast = (event: ExtensionEvent) => hub.broadcast(event)
  const walletEvent = async () => broadcast({ type: 'wallet', status: { ...(await vault.status()), session: sessions.view() } })
  const holds = new StreamHolds({ keepalive: (reason) => keepalive.hold(reason), pagesConnected: () => hub.connected, now, recentFlowMs: RECENT_FLOW_MS })

  // ─── what reacts to what ───
  hub.onPresence(() => {
    holds.pagesChanged()
    nodeMonitor.pagesChanged()
  })
  let unsubscribers: (() => void)[] = []
  sessions.onView(() => void walletEvent())
  sessions.onSessionChange((session) => {
    for (const off of unsubscribers) off()
    unsubscribers = []
    holds.setHolder(null)
    if (!session) {
      void attention.updateBadge(0)
      return
    }
    const { data } = session
    const badge = coalesce(() => {
      if (sessions.active() !== session) return
      void data.unreadTotal().then((n) => attention.updateBadge(n)).catch(() => {})
    }, BADGE_COALESCE_MS)
    unsubscribers.push(
      () => badge.cancel(),
      data.onMessages((topic, messages, conversation) => {
        broadcast({ type: 'messages', topic, messages })
        void platform.sessionStorage.set({ [LAST_FLOW_KEY]: now() })
        holds.messagesFlowed()
        void attention.onMessages(conversation, messages)
        badge.request()
      }),
      data.onConversation((conversation) => {
        broadcast({ type: 'conversation', conversation })
        badge.request()
      }),
      data.onSyncStatus((status) => broadcast({ type: 'sync', status })),
    )
    holds.setHolder(data)
    // Every worker start (and every unlock): fill the gap since the last run, then keep
    // streaming if messages were flowing just before the worker stopped.
    void data.syncNow().catch(() => {})
    badge.request()
    void platform.sessionStorage.get(LAST_FLOW_KEY).then((stored) => {
      const last = stored[LAST_FLOW_KEY]
      if (typeof last === 'number' && sessions.active() === session) holds.flowedAt(last)
    })
  })
  vault.onChange(() => {
    void walletEvent()
    void sessions.sync().catch(() => {})
  })
  settings.onChange((next, previous) => {
    if (next.nodeUrl !== previous.nodeUrl) nodeMonitor.urlChanged()
  })

  const context: BackgroundContext = {
    wallet: vault,
    activeSession: () => sessions.active(),
    onSessionChange: (listener) => sessions.onSessionChange(listener),
    local: platform.local,
    sessionStorage: platform.sessionStorage,
    openWindow: platform.openWindow,
    onWindowClosed: platform.onWindowClosed,
    windowExists: platform.windowExists,
    findWindow: platform.findWindow,
    now,
  }
  const dapp = createDappSide(context)
  sessions.onSessionChange((session) => dapp.sessionChanged(session))
  vault.onChange(() => dapp.walletChanged())

  /** Answered once the WebAssembly backend settled, so it names the backend the session uses. */
  const diagnostics = async (): Promise<DiagnosticsView> => {
    await platform.cryptoBackend.ready
    const crypto = platform.cryptoBackend.info()
    return {
      cryptoBackend: crypto.name,
      ...(crypto.fallbackReason ? { cryptoFallbackReason: crypto.fallbackReason } : {}),
      startedAt,
      ...(platform.invitationOffload ? { invitationWorkers: platform.invitationOffload.status() } : {}),
    }
  }

  const handlers = createHandlers(
    { version: platform.version, startedAt },
    {
      ...createWalletHandlers({
        vault,
        settings,
        sessions,
        checkNode: () => nodeMonitor.check(),
        forgetAccount: async (account) => {
          await identities.forget(account.address)
          await deleteAccountDatabases(platform.indexedDB, account.address)
        },
        diagnostics,
        unreadByAccount: unreadCounter({
          status: () => vault.status(),
          activeUnread: async () => (await sessions.active()?.data.unreadTotal()) ?? null,
          nodeUrl,
          indexedDB: platform.indexedDB,
          deriveKey: (purpose) => vault.deriveKey(purpose),
        }),
        discoverAccounts: accountDiscoverer({
          nextDerivedAddresses: (count) => vault.nextDerivedAddresses(count),
          addAccount: () => vault.addAccount(undefined, { activate: false }),
          canMessage: (addresses, apiUrl) => Client.canMessage(addresses, { apiUrl, fetch: observedFetch, appVersion }),
          nodeUrl,
        }),
        // An imported key has invitations to open: the workers start during its key derivation.
        ...(platform.invitationOffload ? { expectFirstSync: () => void platform.invitationOffload!.warm() } : {}),
      }),
      ...createMessagingHandlers({
        activeData: () => sessions.active()?.data ?? null,
        locked: () => vault.locked,
        sessionView: () => sessions.view(),
        whenSettled: () => sessions.whenSettled(),
        cachedConversations: (filter, limit) =>
          sessions.readPendingStore((store) => listCachedConversations(store, filter, limit === undefined ? {} : { limit })),
        openTab: (topic) => platform.openTab(tabViewPath(topic)),
        readReceipts: async () => (await settings.get()).readReceipts,
      }),
      ...dapp.handlers,
    },
  )
  const route = createRpcRouter(METHODS, handlers, platform.onInternalError ? { onInternalError: platform.onInternalError } : {})

  const ready = (async () => {
    await vault.resume().catch(() => false)
    markBoot('vault-resumed')
    await sessions.sync().catch(() => {})
    markBoot('session-started')
  })()
  const markAnswered = firstAnswerMarks(isMethodName)

  /** The wallet knows in memory whether it is locked: only an unlocked one checks its deadline. */
  const wake = async () => {
    await ready
    if (!vault.locked && (await vault.checkAutoLock())) await sessions.sync()
  }

  return {
    ready,
    context,
    vault,
    sessions,
    settings,
    hub,
    keepalive,
    wake,
    dispatch: async (message: unknown, caller: Caller | null) => {
      const method = (message as { request?: { method?: unknown } } | null)?.request?.method
      // A list request that woke the worker is answered from the cache before the session
      // restore builds its Client (curve work that would hold the one thread).
      const release = method === 'conversations_list' ? sessions.expectRead() : null
      let response: Awaited<ReturnType<Dispatch>>
      try {
        await wake()
        response = await route(message, caller)
      } finally {
        release?.()
      }
      // The first answer of each method this worker gives, on its start-up timeline.
      markAnswered(method)
      return response
    },
    acceptEventsPort: (port) => {
      const accepted = hub.accept(port)
      if (accepted) void wake().then(walletEvent)
      return accepted
    },
    acceptDappEventsPort: async (port, caller) => {
      await ready
      dapp.attachEventsPort(port, caller)
    },
    async onAlarm(name) {
      if (name !== POLL_ALARM) return
      await wake()
      const session = sessions.active()
      if (session) await session.data.syncNow().catch(() => {})
      else if (sessions.view().state === 'error') sessions.retryNow()
      const current = await settings.get()
      if (current.notifications && current.notifyAllAccounts) await others.poll().catch(() => {})
    },
    async onNotificationClicked(id) {
      const target = targetOfNotification(id)
      if (target === null) return
      // A message for another account: that account becomes the active one first.
      if (target.accountId !== null && (await vault.status()).activeAccountId !== target.accountId) {
        await vault.selectAccount(target.accountId).catch(() => {})
      }
      await platform.openTab(tabViewPath(target.topic))
    },
  }
}
