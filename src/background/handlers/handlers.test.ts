// The wallet and messaging handlers over the real vault (low PBKDF2 rounds) and a session
// manager whose data layer is not reached: error mapping, status with session, settings.
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../extension/dapp-visible.ts'
import { ProviderRpcError } from '../../extension/rpc-error.ts'
import type { SessionView } from '../../extension/views.ts'
import { Settings } from '../settings.ts'
import { IdentityStore } from '../session/identity-store.ts'
import { SessionManager } from '../session/session-manager.ts'
import { MemoryStorageArea } from '../testing/memory-storage.ts'
import { VaultError, Wallet } from '../vault/index.ts'
import type { AccountData } from '../contracts.ts'
import { mapErrors, vaultErrorToRpc } from '../rpc-errors.ts'
import { ClientError } from '../../protocol/client/errors.ts'
import { createMessagingHandlers, notReadyError } from './messaging.ts'
import { createWalletHandlers } from './wallet.ts'

const EXT = { kind: 'extension' } as const

/** The handlers as the RPC router answers for them: every failure through rpc-errors.ts. */
function translated<H extends object>(handlers: H): H {
  return Object.fromEntries(
    Object.entries(handlers).map(([method, handler]) => [method, (...args: unknown[]) => mapErrors(method, () => (handler as (...a: unknown[]) => unknown)(...args))]),
  ) as H
}
const PASSWORD = 'correct horse battery'

function setup(extra: { expectFirstSync?: () => void } = {}) {
  const local = new MemoryStorageArea()
  const vault = new Wallet({ local, sessionStorage: new MemoryStorageArea(), iterations: 1000 })
  const settings = new Settings({ local, hasHostPermission: async (p) => p === 'http://127.0.0.1/*' })
  const sessions = new SessionManager({
    wallet: vault,
    identities: new IdentityStore(local, vault),
    nodeUrl: async () => (await settings.get()).nodeUrl,
    // No network in unit tests: every attempt fails at once with a plain error.
    createClient: async () => {
      throw new Error('offline in unit tests')
    },
    openData: async () => ({}) as AccountData,
    retryDelaysMs: [60_000],
    setTimer: () => 0,
    clearTimer: () => {},
  })
  const forgotten: string[] = []
  const wallet = translated(createWalletHandlers({
    vault,
    settings,
    sessions,
    checkNode: async (url) => ({ url, reachable: false, error: 'test', checkedAt: 0 }),
    forgetAccount: async (a) => void forgotten.push(a.address),
    diagnostics: () => ({ cryptoBackend: 'noble', startedAt: 1 }),
    ...extra,
  }))
  return { local, vault, settings, sessions, wallet, forgotten }
}

async function rejection(promise: unknown): Promise<ProviderRpcError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ProviderRpcError) return error
    throw error
  }
  throw new Error('did not reject')
}

