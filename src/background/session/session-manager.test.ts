// SessionManager without a network: the Client is a deferred stand-in, so the test controls
// when identity creation finishes and can lock or switch accounts in the middle.
import { describe, expect, it, vi } from 'vitest'
import type { Client } from '../../protocol/index.ts'
import type { AccountData } from '../contracts.ts'
import { FakeWallet } from '../testing/fake-wallet.ts'
import { MemoryStorageArea } from '../testing/memory-storage.ts'
import { IdentityStore } from './identity-store.ts'
import { describeSessionError, SessionManager } from './session-manager.ts'
import { NetworkError } from '../../protocol/api/index.ts'

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

function fakeClient(address: string, closed: string[]): Client {
  return { address, exportKeyBundle: () => new Uint8Array([1, 2, 3]), close: async () => void closed.push(address) } as unknown as Client
}

function setup() {
  const wallet = new FakeWallet()
  const pending: { address: string; d: ReturnType<typeof deferred<Client>> }[] = []
  const closedClients: string[] = []
  const timers: (() => void)[] = []
  const sessions = new SessionManager({
    wallet,
    identities: new IdentityStore(new MemoryStorageArea(), wallet),
    nodeUrl: async () => 'http://127.0.0.1:5555',
    createClient: async (signer) => {
      const d = deferred<Client>()
      pending.push({ address: signer!.address, d })
      return d.promise
    },
    openData: async ({ client }) => ({ address: client.address, close: async () => {} }) as unknown as AccountData,
    retryDelaysMs: [1000, 5000],
    setTimer: (fn) => timers.push(fn),
    clearTimer: () => {},
  })
  return { wallet, sessions, pending, closedClients, timers, fakeClient: (a: string) => fakeClient(a, closedClients) }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 10))
async function until(fn: () => boolean, what: string) {
  for (let i = 0; i < 500; i++) {
    if (fn()) return
    await flush()
  }
  throw new Error(`timed out waiting for ${what}`)
}

const STORE = { persistence: {} as never, close: () => {} }

/** A session manager over one account whose Client creation is recorded in `events`. */
function restoreWatching(openStore: () => Promise<typeof STORE>, beforeClient?: () => Promise<unknown>) {
  const wallet = new FakeWallet()
  const account = wallet.addAccount()
  const events: string[] = []
  const sessions = new SessionManager({
    wallet,
    identities: new IdentityStore(new MemoryStorageArea(), wallet),
    nodeUrl: async () => 'http://127.0.0.1:5555',
    openStore,
    ...(beforeClient ? { beforeClient } : {}),
    createClient: async () => {
      events.push('createClient')
      return fakeClient(account.address, [])
    },
    openData: async ({ client: c }) => ({ address: c.address, close: async () => {} }) as unknown as AccountData,
  })
  return { sessions, events }
}

