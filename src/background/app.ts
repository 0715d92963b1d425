// The background, assembled from its parts with the browser passed in (index.ts hands it
// chrome.*; the Node integration test hands it in-memory storage, fake-indexeddb and a real
// node). Owns the policy that ties the parts together:
//  - every RPC and every wake first waits for start-up (vault resume) and checks auto-lock;
//  - the session follows the wallet and the node URL;
//  - a live stream (kept alive deliberately) while a Parley page is connected or messages
//    flowed in the last minutes; a gap-filling sync when a session opens (every worker start)
//    and on each alarm tick (polling);
//  - badge, notifications and page events from what the data layer reports.
import type { ExtensionEvent } from '../extension/events.ts'
import { tabViewPath } from '../extension/tab-url.ts'
import type { DiagnosticsView, SettingsView } from '../extension/views.ts'
import { accountDatabaseName, createAccountData, listCachedConversations, openAccountStore, type AccountStore } from './data/index.ts'
import { createDispatcher, type Caller, type Dispatch, type HandlerTable } from './dispatcher.ts'
import { METHODS } from '../extension/messages.ts'
import { Attention, targetOfNotification } from './attention.ts'
import { EventHub, type EventPort } from './events-hub.ts'
import { createHandlers } from './handlers.ts'
import { createMessagingHandlers } from './handlers/messaging.ts'
import { createWalletHandlers } from './handlers/wallet.ts'
import { Keepalive } from './keepalive.ts'
import { checkNode } from './node-status.ts'
import { NodeMonitor } from './node-monitor.ts'
import type { ActiveSession, BackgroundContext, StorageArea } from './services.ts'
import { IdentityStore } from './session/identity-store.ts'
import { SessionManager } from './session/session-manager.ts'
import { Settings } from './settings.ts'
import { Wallet } from './vault/index.ts'
import { markBoot } from './boot-marks.ts'
import { discoverAccounts } from './account-discovery.ts'
import { unreadByAccount } from './account-unread.ts'
import { accountOpener, OtherAccounts } from './other-accounts.ts'
import { Client } from '../protocol/index.ts'
import type { InvitationOpener } from '../protocol/invitations/batch-opener.ts'
import type { InvitationWorkersView } from '../extension/views.ts'

export interface Platform {
  local: StorageArea
  session: StorageArea
  indexedDB: IDBFactory
  fetch: typeof fetch
  version: string
  hasHostPermission(pattern: string): Promise<boolean>
  setBadge(text: string): Promise<void>
  notify(id: string, options: { title: string; message: string }): Promise<void>
  /** Opens an extension page (path relative to the extension root) in a tab. */
  openTab(path: string): Promise<void>
  openWindow(path: string, size: { width: number; height: number }): Promise<number>
  onWindowClosed(listener: (windowId: number) => void): () => void
  windowExists(windowId: number): Promise<boolean>
  findWindow(path: string): Promise<number | null>
  /** A cheap extension API call that resets the worker's idle timer. */
  keepalivePing(): Promise<unknown>
  /** The secp256k1 backend now, and when the WebAssembly one has been installed (or has failed). */
  cryptoBackend: { info(): { name: string; fallbackReason?: string }; ready: Promise<unknown> }
  /** Opens a listing's pages of invitations on worker threads where the browser allows (offload/); default: this thread. */
  invitationOffload?: { open: InvitationOpener; warm(): Promise<boolean>; status(): InvitationWorkersView }
  now?: () => number
  /** PBKDF2 rounds (tests lower it; production uses the vault's floor). */
  iterations?: number
  retryDelaysMs?: number[]
  /** Extra handler domains (the dapp and site handlers), given the context. */
  domains?: (ctx: BackgroundContext) => Partial<HandlerTable>
  onInternalError?: (method: string, error: unknown) => void
}

/** Alarm names: the polling tick (also re-checks auto-lock and the node). */
export const POLL_ALARM = 'parley/poll'
export const POLL_PERIOD_MINUTES = 1
/** How long after the last message the stream stays open without a page. */
export const RECENT_FLOW_MS = 3 * 60_000
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
  onAlarm(name: string): Promise<void>
  onNotificationClicked(id: string): Promise<void>
  /** Runs the wake checks (auto-lock) after start-up; every entry point calls it. */
  wake(): Promise<void>
}

