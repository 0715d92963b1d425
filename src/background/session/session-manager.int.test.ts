// The session manager against a real node process: the identity is created with the account
// key as signer on first unlock, restored without the network after a restart, follows lock and
// account switches, and retries with a clear message while the node is down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNode, type NodeProcess } from '../../node/testing/node-process.ts'
import { Client } from '../../protocol/index.ts'
import type { SessionView } from '../../extension/views.ts'
import type { AccountData } from '../contracts.ts'
import { FakeWallet } from '../testing/fake-wallet.ts'
import { MemoryStorageArea } from '../testing/memory-storage.ts'
import { IdentityStore } from './identity-store.ts'
import { SessionManager, type OpenDataArgs } from './session-manager.ts'

let node: NodeProcess
beforeAll(async () => {
  node = await startNode()
})
afterAll(async () => {
  await node?.stop()
})

/** The data layer is not under test here: a stand-in that records what it was given. */
function recordingData(opened: OpenDataArgs[], closed: string[]) {
  return async (args: OpenDataArgs): Promise<AccountData> => {
    opened.push({ ...args, cacheKey: new Uint8Array(args.cacheKey) })
    return { address: args.client.address, close: async () => void closed.push(args.client.address) } as unknown as AccountData
  }
}

function manager(wallet: FakeWallet, local: MemoryStorageArea, nodeUrl: () => string, opened: OpenDataArgs[] = [], closed: string[] = []) {
  const views: SessionView[] = []
  const sessions = new SessionManager({
    wallet,
    identities: new IdentityStore(local, wallet),
    nodeUrl: async () => nodeUrl(),
    openData: recordingData(opened, closed),
    retryDelaysMs: [200],
  })
  sessions.onView((view) => views.push(view))
  return { sessions, views }
}

describe('SessionManager (real node)', () => {
  it('creates the identity on first unlock, then restores it offline after a restart', async () => {
    const wallet = new FakeWallet()
    const account = wallet.addAccount()
    const local = new MemoryStorageArea()
    const opened: OpenDataArgs[] = []
    const first = manager(wallet, local, () => node.url, opened)
    await first.sessions.sync()
    expect(await first.sessions.whenSettled()).toEqual({ state: 'ready' })
    expect(first.views.map((v) => v.state)).toEqual(['creating', 'creating', 'ready'])
    expect(first.sessions.active()?.account.address).toBe(account.address)
    expect(opened[0]!.client.address).toBe(account.address)
    expect(opened[0]!.cacheKey).toHaveLength(32)
    // The network now knows the identity: another client can message the account.
    expect(await Client.canMessage(account.address, { apiUrl: node.url })).toBe(true)

    // A worker restart: a new manager over the same storage, with the node unreachable.
    const second = manager(wallet, local, () => 'http://127.0.0.1:9', opened)
    // The identity is cached per node: move the cached record as if this were the same node.
    const record = local.items.get(IdentityStore.storageKey(node.url, account.address))
    expect(record).toBeDefined()
    await new IdentityStore(local, wallet).save('http://127.0.0.1:9', account.address, (await new IdentityStore(local, wallet).load(node.url, account.address))!)
    await second.sessions.sync()
    expect(await second.sessions.whenSettled()).toEqual({ state: 'ready' })
    expect(second.views[0]!.state).toBe('restoring')
    expect(opened[1]!.client.address).toBe(account.address)
    // Same identity key both times, and a different cache key per node.
    expect(opened[1]!.client.publicKeyBundle.toBytes()).toEqual(opened[0]!.client.publicKeyBundle.toBytes())
    expect(opened[1]!.cacheKey).not.toEqual(opened[0]!.cacheKey)
    await first.sessions.close()
    await second.sessions.close()
  })

  it('closes on lock, reopens on unlock, and follows the active account', async () => {
    const wallet = new FakeWallet()
    const a = wallet.addAccount('A')
    const b = wallet.addAccount('B')
    const closed: string[] = []
    const { sessions } = manager(wallet, new MemoryStorageArea(), () => node.url, [], closed)
    const changes: (string | null)[] = []
    sessions.onSessionChange((s) => changes.push(s?.account.address ?? null))
    wallet.onChange(() => void sessions.sync())
    await sessions.sync()
    await sessions.whenSettled()
    wallet.lock()
    await sessions.sync()
    expect(sessions.active()).toBeNull()
    expect(sessions.view()).toEqual({ state: 'idle' })
    wallet.unlock()
    wallet.select(b.id)
    await sessions.sync()
    expect((await sessions.whenSettled()).state).toBe('ready')
    expect(sessions.active()?.account.address).toBe(b.address)
    expect(changes).toEqual([a.address, null, b.address])
    expect(closed).toEqual([a.address])
    await sessions.close()
  })

  it('reports an unreachable node in words and retries until it answers', async () => {
    const wallet = new FakeWallet()
    wallet.addAccount()
    let url = 'http://127.0.0.1:9'
    const { sessions, views } = manager(wallet, new MemoryStorageArea(), () => url)
    await sessions.sync()
    const failed = await sessions.whenSettled()
    expect(failed.state).toBe('error')
    expect(failed.error).toBe('Cannot reach the XMTP node at http://127.0.0.1:9. Trying again in 0 s.')
    // Still failing on the retry timer; then the user points it at a live node.
    url = node.url
    await sessions.sync()
    expect(await sessions.whenSettled()).toEqual({ state: 'ready' })
    expect(views.some((v) => v.state === 'error')).toBe(true)
    await sessions.close()
  })
})
