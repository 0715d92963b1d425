// A BackgroundContext for Node unit tests of the dapp side: in-memory storage areas, a wallet
// that can lock and switch accounts, an AccountData with scripted conversations that records
// sends, and windows that tests open and close by hand. Only what the dapp side uses is real;
// the rest of AccountData throws so a test notices when it is reached.
import { Listeners } from '../../../state/listeners.ts'
import type { ContentInput, ConversationView, MessageView } from '../../../extension/views.ts'
import type { AccountData, ActiveSession, BackgroundContext, WalletService, WalletStatusCore } from '../../contracts.ts'

/** The background's in-memory storage area, under the name these tests use. */
export { MemoryStorageArea as MemoryStorage } from '../../testing/memory-storage.ts'
import { MemoryStorageArea as MemoryStorage } from '../../testing/memory-storage.ts'

export const ALICE = '0x1111111111111111111111111111111111111111'
export const BOB = '0x2222222222222222222222222222222222222222'
export const CAROL = '0x3333333333333333333333333333333333333333'
export const STRANGER = '0x9999999999999999999999999999999999999999'

export function conversation(topic: string, peerAddress: string, conversationId?: string): ConversationView {
  return {
    topic,
    peerAddress,
    version: 'v2',
    createdAt: 1000,
    ...(conversationId ? { context: { conversationId, metadata: {} } } : {}),
    consent: 'allowed',
    unreadCount: 2,
    muted: false,
  }
}

export class FakeAccountData implements AccountData {
  readonly conversations = new Map<string, ConversationView>()
  readonly sent: Array<{ topic: string; content: ContentInput }> = []
  readonly onXmtp = new Set<string>([BOB.toLowerCase(), CAROL.toLowerCase()])
  holds = 0
  #messageListeners = new Set<(topic: string, messages: MessageView[], conversation: ConversationView) => void>()
  #counter = 0

  constructor(readonly address: string) {}

  async listConversations(): Promise<ConversationView[]> {
    return [...this.conversations.values()]
  }
  async getConversation(topic: string): Promise<ConversationView | null> {
    return this.conversations.get(topic) ?? null
  }
  async newConversation(peerAddress: string, context?: { conversationId: string; metadata: Record<string, string> }): Promise<ConversationView> {
    const existing = [...this.conversations.values()].find(
      (c) => c.peerAddress === peerAddress && c.context?.conversationId === context?.conversationId,
    )
    if (existing) return existing
    const c = conversation(`/xmtp/0/m-${++this.#counter}-${peerAddress.slice(2, 8)}/proto`, peerAddress, context?.conversationId)
    this.conversations.set(c.topic, c)
    return c
  }
  async canMessage(peerAddress: string): Promise<boolean> {
    return this.onXmtp.has(peerAddress.toLowerCase())
  }
  async listMessages(topic: string) {
    return { messages: [message(topic, 'a'.repeat(64), this.address, 'hi')], hasMore: false }
  }
  async send(topic: string, content: ContentInput): Promise<MessageView> {
    this.sent.push({ topic, content })
    return { ...message(topic, (this.sent.length.toString(16)).padStart(64, '0'), this.address, content.type === 'text' ? content.text : ''), delivery: 'pending' }
  }
  holdStream(): () => void {
    this.holds++
    return () => this.holds--
  }
  onMessages(listener: (topic: string, messages: MessageView[], conversation: ConversationView) => void): () => void {
    this.#messageListeners.add(listener)
    return () => this.#messageListeners.delete(listener)
  }
  /** Test helper: a message arrives. */
  arrive(topic: string, msg: MessageView): void {
    const c = this.conversations.get(topic)
    if (!c) throw new Error('no such conversation')
    for (const listener of [...this.#messageListeners]) listener(topic, [msg], c)
  }
  retry = notUsed
  loadAttachment = notUsed
  markRead = notUsed
  setMuted = notUsed
  setConsent = notUsed
  search = notUsed
  unreadTotal = notUsed
  outboxSize = notUsed
  syncStatus = notUsed as () => never
  syncNow = notUsed
  onConversation = () => () => {}
  onSyncStatus = () => () => {}
  close = async () => {}
}

function notUsed(): never {
  throw new Error('not used by the dapp side')
}

export function message(topic: string, id: string, senderAddress: string, text: string): MessageView {
  return { id, topic, senderAddress, sentAt: 5000, content: { type: 'text', text }, delivery: 'sent' }
}

export class FakeWallet implements WalletService {
  locked = false
  activeAccountId = 'acc-1'
  readonly accounts = [
    { id: 'acc-1', label: 'Main', address: ALICE, kind: 'phrase' as const, index: 0 },
    { id: 'acc-2', label: 'Second', address: '0x4444444444444444444444444444444444444444', kind: 'phrase' as const, index: 1 },
  ]
  #listeners = new Listeners<[status: WalletStatusCore]>('fake wallet change')

  async status(): Promise<WalletStatusCore> {
    return { initialized: true, locked: this.locked, accounts: this.accounts, activeAccountId: this.activeAccountId, autoLockAt: null }
  }
  async privateKeyOf(): Promise<Uint8Array> {
    throw new Error('the dapp side must never ask for keys')
  }
  async deriveKey(): Promise<Uint8Array> {
    throw new Error('the dapp side must never ask for keys')
  }
  onChange(listener: (status: WalletStatusCore) => void): () => void {
    return this.#listeners.add(listener)
  }
  async emit(): Promise<void> {
    this.#listeners.emit(await this.status())
  }
}

export class FakeContext implements BackgroundContext {
  readonly wallet = new FakeWallet()
  readonly data = new Map<string, FakeAccountData>()
  readonly opened: string[] = []
  #session: ActiveSession | null = null
  #sessionListeners = new Listeners<[session: ActiveSession | null]>('fake session change')
  #closeListeners = new Listeners<[windowId: number]>('fake window closed')
  #nextWindow = 100
  clock = 1_000_000

  constructor(
    readonly local: MemoryStorage = new MemoryStorage(),
    readonly sessionStorage: MemoryStorage = new MemoryStorage(),
    /** The browser's windows: shared by the contexts of one browser's successive workers. */
    readonly openWindows = new Map<number, string>(),
  ) {
    this.#session = this.#sessionFor()
  }

  /** The account's data (created on first use, kept across lock/unlock). */
  dataOf(address: string): FakeAccountData {
    let data = this.data.get(address)
    if (!data) this.data.set(address, (data = new FakeAccountData(address)))
    return data
  }

  /** Accounts whose XMTP session is still being prepared (unlocked, but not answering yet). */
  readonly preparing = new Set<string>()

  #sessionFor(): ActiveSession | null {
    if (this.wallet.locked || this.preparing.has(this.wallet.activeAccountId)) return null
    const account = this.wallet.accounts.find((a) => a.id === this.wallet.activeAccountId)!
    return { account, data: this.dataOf(account.address) }
  }

  activeSession(): ActiveSession | null {
    return this.#session
  }
  onSessionChange(listener: (session: ActiveSession | null) => void): () => void {
    return this.#sessionListeners.add(listener)
  }
  async setLocked(locked: boolean): Promise<void> {
    this.wallet.locked = locked
    await this.#changed()
  }
  async selectAccount(id: string): Promise<void> {
    this.wallet.activeAccountId = id
    await this.#changed()
  }
  /** The account's session became ready (the real background fires onSessionChange only). */
  sessionReady(id: string): void {
    this.preparing.delete(id)
    this.#session = this.#sessionFor()
    this.#sessionListeners.emit(this.#session)
  }
  async #changed(): Promise<void> {
    this.#session = this.#sessionFor()
    this.#sessionListeners.emit(this.#session)
    await this.wallet.emit()
  }

