// One error policy: reasoned errors derive from one base and are recognised by class, and one
// module (rpc-errors.ts) turns them into what a caller sees, through the RPC router.
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, providerErrors } from '../extension/dapp-visible.ts'
import { ProviderRpcError } from '../extension/rpc-error.ts'
import { makeRuntimeRpcMessage, METHODS } from '../extension/messages.ts'
import { NetworkError } from '../protocol/api/index.ts'
import { ClientError } from '../protocol/client/errors.ts'
import { ReasonError } from '../protocol/utils/errors.ts'
import { AccountDataError } from './data/index.ts'
import { createRpcRouter } from './rpc-router.ts'
import { BackgroundError } from './errors.ts'
import { dappErrors, DappError } from './dapp/errors.ts'
import { toRpcError } from './rpc-errors.ts'
import { describeSessionError, SessionError } from './session/session-manager.ts'
import { VaultError } from './vault/index.ts'

describe('the background error base', () => {
  it('is a ReasonError, and the vault and session errors are background errors', () => {
    const vault = new VaultError('locked', 'locked')
    expect(vault).toBeInstanceOf(BackgroundError)
    expect(vault).toBeInstanceOf(ReasonError)
    expect(vault.name).toBe('VaultError')
    expect(new SessionError('cache-unavailable', 'x')).toBeInstanceOf(BackgroundError)
    expect(dappErrors.notConnected()).toBeInstanceOf(BackgroundError)
  })
})

describe('toRpcError', () => {
  it('translates by class and reason, never by a name or a message that merely look right', () => {
    expect(toRpcError(new VaultError('wrong-password', 'internal text'), 'wallet_unlock')).toMatchObject({ code: ERROR_CODES.invalidParams, data: { reason: 'wrong-password' } })
    const lookalike = Object.assign(new Error('The wallet is locked.'), { name: 'VaultError', reason: 'locked' })
    expect(toRpcError(lookalike, 'wallet_unlock')).toBeUndefined()
    const fakeClient = Object.assign(new Error('x'), { name: 'ClientError', reason: 'not-on-network' })
    expect(toRpcError(fakeClient, 'conversations_new')).toBeUndefined()
    expect(toRpcError(new ClientError('not-on-network', 'x'), 'conversations_new')?.message).toContain('has not enabled XMTP yet')
    expect(toRpcError(new AccountDataError('invalid', 'wrapped', { cause: new ClientError('self-message', 'x') }), 'conversations_new')?.message).toContain('your own address')
    expect(toRpcError(new NetworkError('fetch failed', { method: 'publish' }), 'messages_send')?.code).toBe(ERROR_CODES.disconnected)
    expect(toRpcError(new RangeError('internal detail'), 'messages_send')).toBeUndefined()
  })

  it("turns the dapp side's refusals into the dapp-visible errors their reasons name, for every caller", () => {
    const scope = dappErrors.missingScope('stream')
    expect(scope).toBeInstanceOf(DappError)
    for (const audience of ['dapp', 'extension'] as const) {
      expect(toRpcError(scope, 'xmtp_subscribe', audience)?.toJSON()).toEqual(providerErrors.missingScope('stream').toJSON())
      expect(toRpcError(dappErrors.outsideNamespace('xmtp_newConversation', 'app.example'), 'xmtp_newConversation', audience)?.toJSON()).toEqual(
        providerErrors.outsideNamespace('xmtp_newConversation', 'app.example').toJSON(),
      )
    }
    expect(toRpcError(dappErrors.userRejectedRequest(), 'xmtp_requestAccounts', 'dapp')?.code).toBe(ERROR_CODES.userRejectedRequest)
    // A lookalike (right name and reason, wrong class) is not a refusal: it stays internal.
    expect(toRpcError(Object.assign(new Error('x'), { name: 'DappError', reason: 'locked', args: [] }), 'xmtp_accounts', 'dapp')).toBeUndefined()
  })

  it('gives web pages RPC errors only: domain errors stay internal for the dapp audience', () => {
    const refused = providerErrors.notConnected()
    expect(toRpcError(refused, 'xmtp_sendMessage', 'dapp')).toBe(refused)
    expect(toRpcError(new AccountDataError('not-found', 'no such message to retry'), 'xmtp_sendMessage', 'dapp')).toBeUndefined()
    expect(toRpcError(new VaultError('locked', 'x'), 'xmtp_accounts', 'dapp')).toBeUndefined()
  })

  it('is what the RPC router answers with: words for extension methods, -32603 for dapp methods', async () => {
    const internal: string[] = []
    const table = { wallet_lock: METHODS.wallet_lock, xmtp_accounts: METHODS.xmtp_accounts } as const
    const route = createRpcRouter(
      table,
      {
        wallet_lock: () => Promise.reject(new VaultError('no-vault', 'internal text')),
        xmtp_accounts: () => Promise.reject(new AccountDataError('invalid', 'internal text')),
      },
      { onInternalError: (method) => internal.push(method) },
    )
    const fromPopup = await route(makeRuntimeRpcMessage({ method: 'wallet_lock' }), { kind: 'extension' })
    expect(fromPopup).toMatchObject({ ok: false, error: { code: ERROR_CODES.invalidParams, data: { reason: 'no-vault' } } })
    expect(JSON.stringify(fromPopup)).not.toContain('internal text')
    const fromPage = await route(makeRuntimeRpcMessage({ method: 'xmtp_accounts' }), { kind: 'dapp', origin: 'https://app.example' })
    expect(fromPage).toEqual({ ok: false, error: providerErrors.internal().toJSON() })
    expect(internal).toEqual(['xmtp_accounts'])
    expect(new ProviderRpcError(1, 'x')).toBeInstanceOf(Error)
  })
})

describe('describeSessionError', () => {
  it("names an unopenable cache by the session's reason, not by the text of the data layer's error", () => {
    const cause = new Error('the message cache could not be opened: quota')
    expect(describeSessionError(new SessionError('cache-unavailable', 'x', { cause }), 'http://n')).toContain('message cache in this browser could not be opened')
    expect(describeSessionError(cause, 'http://n')).toBe('Your XMTP session could not be started.')
    expect(describeSessionError(new ClientError('identity-mismatch', 'x'), 'http://n')).toContain('(identity-mismatch)')
  })
})