describe('wallet handlers', () => {
  it('an import, a restore and an imported account announce a first sync before the key derivation; a new wallet, an unlock and a derived account do not', async () => {
    const events: string[] = []
    const { wallet, vault } = setup({ expectFirstSync: () => void events.push('first sync expected') })
    for (const name of ['importWallet', 'restoreWallet', 'importAccount', 'create', 'unlock', 'addAccount'] as const) {
      const original = (vault[name] as (...args: unknown[]) => Promise<unknown>).bind(vault)
      ;(vault as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
        events.push(`${name} begins`)
        return original(...args)
      }
    }
    const { phrase } = await wallet.wallet_generatePhrase(undefined, EXT)
    await wallet.wallet_create({ password: PASSWORD, phrase }, EXT)
    await wallet.accounts_add({}, EXT)
    expect(events.splice(0)).toEqual(['create begins', 'addAccount begins'])
    await wallet.accounts_import({ password: PASSWORD, secret: `0x${'22'.repeat(32)}` }, EXT)
    expect(events.splice(0)).toEqual(['first sync expected', 'importAccount begins'])
    await wallet.wallet_lock(undefined, EXT)
    await wallet.wallet_unlock({ password: PASSWORD }, EXT)
    expect(events.splice(0)).toEqual(['unlock begins'])
    await wallet.wallet_restore({ password: PASSWORD, secret: `0x${'11'.repeat(32)}` }, EXT)
    expect(events.splice(0)).toEqual(['first sync expected', 'restoreWallet begins'])

    const fresh = setup({ expectFirstSync: () => void events.push('first sync expected') })
    const importWallet = fresh.vault.importWallet.bind(fresh.vault)
    fresh.vault.importWallet = async (...args) => {
      events.push('importWallet begins')
      return importWallet(...args)
    }
    await fresh.wallet.wallet_import({ password: PASSWORD, secret: `0x${'11'.repeat(32)}` }, EXT)
    expect(events.splice(0)).toEqual(['first sync expected', 'importWallet begins'])
  })

  it('a failing first-sync hook fails nothing', async () => {
    const { wallet } = setup({
      expectFirstSync: () => {
        throw new Error('no workers here')
      },
    })
    await expect(wallet.wallet_import({ password: PASSWORD, secret: `0x${'11'.repeat(32)}` }, EXT)).resolves.toMatchObject({ initialized: true, locked: false })
  })

  it('creates, reports the session, and maps a wrong password to -32602 without changing storage', async () => {
    const { wallet, local, sessions } = setup()
    const { phrase } = await wallet.wallet_generatePhrase(undefined, EXT)
    const created = await wallet.wallet_create({ password: PASSWORD, phrase }, EXT)
    expect(created).toMatchObject({ initialized: true, locked: false, session: { state: 'creating' } })
    await sessions.whenSettled()
    const status = await wallet.wallet_status(undefined, EXT)
    expect(status.session.state).toBe('error') // the offline client of this test
    expect(status.session.error).toBe('Your XMTP session could not be started. Trying again in 60 s.')
    await wallet.wallet_lock(undefined, EXT)
    const before = JSON.stringify([...local.items])
    const error = await rejection(wallet.wallet_unlock({ password: 'wrong password' }, EXT))
    expect([error.code, error.message]).toEqual([ERROR_CODES.invalidParams, 'Wrong password. Nothing was changed.'])
    expect(JSON.stringify([...local.items])).toBe(before)
    expect((await wallet.wallet_status(undefined, EXT)).session).toEqual({ state: 'idle' })
  })

  it('keeps auto-lock minutes in the vault and refuses a node without permission', async () => {
    const { wallet, vault } = setup()
    expect((await wallet.settings_update({ autoLockMinutes: 3 }, EXT)).autoLockMinutes).toBe(3)
    expect(await vault.autoLockMinutes()).toBe(3)
    const error = await rejection(wallet.settings_update({ nodeUrl: 'https://node.example' }, EXT))
    expect(error.code).toBe(ERROR_CODES.invalidParams)
    expect((await wallet.settings_get(undefined, EXT)).nodeUrl).toBe('http://127.0.0.1:5555')
    expect((await wallet.settings_update({ nodeUrl: 'http://127.0.0.1:7777/' }, EXT)).nodeUrl).toBe('http://127.0.0.1:7777')
  })

  it('removes an account and forgets what was stored for it', async () => {
    const { wallet, forgotten } = setup()
    const { phrase } = await wallet.wallet_generatePhrase(undefined, EXT)
    await wallet.wallet_create({ password: PASSWORD, phrase }, EXT)
    const second = await wallet.accounts_add({ label: 'Two' }, EXT)
    const wrong = await rejection(wallet.accounts_remove({ accountId: second.id, password: 'nope nope nope' }, EXT))
    expect(wrong.code).toBe(ERROR_CODES.invalidParams)
    expect(forgotten).toEqual([])
    const status = await wallet.accounts_remove({ accountId: second.id, password: PASSWORD }, EXT)
    expect(status.accounts.map((a) => a.label)).toEqual(['Account 1'])
    expect(forgotten).toEqual([second.address])
  })
})