  async openWindow(path: string): Promise<number> {
    const id = Math.max(this.#nextWindow++, ...this.openWindows.keys()) + 1
    this.openWindows.set(id, path)
    this.opened.push(path)
    return id
  }
  onWindowClosed(listener: (windowId: number) => void): () => void {
    return this.#closeListeners.add(listener)
  }
  async windowExists(id: number): Promise<boolean> {
    return this.openWindows.has(id)
  }
  async findWindow(path: string): Promise<number | null> {
    return [...this.openWindows].find(([, shown]) => shown === path)?.[0] ?? null
  }
  /** The user closes a window. */
  closeWindow(id: number): void {
    this.openWindows.delete(id)
    this.#closeListeners.emit(id)
  }
  now(): number {
    return this.clock
  }
}

/** The approval id in the newest opened window's URL. */
export function approvalIdOf(path: string | undefined): string {
  const id = path ? new URL(path, 'chrome-extension://x/').searchParams.get('id') : null
  if (!id) throw new Error(`no approval id in ${path}`)
  return id
}

/** A port pair end as the hub sees it, recording what it was sent. */
export class FakePort {
  readonly received: unknown[] = []
  disconnected = false
  #onMessage = new Set<(message: unknown) => void>()
  #onDisconnect = new Set<() => void>()
  readonly onMessage = { addListener: (l: (message: unknown) => void) => void this.#onMessage.add(l) }
  readonly onDisconnect = { addListener: (l: () => void) => void this.#onDisconnect.add(l) }
  postMessage(message: unknown): void {
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object')
    this.received.push(structuredClone(message))
  }
  disconnect(): void {
    this.disconnected = true
  }
  /** The other side sends. */
  send(message: unknown): void {
    for (const l of [...this.#onMessage]) l(structuredClone(message))
  }
  /** The other side goes away. */
  drop(): void {
    this.disconnected = true
    for (const l of [...this.#onDisconnect]) l()
  }
}
