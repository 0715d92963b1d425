// Test-only: an in-memory stand-in for the background that answers the popup's RPC methods and
// pushes events, for component tests and for previewing screens before the real background is
// wired. Never imported by the shipped bundle (src/popup/main.tsx uses platform/browser.ts).
import { ERROR_CODES, providerErrors } from '../../extension/dapp-visible.ts'
import { ProviderRpcError } from '../../extension/rpc-error.ts'
import type { ExtensionEvent } from '../../extension/events.ts'
import type { MethodName, ParamsOf, ResultOf } from '../../extension/messages.ts'
import type { RpcClient } from '../../extension/rpc-client.ts'
import type { AccountView, ContentInput, ConversationView, MessageContentView, MessageView, NodeStatusView, SettingsView, SiteView, WalletStatus } from '../../extension/views.ts'
import { Listeners } from '../../state/listeners.ts'
import type { EventChannel, Platform, ViewKind } from '../platform/types.ts'

export const DEMO_PHRASE = 'orbit lunar canvas velvet pigeon harbor frost mango ticket silent remind anchor'

type Handler = (params: never) => unknown

export interface FakeOptions {
  view?: ViewKind
  initialized?: boolean
  locked?: boolean
  password?: string
  now?: number
  /** Addresses peers_canMessage answers false for. */
  notOnNetwork?: string[]
}

export class FakeBackground implements Platform {
  readonly view: ViewKind
  readonly calls: Array<{ method: string; params: unknown }> = []
  private readonly listeners = new Listeners<[event: ExtensionEvent]>('fake background event')
  private readonly connectionListeners = new Listeners<[connected: boolean]>('fake events port connection')
  viewing: string | null = null
  initialized: boolean
  locked: boolean
  password: string
  accounts: AccountView[] = []
  activeAccountId: string | null = null
  session: WalletStatus['session'] = { state: 'ready' }
  settings: SettingsView = { nodeUrl: 'http://127.0.0.1:5555', autoLockMinutes: 15, notifications: true, readReceipts: true, notifyAllAccounts: true }
  node: NodeStatusView
  sites: SiteView[] = []
  conversations = new Map<string, ConversationView[]>()
  messages = new Map<string, MessageView[]>()
  notOnNetwork: Set<string>
  now: number
  private seq = 0

  constructor(options: FakeOptions = {}) {
    this.view = options.view ?? 'popup'
    this.initialized = options.initialized ?? false
    this.locked = options.locked ?? false
    this.password = options.password ?? 'correct horse battery'
    this.now = options.now ?? Date.UTC(2026, 11, 2, 14, 30)
    this.node = { url: this.settings.nodeUrl, reachable: true, latencyMs: 4, checkedAt: this.now }
    this.notOnNetwork = new Set((options.notOnNetwork ?? []).map((a) => a.toLowerCase()))
  }

  readonly rpc: RpcClient = {
    call: (async (method: MethodName, params?: unknown) => {
      this.calls.push({ method, params })
      const handler = (this.handlers as Record<string, Handler | undefined>)[method]
      if (!handler) throw new ProviderRpcError(ERROR_CODES.internal, `${method} is not available yet.`)
      return structuredClone(await handler(params as never))
    }) as RpcClient['call'],
  }

  readonly events: EventChannel = {
    subscribe: (l) => this.listeners.add(l),
    onConnection: (l) => this.connectionListeners.add(l),
    setViewing: (topic) => {
      this.viewing = topic
    },
    close: () => {},
  }

  requestHostPermission = async (_origin: string) => true
  closeView = () => {}

  emit(event: ExtensionEvent): void {
    this.listeners.emit(structuredClone(event))
  }

  status(): WalletStatus {
    return { initialized: this.initialized, locked: this.locked, accounts: this.accounts, activeAccountId: this.activeAccountId, session: this.session, autoLockAt: null }
  }

  private requireUnlocked(): string {
    if (!this.initialized || this.locked || !this.activeAccountId) throw new ProviderRpcError(ERROR_CODES.disconnected, 'Parley is locked. Unlock it first.')
    return this.activeAccountId
  }

  private listOf(accountId: string): ConversationView[] {
    let list = this.conversations.get(accountId)
    if (!list) this.conversations.set(accountId, (list = []))
    return list
  }

  private findConversation(topic: string): ConversationView {
    const c = this.listOf(this.requireUnlocked()).find((x) => x.topic === topic)
    if (!c) throw providerErrors.invalidParams('conversations_get', 'no such conversation')
    return c
  }

  addAccount(label: string, address: string): AccountView {
    const account: AccountView = { id: `acct-${this.accounts.length}`, label, address, kind: 'phrase', index: this.accounts.length }
    this.accounts.push(account)
    this.activeAccountId ??= account.id
    return account
  }

