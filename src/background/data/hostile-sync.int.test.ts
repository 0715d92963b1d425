// Issue 19 item 2 through a real node process: an attacker identity publishes what a hostile
// peer can (1 MB junk on the victim's invite topic, on a node that does not cap invite
// topics; junk just under the client's cap; messages that inflate far past the per-message
// cap; envelopes dated hours and a year ahead), and the victim's extension data layer lists,
// reads and stays correct: every real conversation listed, junk skipped undecoded, bombs
// stored as "too large to show", future dates never read by a poll and shown as received when
// the stream brings them, and a listing cut short by its budget resumes where it stopped.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Unzlib } from 'fflate'
import { startNode, type NodeProcess } from '../../node/testing/node-process.ts'
import { Client, InMemoryPersistence, type Conversation, type DecodedMessage } from '../../protocol/index.ts'
import { deriveConversation } from '../../protocol/invitations/deterministic.ts'
import { sealInvitation } from '../../protocol/invitations/sealed.ts'
import { encodeMessageV2 } from '../../protocol/messages/v2.ts'
import { Compression, ContentTypeText, DecompressedSizeError, InflateBudget, createDefaultRegistry, encodeContent } from '../../protocol/content/index.ts'
import { inviteTopic } from '../../protocol/topics.ts'
import { newWallet } from '../../../test/helpers/wallets.ts'
import { openDevice, TEST_CACHE_KEY, until, type Device } from './testing/devices.ts'
import { openAccountStore } from './index.ts'
import { AccountCache } from './cache.ts'
import { SyncEngine } from './sync.ts'
import { keysOf } from '../../protocol/client/testing/exported-keys.ts'

const NS_PER_MS = 1_000_000n
const HOUR_NS = 3_600_000n * NS_PER_MS

let node: NodeProcess

beforeAll(async () => {
  // A node that lets 1 MB messages onto invite topics, as an older or hostile node would.
  node = await startNode({ auth: true, rateLimits: false, args: ['--max-invite-message-bytes', '1048214'] })
})
afterAll(async () => {
  await node?.stop()
})

/** A fetch that records, per query answer, the timestamps of the envelopes the node sent. */
function recordingFetch() {
  const answers: bigint[][] = []
  const fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const response = await globalThis.fetch(input, init)
    if (/\/message\/v1\/(batch-)?query$/.test(input)) {
      const text = await response.clone().text()
      answers.push([...text.matchAll(/"timestampNs":"(\d+)"/g)].map((m) => BigInt(m[1]!)))
    }
    return response
  }
  return { answers, fetch }
}