export function createBackground(platform: Platform): Background {
  const now = platform.now ?? Date.now
  const startedAt = now()
  const vault = new Wallet({ local: platform.local, session: platform.session, now, ...(platform.iterations ? { iterations: platform.iterations } : {}) })
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
    appVersion: `parley/${platform.version}`,
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
      const status = await vault.status()
      return status.locked ? { accounts: [], activeAccountId: null } : { accounts: status.accounts, activeAccountId: status.activeAccountId }
    },
    open: accountOpener({
      nodeUrl,
      indexedDB: platform.indexedDB,
      identities,
      deriveKey: (purpose) => vault.deriveKey(purpose),
      createClient: (options) =>
        Client.create(null, { ...options, fetch: observedFetch, appVersion: `parley/${platform.version}`, ...(platform.invitationOffload ? { openInvitations: platform.invitationOffload.open } : {}) }),
      now,
      fetchAttachment: (u) => platform.fetch(u),
    }),
    onMessages: (account, conversation, messages) => void attention.onMessages(conversation, messages, account),
  })

  const broadcast = (event: ExtensionEvent) => hub.broadcast(event)
  const walletEvent = async () => broadcast({ type: 'wallet', status: { ...(await vault.status()), session: sessions.view() } })

  // ─── streaming: pages connected, or recent flow ───
  let pageHold: (() => void) | undefined
  let recentHold: { release: () => void; timer: ReturnType<typeof setTimeout> } | undefined
  const holdStream = (session: ActiveSession, reason: string) => {
    const releaseData = session.data.holdStream(reason)
    const releaseKeepalive = keepalive.hold(reason)
    return () => {
      releaseData()
      releaseKeepalive()
    }
  }
  const releaseAll = () => {
    pageHold?.()
    pageHold = undefined
    if (recentHold) {
      clearTimeout(recentHold.timer)
      recentHold.release()
      recentHold = undefined
    }
  }
  const applyPagePresence = () => {
    const session = sessions.active()
    if (session && hub.connected > 0 && !pageHold) pageHold = holdStream(session, 'page')
    if ((hub.connected === 0 || !session) && pageHold) {
      pageHold()
      pageHold = undefined
    }
  }
  const holdRecent = (session: ActiveSession, untilMs: number) => {
    const left = untilMs - now()
    if (left <= 0) return
    if (recentHold) clearTimeout(recentHold.timer)
    const release = recentHold?.release ?? holdStream(session, 'recent')
    const timer = setTimeout(() => {
      if (recentHold?.timer === timer) {
        recentHold.release()
        recentHold = undefined
      }
    }, left)
    recentHold = { release, timer }
  }
  hub.onPresence(() => {
    applyPagePresence()
    nodeMonitor.pagesChanged()
  })

  // ─── session lifecycle ───
  let unsubscribers: (() => void)[] = []
  sessions.onView(() => void walletEvent())
  sessions.onSessionChange((session) => {
    for (const off of unsubscribers) off()
    unsubscribers = []
    releaseAll()
    if (!session) {
      void attention.updateBadge(0)
      return
    }
    const { data } = session
    // unreadTotal() scans every cached conversation: at most one scan per BADGE_COALESCE_MS,
    // however many conversations a first sync reports (one scan per event was O(n²)).
    let badgeTimer: ReturnType<typeof setTimeout> | undefined
    const refreshBadge = () => {
      if (badgeTimer !== undefined) return
      badgeTimer = setTimeout(() => {
        badgeTimer = undefined
        if (sessions.active() !== session) return
        void data.unreadTotal().then((n) => attention.updateBadge(n)).catch(() => {})
      }, BADGE_COALESCE_MS)
    }
    unsubscribers.push(() => clearTimeout(badgeTimer))
    unsubscribers.push(
      data.onMessages((topic, messages, conversation) => {
        broadcast({ type: 'messages', topic, messages })
        void platform.session.set({ [LAST_FLOW_KEY]: now() })
        holdRecent(session, now() + RECENT_FLOW_MS)
        void attention.onMessages(conversation, messages)
        refreshBadge()
      }),
      data.onConversation((conversation) => {
        broadcast({ type: 'conversation', conversation })
        refreshBadge()
      }),
      data.onSyncStatus((status) => broadcast({ type: 'sync', status })),
    )
    applyPagePresence()
    // Every worker start (and every unlock): fill the gap since the last run, then keep
    // streaming if messages were flowing just before the worker stopped.
    void data.syncNow().catch(() => {})
    refreshBadge()
    void platform.session.get(LAST_FLOW_KEY).then((stored) => {
      const last = stored[LAST_FLOW_KEY]
      if (typeof last === 'number' && sessions.active() === session) holdRecent(session, last + RECENT_FLOW_MS)
    })
  })
  vault.onChange(() => {
    void walletEvent()
    void sessions.sync().catch(() => {})
  })
  settings.onChange((next: SettingsView, previous: SettingsView) => {
    if (next.nodeUrl !== previous.nodeUrl) nodeMonitor.urlChanged()
  })

  const sessionListeners = new Set<(session: ActiveSession | null) => void>()
  sessions.onSessionChange((session) => sessionListeners.forEach((listener) => listener(session)))
  const context: BackgroundContext = {
    wallet: vault,
    activeSession: () => sessions.active(),
    onSessionChange: (listener) => {
      sessionListeners.add(listener)
      return () => sessionListeners.delete(listener)
    },
    local: platform.local,
    session: platform.session,
    openWindow: platform.openWindow,
    onWindowClosed: platform.onWindowClosed,
    windowExists: platform.windowExists,
    findWindow: platform.findWindow,
    now,
  }

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

  const forgetAccount = async (account: { address: string }) => {
    await identities.forget(account.address)
    const suffix = `/${account.address.toLowerCase()}`
    const databases = typeof platform.indexedDB.databases === 'function' ? await platform.indexedDB.databases() : []
    for (const db of databases) {
      if (db.name?.startsWith('parley/') && db.name.endsWith(suffix)) platform.indexedDB.deleteDatabase(db.name)
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
        forgetAccount,
        diagnostics,
        unreadByAccount: async () => {
          const status = await vault.status()
          return unreadByAccount({
            accounts: status.accounts,
            activeAccountId: status.activeAccountId,
            activeUnread: async () => (await sessions.active()?.data.unreadTotal()) ?? null,
            nodeUrl: await nodeUrl(),
            indexedDB: platform.indexedDB,
            deriveKey: (purpose) => vault.deriveKey(purpose),
          })
        },
        discoverAccounts: async () => {
          const apiUrl = await nodeUrl()
          return discoverAccounts({
            nextDerivedAddresses: (count) => vault.nextDerivedAddresses(count),
            addAccount: () => vault.addAccount(undefined, { activate: false }),
            onXmtp: (addresses) => Client.canMessage(addresses, { apiUrl, fetch: observedFetch, appVersion: `parley/${platform.version}` }),
          })
        },
      }),
      ...createMessagingHandlers({
        activeData: () => sessions.active()?.data ?? null,
        locked: async () => (await vault.status()).locked,
        sessionView: () => sessions.view(),
        whenSettled: () => sessions.whenSettled(),
        cachedConversations: async (filter, limit) => {
          return sessions.readPendingStore((store) => listCachedConversations(store, filter, limit === undefined ? {} : { limit }))
        },
        openTab: (topic) => platform.openTab(tabViewPath(topic)),
        readReceipts: async () => (await settings.get()).readReceipts,
      }),
      ...(platform.domains?.(context) ?? {}),
    },
  )
  const inner = createDispatcher(METHODS, handlers, platform.onInternalError ? { onInternalError: platform.onInternalError } : {})

  const ready = (async () => {
    await vault.resume().catch(() => false)
    markBoot('vault-resumed')
    await sessions.sync().catch(() => {})
    markBoot('session-started')
  })()
  const answered = new Set<string>()

  const wake = async () => {
    await ready
    if (!(await vault.status()).locked && (await vault.checkAutoLock())) await sessions.sync()
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
      let response: Awaited<ReturnType<typeof inner>>
      try {
        await wake()
        response = await inner(message, caller)
      } finally {
        release?.()
      }
      // The first answer of each method this worker gives, on its start-up timeline.
      if (typeof method === 'string' && Object.hasOwn(METHODS, method) && !answered.has(method)) {
        answered.add(method)
        markBoot(`answered ${method}`)
      }
      return response
    },
    acceptEventsPort: (port) => {
      const accepted = hub.accept(port)
      if (accepted) void wake().then(walletEvent)
      return accepted
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