  addConversation(peerAddress: string, consent: ConversationView['consent'] = 'allowed', accountId = this.activeAccountId ?? ''): ConversationView {
    const c: ConversationView = { topic: `/xmtp/0/m-${peerAddress.slice(2, 14).toLowerCase()}${accountId}/proto`, peerAddress, version: 'v2', createdAt: this.now - 86_400_000 * 3, consent, unreadCount: 0, muted: false }
    this.listOf(accountId).push(c)
    this.messages.set(c.topic, [])
    return c
  }

  /** Adds a message as if it arrived (or was sent) at `at`; updates the conversation's preview. */
  addMessage(topic: string, senderAddress: string, content: MessageContentView, at: number, delivery: MessageView['delivery'] = 'sent', error?: string): MessageView {
    const m: MessageView = { id: (++this.seq).toString(16).padStart(64, '0'), topic, senderAddress, sentAt: at, content, delivery, ...(error ? { error } : {}) }
    this.messages.get(topic)?.push(m)
    for (const list of this.conversations.values()) {
      const c = list.find((x) => x.topic === topic)
      if (!c) continue
      if (content.type !== 'reaction' && content.type !== 'readReceipt') c.lastMessage = { id: m.id, senderAddress, sentAt: at, text: preview(content) }
      const me = this.accounts.find((a) => a.id === this.activeAccountId)?.address.toLowerCase()
      if (senderAddress.toLowerCase() !== me && content.type !== 'readReceipt' && content.type !== 'reaction') c.unreadCount++
    }
    return m
  }

  /** Delivers an incoming message through the events port, as the stream would. */
  deliver(topic: string, senderAddress: string, content: MessageContentView): MessageView {
    const m = this.addMessage(topic, senderAddress, content, (this.now += 1000))
    this.emit({ type: 'messages', topic, messages: [m] })
    this.emit({ type: 'conversation', conversation: this.findConversation(topic) })
    return m
  }