describe('a hostile peer against the sync', () => {
  const victimWallet = newWallet()
  const idb = new IDBFactory()
  const net = recordingFetch()
  let victim: Device
  let bob: Client
  let attacker: Client
  let bobTopic: string
  let attackerConversation: Conversation
  const nowNs = () => BigInt(Date.now()) * NS_PER_MS

  beforeAll(async () => {
    victim = await openDevice(node.url, victimWallet, idb, net.fetch)
    bob = await Client.create(newWallet(), { apiUrl: node.url })
    attacker = await Client.create(newWallet(), { apiUrl: node.url })
    const invite = inviteTopic(victimWallet.address)
    // 1 MB junk on the invite topic, before and after Bob's real invitation.
    const junk = (n: number, size: number) =>
      Array.from({ length: n }, (_, i) => ({ contentTopic: invite, timestampNs: nowNs() - 1000n + BigInt(i), message: new Uint8Array(size).map((_, j) => (j * 31 + i) & 0xff) }))
    await attacker.api.publish(junk(12, 1_000_000))
    const bobConversation = await bob.conversations.newConversation(victimWallet.address)
    bobTopic = bobConversation.topic
    await bobConversation.send('hello victim')
    await attacker.api.publish([...junk(12, 1_000_000), ...junk(3, 20_000)])
    // A real invitation from the attacker, dated a year ahead: no poll may read it every pass.
    const recipient = keysOf(victim.client).getSignedPublicKeyBundle()
    const context = { conversationId: 'from-the-future', metadata: {} }
    const derived = deriveConversation(keysOf(attacker), recipient, { conversationId: context.conversationId })
    const sealed = await sealInvitation({ sender: keysOf(attacker), recipient, invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial, context } })
    const toVictim = sealed.envelopes.find((e) => e.contentTopic === invite)!
    await attacker.api.publish([{ ...toVictim, timestampNs: nowNs() + 365n * 24n * HOUR_NS }])
    // The attacker's own conversation with the victim: texts that each inflate to 4 MiB (4 KiB on the wire).
    attackerConversation = await attacker.conversations.newConversation(victimWallet.address)
    for (let i = 0; i < 6; i++) await attackerConversation.send('\u0000'.repeat(4 * 1024 * 1024), { compression: Compression.COMPRESSION_DEFLATE })
    await attackerConversation.send('a normal line')
  }, 120_000)

  afterAll(async () => {
    await victim?.close()
    await bob?.close()
    await attacker?.close()
  })

  it('lists every real conversation, skips the junk undecoded and stores bombs as too large to show', async () => {
    const skippedBefore = victim.client.conversations.skippedCount
    const progress: string[] = []
    const stop = victim.data.onSyncStatus((st) => st.progress && progress.push(`${st.progress.what} ${st.progress.done}/${st.progress.total}`))
    const status = await victim.data.syncNow()
    stop()
    expect(status.state).toBe('idle')
    // The progress says what is happening while junk is read: never more opened than found, junk counted.
    expect(progress.some((p) => /junk envelopes skipped/.test(p))).toBe(true)
    for (const line of progress) {
      const [done, total] = line.split(' ').at(-1)!.split('/').map(Number)
      expect(done).toBeLessThanOrEqual(total!)
    }
    const topics = (await victim.data.listConversations('all')).map((c) => c.topic)
    expect(topics).toContain(bobTopic)
    expect(topics).toContain(attackerConversation.topic)
    // 24 oversized envelopes dropped before decoding, 3 smaller junk envelopes failed to open.
    expect(victim.client.conversations.skippedCount - skippedBefore).toBeGreaterThanOrEqual(27)
    const bobMessages = (await victim.data.listMessages(bobTopic, { limit: 10 })).messages
    expect(bobMessages.map((m) => m.content)).toEqual([{ type: 'text', text: 'hello victim' }])
    const attackerMessages = (await victim.data.listMessages(attackerConversation.topic, { limit: 20 })).messages
    expect(attackerMessages).toHaveLength(7)
    expect(attackerMessages.slice(0, 6).every((m) => m.content.type === 'unknown' && m.content.reason === 'tooLarge')).toBe(true)
    expect(attackerMessages[6]!.content).toEqual({ type: 'text', text: 'a normal line' })
  })

  it('never reads an envelope dated past now + 5 minutes by polling, on any pass', async () => {
    net.answers.length = 0
    await victim.data.syncNow()
    await victim.data.syncNow()
    const horizon = nowNs() + 6n * 60_000n * NS_PER_MS
    const read = net.answers.flat()
    expect(read.length).toBeGreaterThan(0)
    expect(read.filter((t) => t > horizon)).toEqual([])
    // The year-ahead invitation is not listed (it lists once it is due, or live by the stream).
    expect((await victim.data.listConversations('all')).some((c) => c.context?.conversationId === 'from-the-future')).toBe(false)
  })

  it('shows a message dated hours ahead, delivered live, at the time it was received and keeps the claim', async () => {
    const release = victim.data.holdStream('test')
    try {
      await until('the stream', async () => victim.data.syncStatus().streaming)
      const secret = deriveConversation(keysOf(attacker), keysOf(victim.client).getSignedPublicKeyBundle(), {})
      expect(secret.topic).toBe(attackerConversation.topic)
      const claimed = nowNs() + 3n * HOUR_NS
      const payload = await encodeContent('from the future', { contentType: ContentTypeText }, createDefaultRegistry())
      const future = await encodeMessageV2({ sender: keysOf(attacker), conversation: secret, payload, shouldPush: true, createdNs: claimed })
      const before = Date.now()
      await attacker.api.publish([future.envelope()])
      const shown = await until('the future-dated message', async () =>
        (await victim.data.listMessages(attackerConversation.topic, { limit: 20 })).messages.find((m) => m.content.type === 'text' && m.content.text === 'from the future'),
      )
      expect(shown.claimedSentAt).toBe(Number(claimed / NS_PER_MS))
      expect(shown.sentAt).toBeGreaterThanOrEqual(before)
      expect(shown.sentAt).toBeLessThan(Number(claimed / NS_PER_MS))
    } finally {
      release()
    }
  })

  it('a conversation sync cut short by its budget stores what it read and resumes at the cursor, re-reading nothing', async () => {
    const store = await openAccountStore({ indexedDB: new IDBFactory() as unknown as globalThis.IDBFactory, databaseName: 'budget-test', cacheKey: TEST_CACHE_KEY })
    const cache = new AccountCache(store.db, store.cipher, () => {})
    const batches: string[][] = []
    const engine = new SyncEngine(victim.client, cache, {
      onConsent: async () => {},
      onConversations: async () => {},
      onMessages: async (_topic, messages) => void batches.push(messages.map((m) => m.id)),
      onReachable: () => {},
    })
    const conversation = victim.client.conversations.get(attackerConversation.topic)!
    expect(await engine.syncConversations([conversation], false, { envelopes: 3, bytes: Number.MAX_SAFE_INTEGER })).toBe(false)
    const first = batches.flat()
    expect(first).toHaveLength(3)
    expect((await cache.cursors.getStates([conversation.topic]))[0]!.resume?.cursor).toBeDefined()
    batches.length = 0
    expect(await engine.syncConversations([conversation])).toBe(true)
    const rest = batches.flat()
    expect(rest.filter((id) => first.includes(id))).toEqual([])
    expect(new Set([...first, ...rest]).size).toBe(7) // 6 bombs and a line; the message dated hours ahead is not due
    expect((await cache.cursors.getStates([conversation.topic]))[0]!.resume).toBeUndefined()
    await engine.close()
    store.close()
  })

  it('past the inflation budget of a pass, compressed messages are stored as too large without being inflated at all', async () => {
    const store = await openAccountStore({ indexedDB: new IDBFactory() as unknown as globalThis.IDBFactory, databaseName: 'inflate-test', cacheKey: TEST_CACHE_KEY })
    const cache = new AccountCache(store.db, store.cipher, () => {})
    const stored: DecodedMessage[] = []
    const engine = new SyncEngine(victim.client, cache, {
      onConsent: async () => {},
      onConversations: async () => {},
      onMessages: async (_topic, messages) => void stored.push(...messages),
      onReachable: () => {},
    })
    const conversation = victim.client.conversations.get(attackerConversation.topic)!
    const push = vi.spyOn(Unzlib.prototype, 'push')
    let fed: number
    try {
      // Room for one bomb up to the 1 MiB cap and half of the next; none for the other four.
      expect(await engine.syncConversations([conversation], false, undefined, new InflateBudget(1.5 * 1024 * 1024))).toBe(true)
      fed = push.mock.calls.reduce((n, [chunk]) => n + chunk.length, 0)
    } finally {
      push.mockRestore()
    }
    // 1.5 MiB of zeros come from ~1.5 KiB of input: a few slices, not the ~24 KiB of six bombs.
    expect(fed).toBeLessThanOrEqual(6 * 1024)
    const bombs = stored.filter((m) => m.error instanceof DecompressedSizeError)
    expect(bombs).toHaveLength(6)
    expect(bombs.map((m) => (m.error as DecompressedSizeError).limit)).toEqual([1024 * 1024, 512 * 1024, 0, 0, 0, 0])
    expect(stored.find((m) => m.content === 'a normal line')).toBeDefined()
    await engine.close()
    store.close()
  })

  it('a listing cut short by its budget resumes where it stopped, also in a new client', async () => {
    const persistence = new InMemoryPersistence()
    const bodies: Array<{ contentTopics: string[]; pagingInfo?: { cursor?: unknown } }> = []
    const recording = async (input: string, init: RequestInit) => {
      if (input.endsWith('/message/v1/query')) bodies.push(JSON.parse(String(init.body)))
      return globalThis.fetch(input, init)
    }
    const first = await Client.create(victimWallet, { apiUrl: node.url, persistence })
    const part = await first.conversations.listSome({ envelopes: 10, bytes: Number.MAX_SAFE_INTEGER })
    expect(part.complete).toBe(false)
    await first.close()
    const again = await Client.create(victimWallet, { apiUrl: node.url, persistence, fetch: recording })
    let parts = 0
    for (;;) {
      parts++
      if ((await again.conversations.listSome({ envelopes: 10, bytes: Number.MAX_SAFE_INTEGER })).complete) break
      expect(parts).toBeLessThan(20)
    }
    // 27 junk + Bob's + the attacker's invitation on the topic: the 19 left after the first 10 take 2 more parts,
    // and the first of them starts at the node cursor where the cut-short part stopped.
    expect(parts).toBe(2)
    const firstInviteQuery = bodies.find((b) => b.contentTopics[0] === inviteTopic(victimWallet.address))!
    expect(firstInviteQuery.pagingInfo?.cursor).toBeDefined()
    const topics = again.conversations.listFromCache().map((c) => c.topic)
    expect(topics).toContain(bobTopic)
    expect(topics).toContain(attackerConversation.topic)
    await again.close()
  })
})
