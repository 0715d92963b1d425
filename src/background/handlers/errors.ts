// Domain errors → what a page sees. Vault errors carry a `reason`; each becomes our own
// sentence (never the internal text, never key material): bad input such as a wrong password is
// -32602, a locked wallet is 4900. Anything unrecognised is rethrown for the dispatcher, which
// answers a generic -32603.
import { ERROR_CODES, ProviderRpcError, providerErrors } from '../../extension/dapp-visible.ts'
import { MIN_PASSWORD_LENGTH, type VaultErrorReason } from '../vault/index.ts'

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

export const lockedError = () => new ProviderRpcError(ERROR_CODES.disconnected, VAULT_MESSAGES.locked)

function vaultReason(error: unknown): VaultErrorReason | undefined {
  if (!(error instanceof Error) || error.name !== 'VaultError') return undefined
  const reason = (error as Error & { reason?: unknown }).reason
  return typeof reason === 'string' && reason in VAULT_MESSAGES ? (reason as VaultErrorReason) : undefined
}

/** The page-visible error for a vault failure, or undefined when `error` is not one. */
export function vaultErrorToRpc(error: unknown, method: string): ProviderRpcError | undefined {
  const reason = vaultReason(error)
  if (reason === undefined) return undefined
  if (reason === 'locked') return lockedError()
  if (reason === 'corrupt') return new ProviderRpcError(ERROR_CODES.internal, VAULT_MESSAGES.corrupt)
  return new ProviderRpcError(ERROR_CODES.invalidParams, VAULT_MESSAGES[reason], { reason, method })
}

/** Runs a handler body, turning known domain errors into page-visible ones. */
export async function mapErrors<T>(method: string, body: () => Promise<T> | T): Promise<T> {
  try {
    return await body()
  } catch (error) {
    if (error instanceof ProviderRpcError) throw error
    const vault = vaultErrorToRpc(error, method)
    if (vault) throw vault
    const domain = domainErrorToRpc(error, method)
    if (domain) throw domain
    throw error
  }
}

const CLIENT_MESSAGES: Record<string, string> = {
  'not-on-network': 'that address has not enabled XMTP yet, so it cannot receive messages',
  'self-message': 'you cannot start a conversation with your own address',
  'invalid-address': 'that is not an Ethereum address',
}

/**
 * Errors from the protocol library and the data layer that describe bad input in words a
 * person can act on (a peer not on XMTP, an unknown conversation): -32602 with that message.
 * Errors marked `userFacing: true` by the data layer are passed on the same way.
 */
function domainErrorToRpc(error: unknown, method: string): ProviderRpcError | undefined {
  if (!(error instanceof Error)) return undefined
  const e = error as Error & { reason?: unknown; userFacing?: unknown }
  // A client error (the data layer may wrap one as its cause) is said in our words.
  const client = e.name === 'ClientError' ? e : (e.cause as (Error & { reason?: unknown }) | undefined)
  if (client instanceof Error && client.name === 'ClientError') {
    const why = CLIENT_MESSAGES[String(client.reason)]
    if (why) return providerErrors.invalidParams(method, why)
  }
  if (e.userFacing === true || e.name === 'AccountDataError') return providerErrors.invalidParams(method, e.message)
  if (e.name === 'NetworkError') return new ProviderRpcError(ERROR_CODES.disconnected, 'The XMTP node cannot be reached right now. Check the node URL in Settings; nothing was lost.')
  return undefined
}
