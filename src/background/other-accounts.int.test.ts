// Notifications for every unlocked account: a message to an account that is not the active one
// is fetched on the polling tick and notified with that account's name; clicking it makes that
// account active and opens the conversation. Over a real node.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeRuntimeRpcMessage } from '../extension/messages.ts'
import type { ConversationView, MessagePage, WalletStatus } from '../extension/views.ts'
import { startNode, type NodeProcess } from '../node/testing/node-process.ts'
import { Client, PrivateKeySigner } from '../protocol/index.ts'
import { createBackground, POLL_ALARM } from './app.ts'
import { MemoryStorageArea } from './testing/memory-storage.ts'

const PHRASE = 'test test test test test test test test test test test junk'

let node: NodeProcess
beforeAll(async () => {
  node = await startNode()
})
afterAll(async () => {
  await node?.stop()
})

async function until<T>(fn: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('notifications for every unlocked account', () => {
  it('a message to the account not in use is notified with its name; a click switches to it', async () => {
    const notifications: { id: string; title: string; message: string }[] = []
    const tabs: string[] = []
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
      notify: async (id, o) => void notifications.push({ id, ...o }),
      openTab: async (path) => void tabs.push(path),
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
    const ready = () => until(async () => (await call<WalletStatus>('wallet_status')).session.state === 'ready', 'session ready')
    const peer = await Client.create(new PrivateKeySigner(crypto.getRandomValues(new Uint8Array(32))), { apiUrl: node.url })
    await call('settings_update', { nodeUrl: node.url })
    const first = await call<WalletStatus>('wallet_import', { password: 'a long enough password', secret: PHRASE })
    await ready()
    // The second account is opened once (its identity and cache exist) and writes to the peer.
    const second = await call<{ id: string; label: string }>('accounts_add', { label: 'Work' })
    await call('accounts_select', { accountId: second.id })
    await ready()
    const conversation = await call<ConversationView>('conversations_new', { peerAddress: peer.address })
    const sent = await call<{ id: string }>('messages_send', { topic: conversation.topic, content: { type: 'text', text: 'hello from Work' } })
    await until(async () => (await call<MessagePage>('messages_list', { topic: conversation.topic, limit: 10 })).messages.find((m) => m.id === sent.id && m.delivery === 'sent'), 'the message sent')
    await call('accounts_select', { accountId: first.activeAccountId })
    await ready()

    const peerConversation = await until(async () => (await peer.conversations.list()).find((c) => c.topic === conversation.topic), 'the invitation')
    await peerConversation.send('reply to Work')
    await bg.onAlarm(POLL_ALARM)
    const notice = notifications.find((n) => n.message === 'reply to Work')
    expect(notice?.title).toMatch(/→ Work$/)

    await bg.onNotificationClicked(notice!.id)
    expect((await call<WalletStatus>('wallet_status')).activeAccountId).toBe(second.id)
    expect(tabs.at(-1)).toContain(encodeURIComponent(conversation.topic))

    // Switched off: another message to the account not in use says nothing.
    await call('accounts_select', { accountId: first.activeAccountId })
    await ready()
    await call('settings_update', { notifyAllAccounts: false })
    await peerConversation.send('second reply')
    await bg.onAlarm(POLL_ALARM)
    expect(notifications.some((n) => n.message === 'second reply')).toBe(false)
    await peer.close()
    await bg.sessions.close()
  })
})