  private readonly handlers: { [M in MethodName]?: (params: ParamsOf<M>) => ResultOf<M> | Promise<ResultOf<M>> } = {
    ping: () => ({ pong: true, version: '0.1.0', startedAt: 1 }),
    wallet_status: () => this.status(),
    wallet_generatePhrase: () => ({ phrase: DEMO_PHRASE }),
    wallet_create: ({ password }) => {
      this.initialized = true
      this.locked = false
      this.password = password
      this.addAccount('Account 1', '0x5B38Da6a701c568545dCfcB03FcB875f56beddC4')
      this.session = { state: 'creating', step: 'Publishing your contact bundle' }
      return this.status()
    },
    wallet_import: ({ password }) => {
      this.initialized = true
      this.locked = false
      this.password = password
      this.addAccount('Account 1', '0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2')
      this.session = { state: 'restoring', step: 'Fetching your keys from the network' }
      return this.status()
    },
    wallet_unlock: ({ password }) => {
      if (password !== this.password) throw providerErrors.invalidParams('wallet_unlock', 'wrong password')
      this.locked = false
      return this.status()
    },
    wallet_restore: ({ password, secret }) => {
      this.password = password
      this.locked = false
      this.accounts = []
      this.activeAccountId = null
      this.conversations.clear()
      this.addAccount('Account 1', secret.includes(' ') ? '0x5B38Da6a701c568545dCfcB03FcB875f56beddC4' : '0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2')
      this.session = { state: 'restoring', step: 'Fetching your keys from the network' }
      return this.status()
    },
    wallet_lock: () => {
      this.locked = true
      return this.status()
    },
    wallet_touch: () => ({ autoLockAt: null }),
    session_retry: () => {
      this.session = { state: 'creating', step: 'Signing your identity key' }
      return this.status()
    },
    wallet_reveal: ({ password }) => {
      if (password !== this.password) throw new ProviderRpcError(ERROR_CODES.invalidParams, 'Wrong password.')
      return { kind: 'phrase', secret: DEMO_PHRASE }
    },
    accounts_add: ({ label }) => this.addAccount(label ?? `Account ${this.accounts.length + 1}`, `0x${(this.accounts.length + 7).toString(16).padStart(40, 'c')}`),
    accounts_rename: ({ accountId, label }) => {
      const a = this.accounts.find((x) => x.id === accountId)
      if (!a) throw providerErrors.invalidParams('accounts_rename', 'no such account')
      a.label = label
      return a
    },
    accounts_import: ({ password, secret, label }) => {
      if (password !== this.password) throw new ProviderRpcError(ERROR_CODES.invalidParams, 'That password is not right.')
      const account = this.addAccount(label ?? `Account ${this.accounts.length + 1}`, `0x${(this.accounts.length + 7).toString(16).padStart(40, 'd')}`)
      if (!secret.includes(' ')) account.kind = 'privateKey'
      this.activeAccountId = account.id
      return account
    },
    accounts_remove: ({ accountId, password }) => {
      if (password !== this.password) throw new ProviderRpcError(ERROR_CODES.invalidParams, 'That password is not right.')
      if (this.accounts.length === 1) throw providerErrors.invalidParams('accounts_remove', 'the last account cannot be removed')
      this.accounts = this.accounts.filter((a) => a.id !== accountId)
      if (this.activeAccountId === accountId) this.activeAccountId = this.accounts[0]!.id
      return this.status()
    },
    accounts_select: ({ accountId }) => {
      this.activeAccountId = accountId
      return this.status()
    },
    accounts_unread: () => ({
      counts: Object.fromEntries(this.accounts.map((a) => [a.id, this.listOf(a.id).reduce((n, c) => n + (c.consent === 'allowed' && !c.muted ? c.unreadCount : 0), 0)])),
    }),
    settings_get: () => this.settings,
    settings_update: (patch) => {
      this.settings = { ...this.settings, ...patch }
      return this.settings
    },
    node_status: () => ({ ...this.node, url: this.settings.nodeUrl }),
    sync_status: () => ({ state: 'idle', streaming: true, lastSyncAt: this.now }),
    sync_now: () => ({ state: 'idle', streaming: true, lastSyncAt: this.now }),
    conversations_list: ({ filter, limit }) => {
      const all = this.listOf(this.requireUnlocked())
      if (filter === 'blocked') return { conversations: all.filter((c) => c.consent === 'denied') }
      const list = all.filter((c) => c.consent !== 'denied')
      const matching = filter === 'all' ? list : list.filter((c) => (filter === 'messages' ? c.consent === 'allowed' : c.consent === 'unknown'))
      // Newest activity first, as the background lists them.
      const ordered = [...matching].sort((a, b) => (b.lastMessage?.sentAt ?? b.createdAt) - (a.lastMessage?.sentAt ?? a.createdAt))
      return { conversations: limit === undefined ? ordered : ordered.slice(0, limit) }
    },
    conversations_get: ({ topic }) => this.findConversation(topic),
    peers_canMessage: ({ peerAddress }) => ({ canMessage: !this.notOnNetwork.has(peerAddress.toLowerCase()) }),
    conversations_new: ({ peerAddress }) => {
      const id = this.requireUnlocked()
      return this.listOf(id).find((c) => c.peerAddress.toLowerCase() === peerAddress.toLowerCase()) ?? this.addConversation(peerAddress)
    },
    messages_list: ({ topic, before, limit }) => {
      const all = (this.messages.get(topic) ?? []).filter((m) => before === undefined || m.sentAt < before)
      return { messages: all.slice(-limit), hasMore: all.length > limit }
    },
    messages_send: ({ topic, content }) => {
      const me = this.accounts.find((a) => a.id === this.requireUnlocked())?.address ?? ''
      this.findConversation(topic).consent = 'allowed'
      return this.addMessage(topic, me, contentView(content), (this.now += 1000), 'pending')
    },
    messages_retry: ({ topic, id }) => {
      const m = this.messages.get(topic)?.find((x) => x.id === id)
      if (!m) throw providerErrors.invalidParams('messages_retry', 'no such message')
      m.delivery = 'pending'
      delete m.error
      return m
    },
    conversations_markRead: ({ topic }) => {
      this.findConversation(topic).unreadCount = 0
      return { unreadTotal: this.listOf(this.requireUnlocked()).reduce((n, c) => n + c.unreadCount, 0) }
    },
    conversations_setMuted: ({ topic, muted }) => {
      const c = this.findConversation(topic)
      c.muted = muted
      return { ...c }
    },
    consent_set: ({ peerAddress, state }) => {
      for (const c of this.listOf(this.requireUnlocked())) if (c.peerAddress.toLowerCase() === peerAddress.toLowerCase()) c.consent = state
      return { peerAddress, state }
    },
    messages_search: ({ query }) => {
      const q = query.toLowerCase()
      const hits = []
      for (const c of this.listOf(this.requireUnlocked())) {
        if (c.peerAddress.toLowerCase().includes(q)) hits.push({ conversation: c })
        for (const m of this.messages.get(c.topic) ?? []) if (m.content.type === 'text' && m.content.text.toLowerCase().includes(q)) hits.push({ conversation: c, message: m })
      }
      return { hits }
    },
    attachments_load: () => ({ filename: 'remote.txt', mimeType: 'text/plain', dataBase64: btoa('hello') }),
    sites_list: () => ({ sites: this.sites }),
    sites_revoke: ({ origin }) => {
      this.sites = this.sites.filter((s) => s.origin !== origin)
      return { sites: this.sites }
    },
    ui_openTab: () => ({ ok: true }),
  }
}

function contentView(input: ContentInput): MessageContentView {
  switch (input.type) {
    case 'reaction':
      return { ...input, schema: 'unicode' }
    case 'reply':
      return { type: 'reply', reference: input.reference, content: { type: 'text', text: input.text } }
    default:
      return input
  }
}

function preview(content: MessageContentView): string {
  if (content.type === 'text') return content.text
  if (content.type === 'reply') return preview(content.content)
  if (content.type === 'attachment') return `📎 ${content.filename}`
  return 'Message'
}
