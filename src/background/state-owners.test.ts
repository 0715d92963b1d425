// Every owner of state in the background announces changes through the one listener policy
// (src/state/listeners.ts): a listener that throws is reported, never stops the others, and
// never fails the owner's own operation. And the wallet's lock is known in memory, so an RPC
// on a locked wallet reads no storage to learn it.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { makeRuntimeRpcMessage } from '../extension/messages.ts'
import { createBackground } from './app.ts'
import { SitePermissions } from './dapp/permissions.ts'
import { EventHub, type EventPort } from './events-hub.ts'
import { Settings } from './settings.ts'
import { MemoryStorageArea } from './testing/memory-storage.ts'
import { Wallet } from './vault/wallet.ts'
import { EXTENSION_EVENTS_PORT } from '../extension/events.ts'

const PASSWORD = 'a long enough password'
const PHRASE = 'test test test test test test test test test test test junk'
const boom = () => {
  throw new Error('listener broke')
}

let errors: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => {})
})
afterEach(() => errors.mockRestore())

function port(): EventPort {
  return { name: EXTENSION_EVENTS_PORT, postMessage: () => {}, onMessage: { addListener: () => {} }, onDisconnect: { addListener: () => {} } }
}

describe('a throwing listener', () => {
  it('neither fails a wallet change nor silences the next listener, and the state says what changed', async () => {
    const wallet = new Wallet({ local: new MemoryStorageArea(), sessionStorage: new MemoryStorageArea(), iterations: 1000 })
    const seen: boolean[] = []
    wallet.onChange(boom)
    wallet.state.subscribe((next) => void seen.push(next.locked))
    await wallet.create(PASSWORD, PHRASE)
    expect(wallet.locked).toBe(false)
    expect(wallet.state.value).toMatchObject({ initialized: true, locked: false, accounts: [{ address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' }] })
    await wallet.lock()
    expect(seen).toEqual([false, true])
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('wallet change listener failed'))
  })

  it('neither fails a settings update nor silences the next listener', async () => {
    const settings = new Settings({ local: new MemoryStorageArea(), hasHostPermission: async () => true })
    const seen: boolean[] = []
    settings.onChange(boom)
    settings.onChange((next) => void seen.push(next.notifications))
    await expect(settings.update({ notifications: false })).resolves.toMatchObject({ notifications: false })
    expect(seen).toEqual([false])
  })

  it('neither fails a page connecting nor silences presence', () => {
    const hub = new EventHub()
    const seen: number[] = []
    hub.onPresence(boom)
    hub.presence.subscribe((n) => void seen.push(n))
    expect(hub.accept(port())).toBe(true)
    expect(hub.connected).toBe(1)
    expect(seen).toEqual([1])
    expect(hub.presence.value).toBe(1)
  })

  it('neither fails a site grant nor silences the next listener', async () => {
    const permissions = new SitePermissions(new MemoryStorageArea())
    const seen: string[] = []
    permissions.onChange(boom)
    permissions.onChange((origin) => void seen.push(origin))
    await expect(permissions.grant('https://app.example', '0x1111111111111111111111111111111111111111', ['read'])).resolves.toBeTruthy()
    expect(seen).toEqual(['https://app.example'])
  })
})

describe('the lock, known in memory', () => {
  it('answers a messaging RPC on a locked wallet without reading storage', async () => {
    const local = new MemoryStorageArea()
    const session = new MemoryStorageArea()
    const setup = new Wallet({ local, sessionStorage: session, iterations: 1000 })
    await setup.create(PASSWORD, PHRASE)
    await setup.lock()
    const background = createBackground({
      local,
      sessionStorage: session,
      indexedDB: new IDBFactory(),
      fetch: async () => Promise.reject(new TypeError('offline')),
      version: '0.0.0-test',
      cryptoBackend: { info: () => ({ name: 'test' }), ready: Promise.resolve() },
      iterations: 1000,
      hasHostPermission: async () => true,
      setBadge: async () => {},
      notify: async () => {},
      openTab: async () => {},
      openWindow: async () => 1,
      onWindowClosed: () => () => {},
      windowExists: async () => true,
      findWindow: async () => null,
      keepalivePing: async () => undefined,
    })
    await background.ready
    const reads: unknown[] = []
    const get = local.get.bind(local)
    local.get = async (keys) => (reads.push(keys), get(keys))
    const response = await background.dispatch(makeRuntimeRpcMessage({ method: 'messages_list', params: { topic: '/xmtp/0/m-1/proto', limit: 5 } }), { kind: 'extension' })
    expect(response).toMatchObject({ ok: false, error: { code: 4900 } })
    expect(reads).toEqual([])
  })
})
