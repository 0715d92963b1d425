// One retry policy per layer (issue 24): an outbox that owns the retries of its sends publishes
// with `publishPrepared(prepared, { retry: { maxAttempts: 1 } })`, and the API client then
// tries once; other calls keep the client's policy. A real Client over HTTP to the fault server.
import { afterEach, describe, expect, it } from 'vitest'
import { RateLimitedError } from '../api/errors.ts'
import { reply, startFaultServer, type FaultServer } from '../api/testing/fault-server.ts'
import { PrivateKeyBundleV1, PrivateKeySigner } from '../keys/index.ts'
import { Client } from './client.ts'

let server: FaultServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** A node whose publishes answer from `script` (429 with Retry-After: 0 = retry at once; 200 = stored). */
async function setup(script: number[]) {
  let publishes = 0
  server = await startFaultServer((request, res) => {
    if (request.path.endsWith('/publish')) {
      const status = script[publishes++] ?? 200
      return status === 200 ? reply(res, 200, {}) : reply(res, status, { code: 8, message: 'slow down' }, { 'retry-after': '0' })
    }
    reply(res, 200, { envelopes: [], pagingInfo: null }) // queries (the consent list) find nothing
  })
  const keys = await PrivateKeyBundleV1.generate(new PrivateKeySigner(new Uint8Array(32).fill(5)))
  const client = await Client.create(null, { apiUrl: server.url, privateKeyOverride: keys.encode(), skipContactPublishing: true })
  const peer = new PrivateKeySigner(new Uint8Array(32).fill(6))
  const conversation = client.conversations.fromRecord({
    version: 'v2',
    topic: '/xmtp/0/m-publish-retry/proto',
    peerAddress: peer.address,
    createdNs: 1_700_000_000_000_000_000n,
    keyMaterial: new Uint8Array(32).fill(3),
  })
  // Publishes of this conversation's message (a successful send also publishes a consent action).
  const publishRequests = () => server!.requests.filter((r) => r.path.endsWith('/publish') && (r.body as { envelopes: { contentTopic: string }[] }).envelopes[0]!.contentTopic === conversation.topic).length
  return { client, conversation, publishRequests }
}

describe('Conversation.publishPrepared retry option', () => {
  it('with { retry: { maxAttempts: 1 } } tries the publish once and surfaces the error', async () => {
    const { client, conversation, publishRequests } = await setup([429, 429, 429, 429])
    const prepared = await conversation.prepareMessage('hello')
    await expect(conversation.publishPrepared(prepared, { retry: { maxAttempts: 1 } })).rejects.toBeInstanceOf(RateLimitedError)
    expect(publishRequests()).toBe(1)
    await client.close()
  })

  it("applies to that call only: the next publish retries under the client's policy", async () => {
    const { client, conversation, publishRequests } = await setup([429, 429, 200])
    const prepared = await conversation.prepareMessage('hello')
    await expect(conversation.publishPrepared(prepared, { retry: { maxAttempts: 1 } })).rejects.toBeInstanceOf(RateLimitedError)
    expect(publishRequests()).toBe(1)
    await conversation.publishPrepared(prepared) // default policy: 4 attempts; the second one is stored
    expect(publishRequests()).toBe(3)
    await client.close()
  })

  it("without options keeps the client's policy (4 attempts), and maxAttempts: 2 tries twice", async () => {
    const { client, conversation, publishRequests } = await setup([429, 429, 429, 429, 429, 429])
    const prepared = await conversation.prepareMessage('hello')
    await expect(conversation.publishPrepared(prepared)).rejects.toBeInstanceOf(RateLimitedError)
    expect(publishRequests()).toBe(4)
    await expect(conversation.publishPrepared(prepared, { retry: { maxAttempts: 2 } })).rejects.toBeInstanceOf(RateLimitedError)
    expect(publishRequests()).toBe(6)
    await client.close()
  })

  it('rejects a bad retry option before publishing anything', async () => {
    const { client, conversation, publishRequests } = await setup([])
    const prepared = await conversation.prepareMessage('hello')
    await expect(conversation.publishPrepared(prepared, { retry: { maxAttempts: 0 } })).rejects.toThrow(RangeError)
    await expect(conversation.publishPrepared(prepared, { retry: 'never' as never })).rejects.toThrow(TypeError)
    await expect(conversation.publishPrepared(prepared, null as never)).rejects.toThrow(TypeError)
    expect(publishRequests()).toBe(0)
    await client.close()
  })
})
