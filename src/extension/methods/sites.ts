// RPC methods Parley's own pages use to manage what dapps may do: the connected sites listed in
// Settings, and the approval window's pending requests. `exposure: 'extension'`.
// The dapp-facing xmtp_* methods live in methods/dapp.ts.
import { extensionMethod, noParams, REPEATABLE } from '../method-spec.ts'
import { objectParams, onlyFields, oneOf, optionalString, stringField } from '../params.ts'
import type { ApprovalView, SiteView } from '../views.ts'

export const SITE_METHODS = {
  /** Sites connected to any account, with their scopes. */
  sites_list: extensionMethod<undefined, { sites: SiteView[] }>(noParams, REPEATABLE),
  /** Revokes every scope of a site at once (open subscriptions end too). */
  sites_revoke: extensionMethod<{ origin: string }, { sites: SiteView[] }>((raw, m) => {
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
  /** The user's answer; `remember` (for send) allows sends from that site without asking again. */
  approvals_resolve: extensionMethod<{ id: string; decision: 'approve' | 'reject'; remember?: string }, { ok: true }>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['id', 'decision', 'remember'], m)
    const remember = optionalString(f, 'remember', m, { max: 32 })
    return {
      id: stringField(f, 'id', m, { max: 64 }),
      decision: oneOf(f, 'decision', m, ['approve', 'reject'] as const),
      ...(remember === undefined ? {} : { remember }),
    }
  }, REPEATABLE),
} as const
