// Everything the dapp side of the background shares, built once where the background is
// assembled (app.ts): the site permissions, the approval queue, the rate limiter and the
// events hub. The handler factories (handlers.ts) and the events port (attachDappEventsPort)
// are given that one instance.
import { dappErrors } from './errors.ts'
import type { ContentInput, SiteScope } from '../../extension/views.ts'
import type { ActiveSession, BackgroundContext } from '../contracts.ts'
import { Approvals, type ApprovalRecord, type Decision } from './approvals.ts'
import { DappEventHub } from './event-hub.ts'
import { permissionsOf, SitePermissions, type SiteConnection } from './permissions.ts'
import { DEFAULT_DAPP_RATE_LIMIT, OriginRateLimiter, type RateLimitOptions } from './rate-limit.ts'
import { SiteGuard } from './site-guard.ts'

/** What approving a pending request does (stored with it in storage.session, so plain JSON). */
export type DappAction =
  | { type: 'connect'; scopes: SiteScope[] }
  | { type: 'permissions'; accountAddress: string; scopes: SiteScope[] }
  /** A conversation with a new peer (`peerAddress`) is only started once the user approved. */
  | { type: 'send'; accountAddress: string; target: SendTarget; content: ContentInput }

/**
 * Where a site's message goes: a conversation it may read, by topic, or its own conversation
 * with a peer (context.conversationId = the site's namespace), found or started on send.
 */
export type SendTarget = { topic: string } | { peerAddress: string; conversationId: string }

export interface DappServices {
  ctx: BackgroundContext
  permissions: SitePermissions
  approvals: Approvals<DappAction>
  /** Embargoes and blocks: which sites may open an approval window. */
  guard: SiteGuard
  limiter: OriginRateLimiter
  hub: DappEventHub
  /** The active account's address, or null while locked / before a vault exists. */
  activeAddress(): Promise<string | null>
  /**
   * What xmtp_accounts answers: [] when locked or not connected; [address] once that account
   * answers requests (waits a bounded time while its session is prepared, then 4900).
   */
  accountsFor(origin: string): Promise<string[]>
  /** [address] once the account answers requests (bounded wait), else 4900 "still preparing". */
  answering(address: string): Promise<string[]>
  /** The origin's connection; throws 4900 while locked or not ready. */
  requireConnection(origin: string): Promise<SiteConnection>
}

/** Sends into a topic, or into the site's (found or new) conversation with a peer: never the user's personal one. */
export async function sendTo(session: ActiveSession, target: SendTarget, content: ContentInput) {
  const topic = 'topic' in target
    ? target.topic
    : (await session.data.newConversation(target.peerAddress, { conversationId: target.conversationId, metadata: {} })).topic
  return session.data.send(topic, content)
}

/** How long xmtp_accounts / xmtp_requestAccounts wait for an account that is still being prepared. */
const ANSWER_WAIT_MS = 15_000

export interface DappServiceOptions {
  rateLimit?: RateLimitOptions
}

export function createDappServices(ctx: BackgroundContext, options: DappServiceOptions = {}): DappServices {
  const permissions = new SitePermissions(ctx.local, () => ctx.now())

  async function activeAddress(): Promise<string | null> {
    if (ctx.wallet.locked) return null // known in memory: no storage read while locked
    const status = await ctx.wallet.status()
    if (!status.initialized || status.locked) return null
    return status.accounts.find((a) => a.id === status.activeAccountId)?.address ?? null
  }

  const isAnswering = (address: string) => ctx.activeSession()?.account.address.toLowerCase() === address.toLowerCase()

  /** Resolves true once the account's session is ready (false after `timeoutMs`). */
  function whenAnswering(address: string, timeoutMs: number): Promise<boolean> {
    if (isAnswering(address)) return Promise.resolve(true)
    return new Promise((resolve) => {
      const done = (ready: boolean) => {
        clearTimeout(timer)
        stop()
        resolve(ready)
      }
      const stop = ctx.onSessionChange(() => {
        if (isAnswering(address)) done(true)
      })
      const timer = setTimeout(() => done(isAnswering(address)), timeoutMs)
    })
  }

  async function answering(address: string): Promise<string[]> {
    if (await whenAnswering(address, ANSWER_WAIT_MS)) return [address]
    throw dappErrors.notReady()
  }

  async function accountsFor(origin: string): Promise<string[]> {
    const address = await activeAddress()
    if (address === null) return []
    return (await permissions.get(origin, address)) ? answering(address) : []
  }

  /** For accountsChanged: like accountsFor, but null (announce nothing yet) while the account is prepared. */
  async function announcedAccounts(origin: string): Promise<string[] | null> {
    const address = await activeAddress()
    if (address === null || !(await permissions.get(origin, address))) return []
    return isAnswering(address) ? [address] : null
  }

  async function connectionOf(origin: string): Promise<SiteConnection | null> {
    const session = ctx.activeSession()
    if (!session) return null
    return { session, grant: await permissions.get(origin, session.account.address) }
  }

  async function requireConnection(origin: string): Promise<SiteConnection> {
    const found = await connectionOf(origin)
    if (found) return found
    // An unlocked wallet exists; without a vault the wallet is locked too.
    throw ctx.wallet.locked ? dappErrors.locked() : dappErrors.notReady()
  }

  async function perform(record: ApprovalRecord<DappAction>, decision: Decision): Promise<unknown> {
    const { action, view } = record
    switch (action.type) {
      case 'connect': {
        // Asked while locked, the window offered to unlock: connect the account active now.
        const address = await activeAddress()
        if (address === null) throw dappErrors.locked()
        await permissions.grant(view.origin, address, action.scopes)
        return answering(address)
      }
      case 'permissions': {
        const grant = await permissions.grant(view.origin, action.accountAddress, action.scopes)
        return permissionsOf(view.origin, grant)
      }
      case 'send': {
        const { session } = await requireConnection(view.origin)
        if (session.account.address.toLowerCase() !== action.accountAddress.toLowerCase()) throw dappErrors.notConnected()
        if (decision.remember === 'sendWithoutConfirm') await permissions.grant(view.origin, action.accountAddress, ['sendWithoutConfirm'])
        return sendTo(session, action.target, action.content)
      }
    }
  }

  const guard = new SiteGuard({ sessionStorage: ctx.sessionStorage, local: ctx.local, now: () => ctx.now() })
  const approvals = new Approvals<DappAction>({
    guard,
    sessionStorage: ctx.sessionStorage,
    openWindow: (path, size) => ctx.openWindow(path, size),
    onWindowClosed: (listener) => ctx.onWindowClosed(listener),
    windowExists: (windowId) => ctx.windowExists(windowId),
    findWindow: (path) => ctx.findWindow(path),
    perform,
    now: () => ctx.now(),
  })

  const hub = new DappEventHub({ accountsFor: announcedAccounts, connectionOf })
  // The events hub starts from the session now; the assembly tells it of later changes.
  hub.setSession(ctx.activeSession())
  permissions.onChange((origin) => void hub.refresh(origin))

  return {
    ctx,
    permissions,
    approvals,
    guard,
    limiter: new OriginRateLimiter({ ...DEFAULT_DAPP_RATE_LIMIT, ...options.rateLimit, now: () => ctx.now() }),
    hub,
    activeAddress,
    accountsFor,
    answering,
    requireConnection,
  }
}
