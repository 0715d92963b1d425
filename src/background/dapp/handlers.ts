// The handlers of the xmtp_* methods (createDappHandlers) and of the popup's site and
// approval methods (createSiteHandlers). The caller's origin always comes from the browser
// (rpc-router.ts classifySender); every dapp call first passes the per-origin rate limit.
// Results are plain views: nothing here ever returns a key, a Client or a class instance.
import { dappErrors } from './errors.ts'
import { CONNECT_SCOPES, type DAPP_METHODS } from '../../extension/methods/dapp.ts'
import type { SITE_METHODS } from '../../extension/methods/sites.ts'
import type { ApprovalSendView, ConversationView, MessagePage, MessageView, SiteScope } from '../../extension/views.ts'
import { frameKeyOf, type Caller, type HandlerTable } from '../rpc-router.ts'
import { canSeeConversation, describeContent, hasScope, inNamespace, siteNamespace, toDappConversation } from './access.ts'
import { permissionsOf } from './permissions.ts'
import { sendTo, type DappServices, type SendTarget } from './service.ts'

export type DappHandlers = Pick<HandlerTable, keyof typeof DAPP_METHODS>
export type SiteHandlers = Pick<HandlerTable, keyof typeof SITE_METHODS>

function originOf(caller: Caller): string {
  // Parley's own pages have no business here; a dapp method needs a web origin.
  if (caller.kind !== 'dapp') throw dappErrors.unauthorized()
  // …and a host to name its namespace by (content scripts run on http and https pages only).
  try {
    siteNamespace(caller.origin)
  } catch {
    throw dappErrors.unauthorized()
  }
  return caller.origin
}

export function createDappHandlers(s: DappServices): DappHandlers {
  /** Rate limit, then the session and a grant holding every scope asked for. */
  async function authorise(caller: Caller, ...scopes: SiteScope[]) {
    const origin = originOf(caller)
    s.limiter.take(origin)
    const { session, grant } = await s.requireConnection(origin)
    if (!grant) throw dappErrors.notConnected()
    for (const scope of scopes) if (!hasScope(grant, scope)) throw dappErrors.missingScope(scope)
    return { origin, session, grant }
  }

  /** A conversation the site may use, or 4100 (also when it does not exist: no probing). */
  async function visibleConversation(a: Awaited<ReturnType<typeof authorise>>, topic: string): Promise<ConversationView> {
    const conversation = await a.session.data.getConversation(topic)
    if (!conversation || !canSeeConversation(a.origin, a.grant, conversation)) throw dappErrors.conversationNotAllowed()
    return conversation
  }

  return {
    async xmtp_requestAccounts(_params, caller) {
      const origin = originOf(caller)
      s.limiter.take(origin)
      const address = await s.activeAddress()
      if (address !== null && (await s.permissions.get(origin, address))) return s.answering(address)
      // Locked (or no vault yet): the approval window offers to unlock first.
      return (await s.approvals.request({ origin, accountAddress: address, kind: 'connect', scopes: [...CONNECT_SCOPES] }, {
        type: 'connect',
        scopes: [...CONNECT_SCOPES],
      })) as string[]
    },

    async xmtp_accounts(_params, caller) {
      const origin = originOf(caller)
      s.limiter.take(origin)
      return s.accountsFor(origin)
    },

    async xmtp_requestPermissions({ scopes }, caller) {
      const origin = originOf(caller)
      s.limiter.take(origin)
      const address = await s.activeAddress()
      if (address === null) throw dappErrors.locked()
      const grant = await s.permissions.get(origin, address)
      const missing = scopes.filter((scope) => !hasScope(grant, scope))
      if (missing.length === 0) return permissionsOf(origin, grant)
      return (await s.approvals.request(
        { origin, accountAddress: address, kind: 'permissions', scopes: missing },
        { type: 'permissions', accountAddress: address, scopes: missing },
      )) as ReturnType<typeof permissionsOf>
    },

    async xmtp_getPermissions(_params, caller) {
      const origin = originOf(caller)
      s.limiter.take(origin)
      const address = await s.activeAddress()
      return address === null ? [] : permissionsOf(origin, await s.permissions.get(origin, address))
    },

    async xmtp_revokePermissions({ scopes }, caller) {
      const origin = originOf(caller)
      s.limiter.take(origin)
      const address = await s.activeAddress()
      if (address === null) throw dappErrors.locked()
      await s.permissions.revoke(origin, address, scopes)
      return null
    },

    async xmtp_canMessage({ peerAddress }, caller) {
      const a = await authorise(caller)
      return a.session.data.canMessage(peerAddress)
    },

    async xmtp_listConversations(_params, caller) {
      const a = await authorise(caller, 'read')
      const all = await a.session.data.listConversations('all')
      return all.filter((c) => canSeeConversation(a.origin, a.grant, c)).map(toDappConversation)
    },

    async xmtp_newConversation({ peerAddress, context }, caller) {
      const a = await authorise(caller, 'send')
      // The namespace rule (access.ts): without a context the site's own conversation with the
      // peer; an id outside the namespace only under readAll. Checked before anything is published.
      const namespace = siteNamespace(a.origin)
      const conversationId = context?.conversationId ?? namespace
      if (!inNamespace(namespace, conversationId) && !hasScope(a.grant, 'readAll')) {
        throw dappErrors.outsideNamespace('xmtp_newConversation', namespace)
      }
      if (!(await a.session.data.canMessage(peerAddress))) throw dappErrors.peerNotOnXmtp()
      const conversation = await a.session.data.newConversation(peerAddress, { conversationId, metadata: context?.metadata ?? {} })
      return toDappConversation(conversation)
    },

    async xmtp_getMessages({ topic, limit, before }, caller): Promise<MessagePage> {
      const a = await authorise(caller, 'read')
      await visibleConversation(a, topic)
      return a.session.data.listMessages(topic, before === undefined ? { limit } : { limit, before })
    },

    async xmtp_sendMessage(params, caller): Promise<MessageView> {
      const a = await authorise(caller, 'send')
      const { content } = params
      const namespace = siteNamespace(a.origin)
      let target: SendTarget
      let peerAddress: string
      let conversationId: string | null
      if ('topic' in params) {
        const conversation = await visibleConversation(a, params.topic)
        target = { topic: params.topic }
        peerAddress = conversation.peerAddress
        conversationId = conversation.context?.conversationId ?? null
      } else {
        // By address: the site's own conversation with the peer, never the user's personal one.
        if (!(await a.session.data.canMessage(params.peerAddress))) throw dappErrors.peerNotOnXmtp()
        target = { peerAddress: params.peerAddress, conversationId: namespace }
        peerAddress = params.peerAddress
        conversationId = namespace
      }
      if (hasScope(a.grant, 'sendWithoutConfirm')) return sendTo(a.session, target, content)
      const accountAddress = a.session.account.address
      const send: ApprovalSendView = {
        peerAddress,
        conversationId,
        sitesOwn: conversationId !== null && inNamespace(namespace, conversationId),
        text: describeContent(content),
      }
      if (content.type === 'attachment') send.attachment = { filename: content.filename, mimeType: content.mimeType, dataBase64: content.dataBase64 }
      return (await s.approvals.request(
        { origin: a.origin, accountAddress, kind: 'send', send },
        { type: 'send', accountAddress, target, content },
      )) as MessageView
    },

    async xmtp_subscribe({ topics }, caller) {
      const a = await authorise(caller, 'stream', 'read')
      const frameKey = caller.kind === 'dapp' ? frameKeyOf(caller.frame) : undefined
      return { subscriptionId: await s.hub.subscribe(a.origin, frameKey, topics) }
    },

    async xmtp_unsubscribe({ subscriptionId }, caller) {
      const origin = originOf(caller)
      s.limiter.take(origin)
      const frameKey = caller.kind === 'dapp' ? frameKeyOf(caller.frame) : undefined
      return s.hub.unsubscribe(origin, frameKey, subscriptionId)
    },
  }
}

