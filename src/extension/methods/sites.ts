// RPC methods Parley's own pages use to manage what dapps may do: the connected sites listed in
// Settings, and the approval window's pending requests. `exposure: 'extension'`.
// The dapp-facing xmtp_* methods live in methods/dapp.ts.
import { extensionMethod, noParams, REPEATABLE } from '../method-spec.ts'
import { addressField, objectParams, onlyFields, oneOf, optionalString, stringField } from '../params.ts'
import type { ApprovalView, BlockedSiteView, SiteScope, SiteView } from '../views.ts'
import { SITE_SCOPES } from './dapp.ts'

export const SITE_METHODS = {
  /** Sites connected to any account, with their scopes. */
  sites_list: extensionMethod<undefined, { sites: SiteView[] }>(noParams, REPEATABLE),
  /** Revokes every scope of a site at once (open subscriptions end too). */
  sites_revoke: extensionMethod<{ origin: string }, { sites: SiteView[] }>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['origin'], m)
    return { origin: stringField(f, 'origin', m, { max: 2048 }) }
  }, REPEATABLE),
  /** Removes one scope of a site for one account (a site left with none is disconnected). */
  sites_removeScope: extensionMethod<{ origin: string; accountAddress: string; scope: SiteScope }, { sites: SiteView[] }>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['origin', 'accountAddress', 'scope'], m)
    return {
      origin: stringField(f, 'origin', m, { max: 2048 }),
      accountAddress: addressField(f, 'accountAddress', m),
      scope: oneOf(f, 'scope', m, SITE_SCOPES),
    }
  }, REPEATABLE),
  /** Sites blocked from the approval window ("Block this site"). */
  sites_blocked: extensionMethod<undefined, { blocked: BlockedSiteView[] }>(noParams, REPEATABLE),
  /** Lifts a block (and any embargo after repeated rejections). */
  sites_unblock: extensionMethod<{ origin: string }, { blocked: BlockedSiteView[] }>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['origin'], m)
    return { origin: stringField(f, 'origin', m, { max: 2048 }) }
  }, REPEATABLE),
  /** The pending request an approval window shows (its id is in the window's URL). */
  approvals_get: extensionMethod<{ id: string }, ApprovalView | null>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['id'], m)
    return { id: stringField(f, 'id', m, { max: 64 }) }
  }, REPEATABLE),
  /**
   * The user's answer; `remember` (for send) allows sends from that site without asking again;
   * 'block' rejects and blocks the site (its requests get 4001 until unblocked; it is disconnected).
   */
  approvals_resolve: extensionMethod<{ id: string; decision: 'approve' | 'reject' | 'block'; remember?: string }, { ok: true }>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['id', 'decision', 'remember'], m)
    const remember = optionalString(f, 'remember', m, { max: 32 })
    return {
      id: stringField(f, 'id', m, { max: 64 }),
      decision: oneOf(f, 'decision', m, ['approve', 'reject', 'block'] as const),
      ...(remember === undefined ? {} : { remember }),
    }
  }, REPEATABLE),
} as const