describe('messaging handlers', () => {
  const handlers = (over: { locked?: boolean; view?: SessionView; data?: Partial<AccountData> }) =>
    translated(createMessagingHandlers({
      activeData: () => (over.data ? (over.data as AccountData) : null),
      locked: () => over.locked ?? false,
      sessionView: () => over.view ?? { state: 'creating', step: 'Publishing your contact bundle' },
      openTab: async () => {},
    }))

  it('answers 4900 while locked or while the session opens, saying which', async () => {
    const locked = await rejection(handlers({ locked: true }).conversations_list({ filter: 'all' }, EXT))
    expect([locked.code, locked.message]).toEqual([4900, 'Parley is locked. Unlock it with your password first.'])
    const opening = await rejection(handlers({}).conversations_list({ filter: 'all' }, EXT))
    expect(opening.message).toBe('Your XMTP session is not ready yet. Publishing your contact bundle')
    expect(notReadyError({ state: 'error', error: 'Cannot reach the XMTP node.' }).message).toContain('Cannot reach')
  })

  it('lists from the cache while the session opens, and from the data once it is ready', async () => {
    const cachedView = { topic: '/xmtp/0/m-c/proto', peerAddress: '0x2222222222222222222222222222222222222222', version: 'v2', createdAt: 1, consent: 'unknown', unreadCount: 0, muted: false } as const
    const asked: unknown[] = []
    const early = translated(createMessagingHandlers({
      activeData: () => null,
      locked: () => false,
      sessionView: () => ({ state: 'restoring', step: 'Opening your XMTP identity' }),
      cachedConversations: async (filter, limit) => (asked.push([filter, limit]), [cachedView]),
      openTab: async () => {},
    }))
    expect(await early.conversations_list({ filter: 'all', limit: 50 }, EXT)).toEqual({ conversations: [cachedView] })
    expect(asked).toEqual([['all', 50]])
    const ready = translated(createMessagingHandlers({
      activeData: () => ({ listConversations: async (_f: unknown, o: unknown) => (asked.push(o), []) }) as unknown as AccountData,
      locked: () => false,
      sessionView: () => ({ state: 'ready' }),
      cachedConversations: async () => {
        throw new Error('not used once ready')
      },
      openTab: async () => {},
    }))
    expect(await ready.conversations_list({ filter: 'all' }, EXT)).toEqual({ conversations: [] })
    expect(asked.at(-1)).toEqual({})
  })

  it('passes data-layer errors on as clear -32602s and unknown topics as such', async () => {
    const data: Partial<AccountData> = {
      getConversation: async () => null,
      newConversation: async () => {
        throw new ClientError('not-on-network', 'peer not on XMTP')
      },
    }
    const h = handlers({ data })
    expect((await rejection(h.conversations_get({ topic: '/xmtp/0/m-x/proto' }, EXT))).message).toContain('no conversation with that topic')
    const notOn = await rejection(h.conversations_new({ peerAddress: '0x0000000000000000000000000000000000000001' }, EXT))
    expect(notOn.message).toContain('has not enabled XMTP yet')
  })
})

describe('error mapping', () => {
  it('maps vault reasons and leaves unknown errors for the router', async () => {
    expect(vaultErrorToRpc(new VaultError('corrupt', 'x'), 'm')?.code).toBe(ERROR_CODES.internal)
    expect(vaultErrorToRpc(new VaultError('locked', 'x'), 'm')?.code).toBe(4900)
    expect(vaultErrorToRpc(new Error('x'), 'm')).toBeUndefined()
    await expect(mapErrors('m', () => Promise.reject(new RangeError('internal detail')))).rejects.toBeInstanceOf(RangeError)
  })
})