export function createSiteHandlers(s: DappServices): SiteHandlers {  return {
    async sites_list() {
      return { sites: await s.permissions.list() }
    },
    async sites_revoke({ origin }) {
      await s.permissions.revokeSite(origin)
      await s.approvals.rejectOrigin(origin)
      await s.hub.refresh(origin)
      return { sites: await s.permissions.list() }
    },
    async sites_removeScope({ origin, accountAddress, scope }) {
      await s.permissions.revoke(origin, accountAddress, [scope])
      await s.hub.refresh(origin)
      return { sites: await s.permissions.list() }
    },
    async sites_blocked() {
      return { blocked: await s.guard.blocked() }
    },
    async sites_unblock({ origin }) {
      await s.guard.unblock(origin)
      return { blocked: await s.guard.blocked() }
    },
    async approvals_get({ id }) {
      return s.approvals.get(id)
    },
    async approvals_resolve({ id, decision, remember }) {
      if (remember !== undefined && remember !== 'sendWithoutConfirm') {
        throw dappErrors.invalidParams('approvals_resolve', 'remember must be "sendWithoutConfirm"')
      }
      if (decision === 'block') {
        const view = await s.approvals.get(id)
        if (!view) throw dappErrors.invalidParams('approvals_resolve', 'no pending request has that id (it may have been answered already)')
        // Blocked first, so nothing the site asks meanwhile opens a window; then cut off.
        await s.guard.block(view.origin)
        await s.approvals.resolve(id, { approved: false }, 'parley')
        await s.approvals.rejectOrigin(view.origin)
        await s.permissions.revokeSite(view.origin)
        await s.hub.refresh(view.origin)
        return { ok: true }
      }
      await s.approvals.resolve(id, remember === undefined ? { approved: decision === 'approve' } : { approved: decision === 'approve', remember })
      return { ok: true }
    },
  }
}
