// A conversation the library hands out is in its ConversationStore by then, even when another
// caller added it to the index a moment before and is still saving it: a stream (or a listing)
// that opened our own invitation first, then newConversation asked for the same peer. The
// extension's data layer reads the store right after newConversation returns; before this
// held, a site's send by address failed now and then with "no conversation … in this account".
// Real node process over HTTP; only the store's writes are held by the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNode, type NodeProcess } from '../../node/testing/node-process.ts'
import { generatePrivateKey } from '../crypto/index.ts'
import { PrivateKeySigner } from '../keys/index.ts'
import { Client } from './client.ts'
import type { ConversationRecord } from './conversation-index.ts'
import type { ConversationStore } from './conversation-store.ts'

let node: NodeProcess
const clients: Client[] = []

beforeAll(async () => {
  node = await startNode({ auth: true, rateLimits: false })
})

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => {})
  await node?.stop()
})

/** A store whose writes wait while `hold` is on; what is saved is kept in `saved`. */
function heldStore() {
  const saved = new Map<string, ConversationRecord>()
  let release: (() => void) | undefined
  let gate: Promise<void> | undefined
  const waiting: Array<() => void> = []
  const store: ConversationStore = {
    loadAll: async () => [...saved.values()],
    async saveMany(records) {
      for (const notify of waiting.splice(0)) notify()
      if (gate) await gate
      for (const record of records) saved.set(record.topic, record)
    },
  }
  return {
    store,
    saved,
    hold() {
      gate = new Promise((resolve) => (release = resolve))
    },
    release() {
      gate = undefined
      release?.()
    },
    /** Resolves at the next saveMany call. */
    nextSave: () => new Promise<void>((resolve) => waiting.push(resolve)),
  }
}

describe('read your writes', () => {
  it('newConversation waits for the save in flight of a conversation another caller just added', async () => {
    const held = heldStore()
    const alice = await Client.create(new PrivateKeySigner(generatePrivateKey()), { apiUrl: node.url, conversationStore: held.store })
    const bob = await Client.create(new PrivateKeySigner(generatePrivateKey()), { apiUrl: node.url })
    clients.push(alice, bob)
    const invited = await bob.conversations.newConversation(alice.address)

    // Alice's listing opens Bob's invitation and starts saving it; the save is held.
    held.hold()
    const saving = held.nextSave()
    const listing = alice.conversations.listSome()
    await saving
    expect(held.saved.has(invited.topic)).toBe(false)

    // The conversation is in the index now: newConversation finds it, and waits for its save.
    let handedOut = false
    const asked = alice.conversations.newConversation(bob.address).then((c) => ((handedOut = true), c))
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(handedOut).toBe(false)

    held.release()
    const conversation = await asked
    expect(conversation.topic).toBe(invited.topic)
    expect(held.saved.has(invited.topic)).toBe(true)
    await listing
  })
})
