// The node's reachability reaches open pages as events, both ways, from the background's own
// attempts: the whole background (createBackground) over a real node, with the browser's fetch
// refusing connections to the node while the test says it is down (what a stopped node does).
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXTENSION_EVENTS_PORT, type ExtensionEvent } from '../extension/events.ts'
import { makeRuntimeRpcMessage } from '../extension/messages.ts'
import type { ConversationView, WalletStatus } from '../extension/views.ts'
import { startNode, type NodeProcess } from '../node/testing/node-process.ts'
import { Client, PrivateKeySigner } from '../protocol/index.ts'
import { createBackground, type Background } from './app.ts'
import type { EventPort } from './events-hub.ts'
import { MemoryStorageArea } from './testing/memory-storage.ts'

let node: NodeProcess
beforeAll(async () => {
  node = await startNode()
})
afterAll(async () => {
  await node?.stop()
})

async function call<T = unknown>(bg: Background, method: string, params?: unknown): Promise<T> {
  const response = (await bg.dispatch(makeRuntimeRpcMessage(params === undefined ? { method } : { method, params }), { kind: 'extension' })) as
    | { ok: true; result: T }
    | { ok: false; error: { message: string } }
  if (!response.ok) throw new Error(`${method}: ${response.error.message}`)
  return response.result
}

async function until<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('node status pushed to open pages', () => {
  it('an open page hears "offline" on the first failed send and "online" when the node answers again', async () => {
    const outage = { down: false }
    const refusing: typeof fetch = async (input, init) => {
      if (outage.down && String(input instanceof Request ? input.url : input).startsWith(node.url)) throw new TypeError('Failed to fetch')
      return fetch(input, init)
    }
    const bg = createBackground({
      local: new MemoryStorageArea(),
      sessionStorage: new MemoryStorageArea(),
      indexedDB: new IDBFactory(),
      fetch: refusing,
      version: '0.0.0-test',
      cryptoBackend: { info: () => ({ name: 'test' }), ready: Promise.resolve() },
      iterations: 1000,
      retryDelaysMs: [200],
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
    const peer = await Client.create(new PrivateKeySigner(crypto.getRandomValues(new Uint8Array(32))), { apiUrl: node.url })
    await call(bg, 'settings_update', { nodeUrl: node.url })
    await call(bg, 'wallet_import', { password: 'a long enough password', secret: `0x${'46'.repeat(32)}` })
    await until(async () => (await call<WalletStatus>(bg, 'wallet_status')).session.state === 'ready', 'session ready')
    const conversation = await call<ConversationView>(bg, 'conversations_new', { peerAddress: peer.address })

    // A page connects and asks once, as the popup does on open.
    const events: ExtensionEvent[] = []
    const onMessage: Array<(m: unknown) => void> = []
    const port: EventPort = {
      name: EXTENSION_EVENTS_PORT,
      postMessage: (m) => void events.push(m as ExtensionEvent),
      onMessage: { addListener: (l) => void onMessage.push(l) },
      onDisconnect: { addListener: () => {} },
    }
    bg.acceptEventsPort(port)
    expect(await call(bg, 'node_status')).toMatchObject({ reachable: true })
    const nodeEvents = () => events.filter((e): e is Extract<ExtensionEvent, { type: 'node' }> => e.type === 'node').map((e) => e.status.reachable)

    outage.down = true
    await call(bg, 'messages_send', { topic: conversation.topic, content: { type: 'text', text: 'sent into the outage' } })
    await until(() => nodeEvents().at(-1) === false, 'an offline event')

    outage.down = false
    // Nothing else needs to happen: the background's next attempt (or its probe) gets through.
    await until(() => nodeEvents().at(-1) === true, 'an online event', 30_000)
    const peerConversation = await until(async () => (await peer.conversations.list()).find((c) => c.topic === conversation.topic), 'the invitation')
    await until(async () => (await peerConversation.messages()).some((m) => m.content === 'sent into the outage'), 'the queued message to arrive', 30_000)
    expect(nodeEvents()).toEqual([false, true]) // each change once, no repeats
    await peer.close()
    await bg.sessions.close()
  })
})
