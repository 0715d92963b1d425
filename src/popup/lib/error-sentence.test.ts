// Walks the errors the popup can show, made by the real producers (vault, settings, the data
// layer and protocol errors through the handlers' mapping, the session, the RPC param checks
// for what people type), and checks each reads as a sentence once the popup has it.
import { describe, expect, it } from 'vitest'
import { providerErrors } from '../../extension/dapp-visible.ts'
import { ProviderRpcError } from '../../extension/rpc-error.ts'
import { METHODS } from '../../extension/messages.ts'
import { AccountDataError } from '../../background/data/account-data.ts'
import { lockedError, mapErrors, vaultErrorToRpc } from '../../background/rpc-errors.ts'
import { notReadyError } from '../../background/handlers/messaging.ts'
import { Settings } from '../../background/settings.ts'
import { MemoryStorageArea } from '../../background/testing/memory-storage.ts'
import { VaultError, type VaultErrorReason } from '../../background/vault/index.ts'
import { NetworkError } from '../../protocol/api/index.ts'
import { ClientError } from '../../protocol/client/errors.ts'
import { asSentence, errorText } from './error-sentence.ts'

async function rejection(run: () => unknown): Promise<unknown> {
  try {
    await run()
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

const VAULT_REASONS: VaultErrorReason[] = ['wrong-password', 'locked', 'no-vault', 'exists', 'invalid-secret', 'not-found', 'last-account', 'corrupt', 'duplicate', 'no-phrase', 'weak-password']
const ME = '0x5B38Da6a701c568545dCfcB03FcB875f56beddC4'

async function everyPopupError(): Promise<Array<[string, unknown]>> {
  const errors: Array<[string, unknown]> = []
  for (const reason of VAULT_REASONS) errors.push([`vault ${reason}`, vaultErrorToRpc(new VaultError(reason, 'internal text'), 'wallet_unlock')])
  // Messaging your own address: the data layer wraps the client's error (the example).
  const self = new ClientError('self-message', 'cannot start a conversation with yourself')
  errors.push(['own address', await rejection(() => mapErrors('conversations_new', () => Promise.reject(new AccountDataError('invalid', self.message, { cause: self }))))])
  const bad = new ClientError('invalid-address', 'peerAddress must be an Ethereum address')
  errors.push(['not an address', await rejection(() => mapErrors('conversations_new', () => Promise.reject(new AccountDataError('invalid', bad.message, { cause: bad }))))])
  const notOn = new ClientError('not-on-network', 'no contact bundle')
  errors.push(['not on XMTP', await rejection(() => mapErrors('conversations_new', () => Promise.reject(new AccountDataError('not-on-network', `${ME} is not on XMTP yet`, { cause: notOn }))))])
  for (const [reason, text] of [
    ['not-found', 'no such message to retry'],
    ['attachment', 'the attachment could not be downloaded (HTTP 404)'],
    ['corrupt', 'The cached copy of this conversation was damaged and has been dropped; it is restored from the network by the next sync.'],
  ] as const) {
    errors.push([`data ${reason}`, await rejection(() => mapErrors('messages_retry', () => Promise.reject(new AccountDataError(reason, text))))])
  }
  errors.push(['node down', await rejection(() => mapErrors('messages_send', () => Promise.reject(new NetworkError('fetch failed', { method: 'publish' }))))])
  errors.push(['session not ready', notReadyError({ state: 'error', error: 'Cannot reach the XMTP node at http://10.0.0.1:5555. Trying again in 5 s.' })])
  errors.push(['session opening', notReadyError({ state: 'creating' })])
  errors.push(['locked', lockedError()])
  errors.push(['internal', providerErrors.internal()])
  // Settings: what people type as a node address.
  const settings = new Settings({ local: new MemoryStorageArea(), hasHostPermission: async (p) => p.startsWith('http://127.0.0.1') })
  for (const url of ['not a url', 'ftp://node.example', 'https://user:pw@node.example', 'https://node.example/?x=1', 'https://node.example']) {
    errors.push([`node address ${url}`, await rejection(() => settings.update({ nodeUrl: url }))])
  }
  // The RPC checks on what people type (an address, an account name, a password).
  const parse = (method: keyof typeof METHODS, params: unknown) => rejection(() => METHODS[method].parseParams(params, method))
  errors.push(['typed address', await parse('conversations_new', { peerAddress: '0x1234' })])
  errors.push(['account name', await parse('accounts_rename', { accountId: 'a', label: 'x'.repeat(500) })])
  errors.push(['empty password', await parse('wallet_unlock', { password: '' })])
  return errors
}

describe('errors the popup shows are sentences', () => {
  it('every one: no RPC wrapping, no field or method names, a capital first and a full stop last', async () => {
    const errors = await everyPopupError()
    expect(errors.length).toBeGreaterThan(25)
    for (const [what, error] of errors) {
      expect(error, what).toBeInstanceOf(ProviderRpcError)
      const text = errorText(error)
      expect(text, what).not.toMatch(/Invalid params|"[a-z]+_[a-zA-Z]+"|\b[a-z]+[A-Z][a-zA-Z]*\b/)
      expect(text, what).toMatch(/^[A-Z0-9“"]/)
      expect(text, what).toMatch(/[.!?…]$/)
      expect(text, what).not.toMatch(/: [A-Z]|at least 1 characters|permissions\.request/)
    }
  })

  it('messaging your own address says so in words', async () => {
    const self = new ClientError('self-message', 'cannot start a conversation with yourself')
    const error = await rejection(() => mapErrors('conversations_new', () => Promise.reject(new AccountDataError('invalid', self.message, { cause: self }))))
    expect(errorText(error)).toBe('You cannot start a conversation with your own address.')
  })

  it('asSentence keeps a sentence as it is', () => {
    expect(asSentence('Wrong password. Nothing was changed.')).toBe('Wrong password. Nothing was changed.')
    expect(asSentence('')).toBe('Something went wrong. Try again.')
  })
})
