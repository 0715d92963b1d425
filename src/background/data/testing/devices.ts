// Test-only: an extension "device" for Node integration tests — the account store on a
// fake-indexeddb factory, a protocol Client over it and the AccountData — plus a fetch
// that can play a node outage, and a polling wait.
import type { IDBFactory } from 'fake-indexeddb'
import { Client, type ClientOptions } from '../../../protocol/index.ts'
import type { TestWallet } from '../../../../test/helpers/wallets.ts'
import type { AccountData } from '../../contracts.ts'
import { accountDatabaseName, createAccountData, openAccountStore, type AccountDataOptions } from '../index.ts'

/** A fetch that can play a node outage (refused connections) or lose the answer to a publish. */
export function switchableFetch() {
  const state = { down: false, loseNextPublishAnswer: false, rejectPublish: false, publishes: 0, queryBodies: [] as string[], polls: 0 }
  const fetch = async (input: string, init: RequestInit): Promise<Response> => {
    if (state.down) throw new TypeError('fetch failed: connect ECONNREFUSED')
    const isPublish = input.endsWith('/message/v1/publish')
    if (/\/message\/v1\/(batch-)?query$/.test(input)) state.queryBodies.push(String(init.body))
    // The sync engine polls conversations with batch queries (a stream's own gap fill uses query).
    if (input.endsWith('/message/v1/batch-query')) state.polls++
    if (isPublish && state.rejectPublish) {
      return new Response(JSON.stringify({ code: 3, message: 'refused by the test' }), { status: 400, headers: { 'content-type': 'application/json' } })
    }
    const response = await globalThis.fetch(input, init)
    if (isPublish) {
      state.publishes++
      if (state.loseNextPublishAnswer) {
        state.loseNextPublishAnswer = false
        await response.arrayBuffer()
        throw new TypeError('fetch failed: socket hang up') // stored by the node, answer lost
      }
    }
    return response
  }
  return { state, fetch }
}

export interface Device {
  idb: IDBFactory
  client: Client
  data: AccountData
  close(): Promise<void>
}

export const TEST_CACHE_KEY = new Uint8Array(32).map((_, i) => 200 - i)

export async function openDevice(
  nodeUrl: string,
  wallet: TestWallet,
  idb: IDBFactory,
  fetch?: ReturnType<typeof switchableFetch>['fetch'],
  extra: Partial<AccountDataOptions> = {},
  clientOptions: Partial<ClientOptions> = {},
): Promise<Device> {
  const databaseName = accountDatabaseName(nodeUrl, wallet.address)
  const store = await openAccountStore({ indexedDB: idb as unknown as globalThis.IDBFactory, databaseName, cacheKey: TEST_CACHE_KEY })
  const client = await Client.create(clientOptions.privateKeyOverride ? null : wallet, { ...clientOptions, apiUrl: nodeUrl, persistence: store.persistence, conversationStore: store.conversationStore, ...(fetch ? { fetch } : {}) })
  const data = await createAccountData({
    client,
    indexedDB: idb as unknown as globalThis.IDBFactory,
    databaseName,
    cacheKey: TEST_CACHE_KEY,
    store,
    outbox: { baseDelayMs: 100, maxDelayMs: 400, maxAttempts: 50 },
    ...extra,
  })
  return {
    idb,
    client,
    data,
    close: async () => {
      await data.close()
      await client.close()
    },
  }
}

export async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

