// The outbox on fake-indexeddb with a conversation double whose publish fails as told:
// backoff on transient errors, failed after N attempts or at once on a permanent error,
// retry(), resuming after a restart, and a delivery seen elsewhere mid-attempt.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { InvalidRequestError, NetworkError, type Client } from '../../protocol/index.ts'
import type { StoredMessage } from './conversation-state.ts'
import { RecordCipher } from './cipher.ts'
import { openAccountDatabase, type CacheDatabase } from './database.ts'
import { Outbox } from './outbox.ts'

const TOPIC = '/xmtp/0/m-outbox/proto'

function fakeClient(publish: () => Promise<void>, calls: unknown[], options: unknown[] = []): Client {
  const conversation = {
    publishPrepared: async (prepared: unknown, publishOptions?: unknown) => {
      calls.push(prepared)
      options.push(publishOptions)
      await publish()
    },
  }
  return { conversations: { get: (topic: string) => (topic === TOPIC ? conversation : undefined) } } as unknown as Client
}

function message(id: string): StoredMessage {
  return { view: { id, topic: TOPIC, senderAddress: '0x1', sentAt: 1, content: { type: 'text', text: 'hi' }, delivery: 'pending' } }
}

const ENVELOPES = [{ contentTopic: TOPIC, timestampNs: 5n, message: new Uint8Array([1, 2, 3]) }]

async function setup(publish: () => Promise<void>, policy = { baseDelayMs: 1, maxDelayMs: 4, maxAttempts: 3 }, db?: CacheDatabase) {
  const database = db ?? (await openAccountDatabase(new IDBFactory(), 'outbox-test'))
  const calls: unknown[] = []
  const options: unknown[] = []
  const deliveries: Array<[string, string, string | undefined]> = []
  const outbox = new Outbox(database, new RecordCipher(new Uint8Array(32).fill(1)), fakeClient(publish, calls, options), {
    onDelivery: async (_topic, m) => void deliveries.push([m.view.id, m.view.delivery, m.view.error]),
  }, policy)
  return { db: database, outbox, calls, options, deliveries }
}

async function settle(outbox: Outbox, done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) {
    await outbox.idle()
    await new Promise((r) => setTimeout(r, 5))
  }
}

const networkDown = () => new NetworkError('publish failed: connection refused', { method: 'publish' })

describe('Outbox', () => {
  it('owns the retries of a send: each of its attempts is one publish attempt, none multiplied below it', async () => {
    let failures = 2
    const { outbox, calls, options, deliveries } = await setup(async () => {
      if (failures-- > 0) throw networkDown()
    })
    await outbox.enqueue(TOPIC, ENVELOPES, message('once'))
    await settle(outbox, () => deliveries.length > 0)
    expect(deliveries).toEqual([['once', 'sent', undefined]])
    expect(calls).toHaveLength(3) // two transient failures, then the publish that got through
    expect(options).toEqual([{ retry: { maxAttempts: 1 } }, { retry: { maxAttempts: 1 } }, { retry: { maxAttempts: 1 } }])
    await outbox.close()
  })

  it('publishes the stored envelopes byte for byte and reports sent', async () => {
    const { outbox, calls, deliveries } = await setup(async () => {})
    await outbox.enqueue(TOPIC, ENVELOPES, message('a'))
    await settle(outbox, () => deliveries.length > 0)
    expect(deliveries).toEqual([['a', 'sent', undefined]])
    expect(calls).toEqual([{ topic: TOPIC, envelopes: ENVELOPES }])
    expect(await outbox.size()).toBe(0)
    await outbox.close()
  })

  it('backs off on transient errors and marks the message failed after maxAttempts; retry() puts it back', async () => {
    let fail = true
    const { outbox, calls, deliveries } = await setup(async () => {
      if (fail) throw networkDown()
    })
    await outbox.enqueue(TOPIC, ENVELOPES, message('b'))
    await settle(outbox, () => deliveries.length > 0)
    expect(calls).toHaveLength(3)
    expect(deliveries).toEqual([['b', 'failed', 'not delivered after 3 attempts: publish failed: connection refused']])
    expect(await outbox.size()).toBe(1) // kept, so retry() republishes the same bytes
    fail = false
    expect((await outbox.retry('b'))?.view.delivery).toBe('pending')
    await settle(outbox, () => deliveries.length > 2)
    expect(deliveries.slice(1).map(([, d]) => d)).toEqual(['pending', 'sent'])
    expect(await outbox.size()).toBe(0)
    await outbox.close()
  })

  it('fails at once on a permanent error', async () => {
    const { outbox, calls, deliveries } = await setup(async () => {
      throw new InvalidRequestError('publish failed: message too large', { code: 3, httpStatus: 400, method: 'publish' })
    })
    await outbox.enqueue(TOPIC, ENVELOPES, message('c'))
    await settle(outbox, () => deliveries.length > 0)
    expect(calls).toHaveLength(1)
    expect(deliveries[0]![1]).toBe('failed')
    expect(deliveries[0]![2]).toMatch(/^not delivered: publish failed: message too large/)
    await outbox.close()
  })

  it('a restarted outbox resumes what the previous one left', async () => {
    const first = await setup(async () => {
      throw networkDown()
    }, { baseDelayMs: 60_000, maxDelayMs: 60_000, maxAttempts: 10 })
    await first.outbox.enqueue(TOPIC, ENVELOPES, message('d'))
    await settle(first.outbox, () => first.calls.length > 0)
    await first.outbox.close() // the worker dies; the next attempt was a minute away
    const second = await setup(async () => {}, { baseDelayMs: 1, maxDelayMs: 1, maxAttempts: 10 }, first.db)
    second.outbox.kick()
    await settle(second.outbox, () => second.deliveries.length > 0)
    // Not due yet: nothing is published early...
    expect(second.calls).toHaveLength(0)
    // ...until the node is back (a sync pass got through): wake() makes it due now.
    await second.outbox.wake()
    await settle(second.outbox, () => second.deliveries.some(([, d]) => d === 'sent'))
    expect(second.calls).toHaveLength(1)
    expect(await second.outbox.size()).toBe(0)
    await second.outbox.close()
  })

  it('an entry delivered elsewhere while its attempt was failing is not brought back', async () => {
    let outbox!: Outbox
    const ctx = await setup(async () => {
      await outbox.delivered('e') // sync saw it on the node meanwhile
      throw networkDown()
    })
    outbox = ctx.outbox
    await outbox.enqueue(TOPIC, ENVELOPES, message('e'))
    await settle(outbox, () => ctx.calls.length > 0)
    await outbox.idle()
    expect(await outbox.size()).toBe(0)
    expect(ctx.deliveries).toEqual([])
    await outbox.close()
  })
})
