// The whole background (createBackground) against a real node process, with chrome.* replaced
// by in-memory storage areas and fake-indexeddb: onboarding → identity ready → send and receive
// through the RPC table, a worker restart that needs no password and reads the cache, clear
// errors for a wrong password and a locked wallet, badge and notifications.
import 'fake-indexeddb/auto' // idb's wrappers need the IDB* classes as globals
import { IDBFactory } from 'fake-indexeddb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeRuntimeRpcMessage } from '../extension/messages.ts'
import type { ConversationView, MessagePage, WalletStatus } from '../extension/views.ts'
import { startNode, type NodeProcess } from '../node/testing/node-process.ts'
import { Client, PrivateKeySigner } from '../protocol/index.ts'
import { openInvitationsInThread, type InvitationOpener } from '../protocol/invitations/index.ts'
import { createBackground, type Background, type Platform } from './app.ts'
import { MemoryStorageArea } from './testing/memory-storage.ts'

let node: NodeProcess
beforeAll(async () => {
  node = await startNode()
})
afterAll(async () => {
  await node?.stop()
})

const PASSWORD = 'a long enough password'
const EXTENSION = { kind: 'extension' } as const

interface Browser {
  local: MemoryStorageArea
  session: MemoryStorageArea
  indexedDB: IDBFactory
  badges: string[]
  notifications: { id: string; title: string; message: string }[]
  tabs: string[]
}

function newBrowser(): Browser {
  return { local: new MemoryStorageArea(), session: new MemoryStorageArea(), indexedDB: new IDBFactory(), badges: [], notifications: [], tabs: [] }
}

/** One worker instance over a browser's storage (a new call = a worker restart). */
function startWorker(b: Browser, extra: Partial<Platform> = {}): Background {
  return createBackground({
    ...extra,
    local: b.local,
    sessionStorage: b.session,
    indexedDB: b.indexedDB,
    fetch,
    version: '0.0.0-test',
    cryptoBackend: { info: () => ({ name: 'test' }), ready: Promise.resolve() },
    iterations: 1000,
    retryDelaysMs: [200],
    hasHostPermission: async () => true,
    setBadge: async (text) => void b.badges.push(text),
    notify: async (id, o) => void b.notifications.push({ id, ...o }),
    openTab: async (path) => void b.tabs.push(path),
    openWindow: async () => 1,
    onWindowClosed: () => () => {},
    windowExists: async () => true,
    findWindow: async () => null,
    keepalivePing: async () => undefined,
  })
}

async function rpc<T = unknown>(bg: Background, method: string, params?: unknown): Promise<{ ok: true; result: T } | { ok: false; error: { code: number; message: string } }> {
  return (await bg.dispatch(makeRuntimeRpcMessage(params === undefined ? { method } : { method, params }), EXTENSION)) as never
}

async function call<T = unknown>(bg: Background, method: string, params?: unknown): Promise<T> {
  const response = await rpc<T>(bg, method, params)
  if (!response.ok) throw new Error(`${method}: ${response.error.code} ${response.error.message}`)
  return response.result
}

async function until<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const ready = (bg: Background) => until(async () => (await call<WalletStatus>(bg, 'wallet_status')).session.state === 'ready', 'session ready')

