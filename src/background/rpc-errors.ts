// The one place where errors become what a caller sees (the RPC router calls it for every
// failed request). Errors are recognised by class (`instanceof`) and `reason`, never by name or
// message text:
//  - ProviderRpcError is already an answer (dapp-visible.ts holds its strings);
//  - the dapp side's refusals (DappError) become the dapp-visible error their reason names,
//    for every caller;
//  - for Parley's own pages (extension methods), the vault's, the session's, the data layer's
//    and the protocol's reasoned errors become our own sentences: bad input (a wrong password,
//    a peer not on XMTP) is -32602, a locked wallet or an unreachable node 4900;
//  - anything else is internal: the router answers a generic -32603 (no internal text, no key
//    material), and so is every non-RPC error from a dapp method.
import { ERROR_CODES, providerErrors } from '../extension/dapp-visible.ts'
import { ProviderRpcError } from '../extension/rpc-error.ts'
import type { SessionView } from '../extension/views.ts'
import { NetworkError } from '../protocol/api/index.ts'
import { ClientError, type ClientErrorReason } from '../protocol/client/errors.ts'
import { AccountDataError } from './data/index.ts'
import { DappError, type DappRefusal } from './dapp/errors.ts'
import { MIN_PASSWORD_LENGTH, VaultError, type VaultErrorReason } from './vault/index.ts'

const VAULT_MESSAGES: Record<VaultErrorReason, string> = {
  'wrong-password': 'Wrong password. Nothing was changed.',
  locked: 'Parley is locked. Unlock it with your password first.',
  'no-vault': 'There is no wallet yet. Create one or import a recovery phrase first.',
  exists: 'A wallet already exists in this browser. Unlock it instead, or remove the extension data to start over.',
  'invalid-secret': 'That is neither a valid 12- or 24-word recovery phrase nor a 0x-prefixed 64-hex private key.',
  'not-found': 'No account with that id exists in this wallet.',
  'last-account': 'The last account cannot be removed.',
  corrupt: 'The stored wallet is damaged and cannot be opened. Nothing was changed; restore it from your recovery phrase if this persists.',
  duplicate: 'That account is already in this wallet.',
  'no-phrase': 'This wallet has no recovery phrase to derive another account from; import a phrase or key instead.',
  'weak-password': `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`,
}

const CLIENT_MESSAGES: Partial<Record<ClientErrorReason, string>> = {
  'not-on-network': 'that address has not enabled XMTP yet, so it cannot receive messages',
  'self-message': 'you cannot start a conversation with your own address',
  'invalid-address': 'that is not an Ethereum address',
}

const NODE_UNREACHABLE = 'The XMTP node cannot be reached right now. Check the node URL in Settings; nothing was lost.'

/** Who receives the answer: Parley's own pages get domain errors in words; web pages never do. */
export type ErrorAudience = 'extension' | 'dapp'

export const lockedError = () => new ProviderRpcError(ERROR_CODES.disconnected, VAULT_MESSAGES.locked)

/** 4900 with the session's progress in words (a messaging call while the session opens or fails). */
export function notReadyError(view: SessionView): ProviderRpcError {
  const detail = view.state === 'error' ? view.error : view.step
  return new ProviderRpcError(ERROR_CODES.disconnected, `Your XMTP session is not ready yet.${detail ? ` ${detail}` : ''}`)
}

/** The page-visible error for a vault failure, or undefined when `error` is not one. */
export function vaultErrorToRpc(error: unknown, method: string): ProviderRpcError | undefined {
  if (!(error instanceof VaultError) || !Object.hasOwn(VAULT_MESSAGES, error.reason)) return undefined
  const { reason } = error
  if (reason === 'locked') return lockedError()
  if (reason === 'corrupt') return new ProviderRpcError(ERROR_CODES.internal, VAULT_MESSAGES.corrupt)
  return new ProviderRpcError(ERROR_CODES.invalidParams, VAULT_MESSAGES[reason], { reason, method })
}

/** A client error (the data layer may wrap one as its cause) said in our words, when we have words for it. */
function clientErrorToRpc(error: Error, method: string): ProviderRpcError | undefined {
  const client = error instanceof ClientError ? error : error.cause instanceof ClientError ? error.cause : undefined
  const why = client ? CLIENT_MESSAGES[client.reason] : undefined
  return why === undefined ? undefined : providerErrors.invalidParams(method, why)
}

/**
 * What the caller of `method` sees for `error`, or undefined for an internal failure (the
 * router then answers -32603 and reports it).
 */
export function toRpcError(error: unknown, method: string, audience: ErrorAudience = 'extension'): ProviderRpcError | undefined {
  if (error instanceof ProviderRpcError) return error
  if (error instanceof DappError) {
    const reason: DappRefusal = error.reason
    return (providerErrors[reason] as (...args: readonly unknown[]) => ProviderRpcError)(...(error.args as readonly unknown[]))
  }
  if (audience !== 'extension' || !(error instanceof Error)) return undefined
  const vault = vaultErrorToRpc(error, method)
  if (vault) return vault
  const client = clientErrorToRpc(error, method)
  if (client) return client
  // The data layer's reasons are written for people (a message it cannot find, an attachment that did not download).
  if (error instanceof AccountDataError) return providerErrors.invalidParams(method, error.message)
  if (error instanceof NetworkError) return new ProviderRpcError(ERROR_CODES.disconnected, NODE_UNREACHABLE)
  return undefined
}

/** Runs `body` as the router would answer it: known errors become page-visible ones, others pass. */
export async function mapErrors<T>(method: string, body: () => Promise<T> | T): Promise<T> {
  try {
    return await body()
  } catch (error) {
    throw toRpcError(error, method) ?? error
  }
}
