// The dapp side's refusals (a site not connected, a missing scope, a locked wallet, an approval
// the user rejected, …): DappError, a BackgroundError whose reason names the dapp-visible error
// it becomes. Thrown here with the values the sentence needs; rpc-errors.ts turns it into the
// ProviderRpcError a page sees, built from dapp-visible.ts (the one module of dapp-visible
// strings). The per-origin rate limiter keeps throwing its RPC error directly (rate-limit.ts).
import type { providerErrors } from '../../extension/dapp-visible.ts'
import { BackgroundError } from '../errors.ts'

type Factories = typeof providerErrors

export type DappRefusal =
  | 'unauthorized'
  | 'notConnected'
  | 'missingScope'
  | 'conversationNotAllowed'
  | 'outsideNamespace'
  | 'locked'
  | 'notReady'
  | 'tooManyApprovals'
  | 'siteEmbargoed'
  | 'siteBlocked'
  | 'peerNotOnXmtp'
  | 'userRejectedRequest'
  | 'invalidParams'
  | 'noEventChannel'
  | 'tooManySubscriptions'

export class DappError<R extends DappRefusal = DappRefusal> extends BackgroundError<R> {
  /** What the dapp-visible sentence is built from (a scope, a method and a reason, …). */
  readonly args: Parameters<Factories[R]>

  constructor(reason: R, args: Parameters<Factories[R]>) {
    super(reason, `dapp refusal: ${reason}`)
    this.args = args
  }
}

const refusal =
  <R extends DappRefusal>(reason: R) =>
  (...args: Parameters<Factories[R]>) =>
    new DappError(reason, args)

/** The dapp side's refusals, with the same arguments as the dapp-visible errors they become. */
export const dappErrors = {
  unauthorized: refusal('unauthorized'),
  notConnected: refusal('notConnected'),
  missingScope: refusal('missingScope'),
  conversationNotAllowed: refusal('conversationNotAllowed'),
  outsideNamespace: refusal('outsideNamespace'),
  locked: refusal('locked'),
  notReady: refusal('notReady'),
  tooManyApprovals: refusal('tooManyApprovals'),
  siteEmbargoed: refusal('siteEmbargoed'),
  siteBlocked: refusal('siteBlocked'),
  peerNotOnXmtp: refusal('peerNotOnXmtp'),
  userRejectedRequest: refusal('userRejectedRequest'),
  invalidParams: refusal('invalidParams'),
  noEventChannel: refusal('noEventChannel'),
  tooManySubscriptions: refusal('tooManySubscriptions'),
}