describe('background over a real node', () => {
  it('onboards, messages a peer both ways, and survives a worker restart without a password', async () => {
    const browser = newBrowser()
    const peerKey = crypto.getRandomValues(new Uint8Array(32))
    const peer = await Client.create(new PrivateKeySigner(peerKey), { apiUrl: node.url })

    let bg = startWorker(browser)
    await call(bg, 'settings_update', { nodeUrl: node.url })
    const created = await call<WalletStatus>(bg, 'wallet_import', { password: PASSWORD, secret: `0x${'42'.repeat(32)}` })
    expect(created.locked).toBe(false)
    await ready(bg)

    const conversation = await call<ConversationView>(bg, 'conversations_new', { peerAddress: peer.address })
    const pending = await call<{ id: string; delivery: string }>(bg, 'messages_send', { topic: conversation.topic, content: 'gm from the worker' })
    expect(pending.delivery).toBe('pending')
    await until(async () => {
      const page = await call<MessagePage>(bg, 'messages_list', { topic: conversation.topic })
      return page.messages.find((m) => m.id === pending.id && m.delivery === 'sent')
    }, 'the message to be sent')

    const peerConversation = await until(async () => (await peer.conversations.list()).find((c) => c.topic === conversation.topic), 'the peer to see the invitation')
    expect((await peerConversation.messages()).map((m) => m.content)).toEqual(['gm from the worker'])
    await peerConversation.send('gm back')
    await call(bg, 'sync_now')
    const page = await call<MessagePage>(bg, 'messages_list', { topic: conversation.topic })
    expect(page.messages.map((m) => m.content)).toEqual([
      { type: 'text', text: 'gm from the worker' },
      { type: 'text', text: 'gm back' },
    ])
    // The peer's message lights the badge and notifies (we wrote first, so the peer is allowed).
    await until(async () => browser.badges.at(-1) === '1', 'the badge')
    expect(browser.notifications).toHaveLength(1)
    expect(browser.notifications[0]).toMatchObject({ message: 'gm back' })
    await bg.onNotificationClicked(browser.notifications[0]!.id)
    expect(browser.tabs).toEqual([`src/popup/index.html?view=tab#/conversation/${encodeURIComponent(conversation.topic)}`])
    expect(await call(bg, 'conversations_markRead', { topic: conversation.topic })).toEqual({ unreadTotal: 0 })
    await until(async () => browser.badges.at(-1) === '', 'the badge to clear')

    // A worker restart: module state gone, storage kept. No password is asked.
    bg = startWorker(browser)
    await bg.ready
    expect((await call<WalletStatus>(bg, 'wallet_status')).locked).toBe(false)
    await ready(bg)
    const listed = await call<{ conversations: ConversationView[] }>(bg, 'conversations_list', { filter: 'all' })
    expect(listed.conversations.map((c) => c.topic)).toEqual([conversation.topic])
    expect(listed.conversations[0]!.lastMessage?.text).toBe('gm back')
    await peer.close()
    await bg.sessions.close()
  })

  it('passes the invitation offload to its clients: started for an imported key and a new identity, not for a restored one; listings open through it', async () => {
    const browser = newBrowser()
    const counts = { warms: 0, opened: 0 }
    const open: InvitationOpener = async (keys, envelopes, options) => {
      counts.opened += envelopes.length
      return openInvitationsInThread(keys, envelopes, options)
    }
    const invitationOffload = {
      open,
      warm: async () => (counts.warms++, true),
      status: () => ({ connected: true, backend: 'test', offloaded: counts.opened, inThread: 0, failures: 0 }),
    }
    let bg = startWorker(browser, { invitationOffload })
    await call(bg, 'settings_update', { nodeUrl: node.url })
    await call(bg, 'wallet_import', { password: PASSWORD, secret: `0x${'43'.repeat(32)}` })
    const status = await ready(bg).then(() => call<WalletStatus>(bg, 'wallet_status'))
    // Asked twice: as the key came in (during its derivation), and as the identity was made with
    // the wallet key (a first sync follows); the offloader's second warm joins the first.
    expect(counts.warms).toBe(2)

    const peer = await Client.create(new PrivateKeySigner(crypto.getRandomValues(new Uint8Array(32))), { apiUrl: node.url })
    const invited = await peer.conversations.newConversation(status.accounts[0]!.address)
    await until(async () => {
      await call(bg, 'sync_now')
      const listed = await call<{ conversations: ConversationView[] }>(bg, 'conversations_list', { filter: 'all' })
      return listed.conversations.some((c) => c.topic === invited.topic)
    }, 'the invitation listed')
    expect(counts.opened).toBeGreaterThanOrEqual(1)
    expect(await call(bg, 'diagnostics_get')).toMatchObject({ invitationWorkers: { connected: true, backend: 'test' } })
    await bg.sessions.close()

    // A worker restart restores the cached identity: no first sync, nothing started.
    bg = startWorker(browser, { invitationOffload })
    await ready(bg)
    expect(counts.warms).toBe(2)
    await peer.close()
    await bg.sessions.close()
  })

  it('answers a wrong password and a locked wallet clearly, changing nothing', async () => {
    const browser = newBrowser()
    const bg = startWorker(browser)
    await call(bg, 'settings_update', { nodeUrl: node.url })
    await call(bg, 'wallet_import', { password: PASSWORD, secret: `0x${'43'.repeat(32)}` })
    await ready(bg)
    await call(bg, 'wallet_lock')
    const before = JSON.stringify([...browser.local.items.entries()])
    const wrong = await rpc(bg, 'wallet_unlock', { password: 'not the password' })
    expect(wrong).toEqual({ ok: false, error: { code: -32602, message: 'Wrong password. Nothing was changed.', data: { reason: 'wrong-password', method: 'wallet_unlock' } } })
    expect(JSON.stringify([...browser.local.items.entries()])).toBe(before)
    const locked = await rpc(bg, 'conversations_list', { filter: 'all' })
    expect(locked).toMatchObject({ ok: false, error: { code: 4900, message: expect.stringContaining('locked') } })
    await call(bg, 'wallet_unlock', { password: PASSWORD })
    await ready(bg)
    await bg.sessions.close()
  })

  it('reports an unreachable node as a session error with a retry, and reads the diagnostics', async () => {
    const bg = startWorker(newBrowser())
    await call(bg, 'settings_update', { nodeUrl: 'http://127.0.0.1:9' })
    await call(bg, 'wallet_import', { password: PASSWORD, secret: `0x${'44'.repeat(32)}` })
    const failed = await until(async () => {
      const status = await call<WalletStatus>(bg, 'wallet_status')
      return status.session.state === 'error' ? status : undefined
    }, 'the session error')
    expect(failed.session.error).toContain('Cannot reach the XMTP node at http://127.0.0.1:9.')
    expect(await call(bg, 'node_status')).toMatchObject({ url: 'http://127.0.0.1:9', reachable: false })
    const notReady = await rpc(bg, 'conversations_list', {})
    expect(notReady).toMatchObject({ ok: false, error: { code: 4900, message: expect.stringContaining('not ready yet') } })
    await call(bg, 'settings_update', { nodeUrl: node.url })
    await ready(bg)
    expect(await call(bg, 'diagnostics_get')).toMatchObject({ cryptoBackend: 'test' })
    await bg.sessions.close()
  })
})
