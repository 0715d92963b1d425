// Importing a phrase brings back its further accounts that have XMTP identities, over a real
// node: indexes 1 and 2 have identities, 3 has none, 4 has one again (not reached).
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeRuntimeRpcMessage } from '../extension/messages.ts'
import type { WalletStatus } from '../extension/views.ts'
import { startNode, type NodeProcess } from '../node/testing/node-process.ts'
import { Client, PrivateKeySigner } from '../protocol/index.ts'
import { createBackground } from './app.ts'
import { MemoryStorageArea } from './testing/memory-storage.ts'
import { phraseAccountKey } from './vault/secrets.ts'

const PHRASE = 'test test test test test test test test test test test junk'

let node: NodeProcess
beforeAll(async () => {
  node = await startNode()
})
afterAll(async () => {
  await node?.stop()
})

describe('account discovery over a real node', () => {
  it('adds the derived accounts on XMTP up to the first that is not; the first account stays active', async () => {
    for (const index of [1, 2, 4]) {
      const client = await Client.create(new PrivateKeySigner(phraseAccountKey(PHRASE, index)), { apiUrl: node.url })
      await client.close()
    }
    const bg = createBackground({
      local: new MemoryStorageArea(),
      sessionStorage: new MemoryStorageArea(),
      indexedDB: new IDBFactory(),
      fetch,
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
    const call = async <T,>(method: string, params?: unknown): Promise<T> => {
      const r = (await bg.dispatch(makeRuntimeRpcMessage(params === undefined ? { method } : { method, params }), { kind: 'extension' })) as { ok: boolean; result: T; error?: unknown }
      if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`)
      return r.result
    }
    await call('settings_update', { nodeUrl: node.url })
    const imported = await call<WalletStatus>('wallet_import', { password: 'a long enough password', secret: PHRASE })
    const deadline = Date.now() + 20_000
    let status = imported
    while (status.accounts.length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
      status = await call<WalletStatus>('wallet_status')
    }
    expect(status.accounts.map((a) => a.index)).toEqual([0, 1, 2])
    expect(status.activeAccountId).toBe(imported.activeAccountId)
    await new Promise((r) => setTimeout(r, 300))
    expect((await call<WalletStatus>('wallet_status')).accounts).toHaveLength(3) // index 4 is past the gap
    await bg.sessions.close()
  })
})
