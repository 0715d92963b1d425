// Everything the dapp side of the background shares, built once per BackgroundContext:
// the site permissions, the approval queue, the rate limiter and the events hub. The handler
// factories (handlers.ts) and the events port (attachDappEventsPort) all reach the same
// instance through dappServicesFor(ctx).
import { providerErrors } from '../../extension/dapp-visible.ts'
import type { DappSendTarget } from '../../extension/methods/dapp.ts'
import type { ContentInput, SiteScope } from '../../extension/views.ts'
import type { ActiveSession, BackgroundContext } from '../services.ts'
import { Approvals, type ApprovalRecord, type Decision } from './approvals.ts'
import { DappEventHub } from './event-hub.ts'
import { permissionsOf, SitePermissions, type SiteGrant } from './permissions.ts'
import { DEFAULT_DAPP_RATE_LIMIT, OriginRateLimiter, type RateLimitOptions } from './rate-limit.ts'

/** What approving a pending request does (stored with it in storage.session, so plain JSON). */
export type DappAction =
  | { type: 'connect'; scopes: SiteScope[] }
  | { type: 'permissions'; accountAddress: string; scopes: SiteScope[] }
  /** A conversation with a new peer (`peerAddress`) is only started once the user approved. */
  | { type: 'send'; accountAddress: string; target: DappSendTarget; content: ContentInput }

export interface DappServices {
  ctx: BackgroundContext
  permissions: SitePermissions
  approvals: Approvals<DappAction>
  limiter: OriginRateLimiter
  hub: DappEventHub
  /** The active account's address, or null while locked / before a vault exists. */
  activeAddress(): Promise<string | null>
  accountsFor(origin: string): Promise<string[]>
  /** The session and the origin's grant; throws 4900 while locked or not ready. */
  requireSession(origin: string): Promise<{ session: ActiveSession; grant: SiteGrant | null }>
}

/** Sends into a topic, or into the (found or new) conversation with a peer. */
export async function sendTo(session: ActiveSession, target: DappSendTarget, content: ContentInput) {
  const topic = 'topic' in target ? target.topic : (await session.data.newConversation(target.peerAddress)).topic
  return session.data.send(topic, content)
}

const cache = new WeakMap<BackgroundContext, DappServices>()

export interface DappServiceOptions {
  rateLimit?: RateLimitOptions
}

export function dappServicesFor(ctx: BackgroundContext, options: DappServiceOptions = {}): DappServices {
  const existing = cache.get(ctx)
  if (existing) return existing
  const services = createDappServices(ctx, options)
  cache.set(ctx, services)
  return services
}

function createDappServices(ctx: BackgroundContext, options: DappServiceOptions): DappServices {
  const permissions = new SitePermissions(ctx.local, () => ctx.now())

  async function activeAddress(): Promise<string | null> {
    const status = await ctx.wallet.status()
    if (!status.initialized || status.locked) return null
    return status.accounts.find((a) => a.id === status.activeAccountId)?.address ?? null
  }

  async function accountsFor(origin: string): Promise<string[]> {
    const address = await activeAddress()
    if (address === null) return []
    return (await permissions.get(origin, address)) ? [address] : []
  }

  async function access(origin: string): Promise<{ session: ActiveSession; grant: SiteGrant | null } | null> {
    const session = ctx.activeSession()
    if (!session) return null
    return { session, grant: await permissions.get(origin, session.account.address) }
  }

  async function requireSession(origin: string) {
    const found = await access(origin)
    if (found) return found
    const status = await ctx.wallet.status()
    throw status.locked || !status.initialized ? providerErrors.locked() : providerErrors.notReady()
  }

  async function perform(record: ApprovalRecord<DappAction>, decision: Decision): Promise<unknown> {
    const { action, view } = record
    switch (action.type) {
      case 'connect': {
        // Asked while locked, the window offered to unlock: connect the account active now.
        const address = await activeAddress()
        if (address === null) throw providerErrors.locked()
        await permissions.grant(view.origin, address, action.scopes)
        return [address]
      }
      case 'permissions': {
        const grant = await permissions.grant(view.origin, action.accountAddress, action.scopes)
        return permissionsOf(view.origin, grant)
      }
      case 'send': {
        const { session } = await requireSession(view.origin)
        if (session.account.address.toLowerCase() !== action.accountAddress.toLowerCase()) throw providerErrors.notConnected()
        if (decision.remember === 'sendWithoutConfirm') await permissions.grant(view.origin, action.accountAddress, ['sendWithoutConfirm'])
        return sendTo(session, action.target, action.content)
      }
    }
  }

  const approvals = new Approvals<DappAction>({
    session: ctx.session,
    openWindow: (path, size) => ctx.openWindow(path, size),
    onWindowClosed: (listener) => ctx.onWindowClosed(listener),
    windowExists: (windowId) => ctx.windowExists(windowId),
    findWindow: (path) => ctx.findWindow(path),
    perform,
    now: () => ctx.now(),
  })

  const hub = new DappEventHub({ accountsFor, access })
  hub.setSession(ctx.activeSession())
  ctx.onSessionChange((session) => hub.setSession(session))
  ctx.wallet.onChange(() => void hub.refresh())
  permissions.onChange((origin) => void hub.refresh(origin))

  return {
    ctx,
    permissions,
    approvals,
    limiter: new OriginRateLimiter({ ...DEFAULT_DAPP_RATE_LIMIT, ...options.rateLimit, now: () => ctx.now() }),
    hub,
    activeAddress,
    accountsFor,
    requireSession,
  }
}