describe('SessionManager', () => {
  it('a throwing listener neither fails the session nor silences the others (the one listener policy)', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const { wallet, sessions, pending, fakeClient } = setup()
      const account = wallet.addAccount()
      const heard: (string | null)[] = []
      const views: string[] = []
      sessions.onSessionChange(() => {
        throw new Error('listener broke')
      })
      sessions.onSessionChange((session) => void heard.push(session?.account.address ?? null))
      sessions.activeState.subscribe((next) => void heard.push(`state:${next?.account.address ?? null}`))
      sessions.onView((view) => {
        views.push(view.state)
        throw new Error('view listener broke')
      })
      await sessions.sync()
      await until(() => pending.length === 1, 'the attempt')
      pending[0]!.d.resolve(fakeClient(account.address))
      await until(() => sessions.view().state === 'ready', 'the session')
      expect(sessions.active()?.account.address).toBe(account.address)
      expect(heard).toEqual([account.address, `state:${account.address}`])
      expect(views.at(-1)).toBe('ready')
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('active session change listener failed'))
    } finally {
      errors.mockRestore()
    }
  })

  it('discards an identity that finishes after the wallet locked', async () => {
    const { wallet, sessions, pending, closedClients, fakeClient } = setup()
    const account = wallet.addAccount()
    await sessions.sync()
    expect(sessions.view().state).toBe('creating')
    wallet.lock()
    await sessions.sync()
    expect(sessions.view()).toEqual({ state: 'idle' })
    pending[0]!.d.resolve(fakeClient(account.address))
    await until(() => closedClients.length > 0, 'the late client to be closed')
    expect(sessions.active()).toBeNull()
    expect(closedClients).toEqual([account.address])
  })

  it('retries after a failure with growing delays, and a success resets the count', async () => {
    const { wallet, sessions, pending, timers, fakeClient } = setup()
    const account = wallet.addAccount()
    await sessions.sync()
    await until(() => pending.length === 1, 'the first attempt')
    pending[0]!.d.reject(new NetworkError('connection refused', { endpoint: '/message/v1/query' } as never))
    await until(() => sessions.view().state === 'error', 'the error')
    expect(sessions.view()).toEqual({ state: 'error', error: 'Cannot reach the XMTP node at http://127.0.0.1:5555. Trying again in 1 s.' })
    timers.shift()!()
    await until(() => pending.length === 2, 'the second attempt')
    pending[1]!.d.reject(new NetworkError('connection refused', { endpoint: '/message/v1/query' } as never))
    await until(() => sessions.view().error?.includes('5 s') === true, 'the second error')
    sessions.retryNow()
    await until(() => pending.length === 3, 'the retry')
    pending[2]!.d.resolve(fakeClient(account.address))
    await until(() => sessions.view().state === 'ready', 'ready')
    expect(sessions.view()).toEqual({ state: 'ready' })
    expect(sessions.active()?.account.id).toBe(account.id)
  })

  it('offers the open account store while the Client is being made, and not once the session is ready', async () => {
    const wallet = new FakeWallet()
    const account = wallet.addAccount()
    const client = deferred<Client>()
    const store = { persistence: {} as never, close: () => {} }
    const sessions = new SessionManager({
      wallet,
      identities: new IdentityStore(new MemoryStorageArea(), wallet),
      nodeUrl: async () => 'http://127.0.0.1:5555',
      openStore: async () => store,
      createClient: async () => client.promise,
      openData: async ({ client: c }) => ({ address: c.address, close: async () => {} }) as unknown as AccountData,
    })
    expect(await sessions.pendingStore()).toBeNull() // no attempt yet
    await sessions.sync()
    expect(await sessions.pendingStore()).toBe(store)
    client.resolve(fakeClient(account.address, []))
    await until(() => sessions.view().state === 'ready', 'ready')
    expect(await sessions.pendingStore()).toBeNull()
    wallet.lock()
    await sessions.sync()
    expect(await sessions.pendingStore()).toBeNull()
  })

  it('lets a read of the cache in flight finish before it builds the Client', async () => {
    const opened = deferred<typeof STORE>()
    const { sessions, events } = restoreWatching(() => opened.promise)
    const store = STORE
    await sessions.sync()
    const readDone = deferred<string>()
    // The request that woke the worker: it waits for the store, then reads.
    const answer = sessions.readPendingStore(async (s) => {
      expect(s).toBe(store)
      events.push('read started')
      const value = await readDone.promise
      events.push('read done')
      return value
    })
    opened.resolve(store)
    await until(() => events.includes('read started'), 'the read')
    await flush()
    expect(events).toEqual(['read started']) // the Client waits
    readDone.resolve('first page')
    expect(await answer).toBe('first page')
    await until(() => sessions.view().state === 'ready', 'ready')
    expect(events).toEqual(['read started', 'read done', 'createClient'])
    expect(await sessions.readPendingStore(async () => 'late')).toBeNull() // ready: no pending store
  })

  it('a read announced before the store opens holds the Client back too', async () => {
    const { sessions, events } = restoreWatching(async () => STORE)
    const release = sessions.expectRead() // the request that woke the worker, still in its start-up checks
    await sessions.sync()
    await flush()
    expect(events).toEqual([])
    release()
    await until(() => sessions.view().state === 'ready', 'ready')
    expect(events).toEqual(['createClient'])
  })

  it('builds the Client only once beforeClient settled (the worker: the WebAssembly curve backend is in)', async () => {
    const backendReady = deferred<void>()
    const { sessions, events } = restoreWatching(async () => STORE, () => backendReady.promise)
    await sessions.sync()
    // The cache is already readable meanwhile.
    expect(await sessions.readPendingStore(async (s) => s)).toBe(STORE)
    await flush()
    expect(events).toEqual([])
    backendReady.resolve()
    await until(() => sessions.view().state === 'ready', 'ready')
    expect(events).toEqual(['createClient'])
  })

  it('never puts internal error text into the view', () => {
    expect(describeSessionError(new TypeError('secret 0xdeadbeef'), 'http://n')).toBe('Your XMTP session could not be started.')
  })
})
