// The offload channel end to end over real MessagePorts (Node's, the same structured clone as
// a browser's): the worker side (serve.ts) opening real sealed invitations, the background side
// (offloader.ts) splitting, checking and falling back to this thread on every kind of failure.
import { afterEach, describe, expect, it } from 'vitest'
import { MessageChannel } from 'node:worker_threads'
import { deriveConversation, openInvitationsInThread, sealInvitation, type InvitationEnvelope } from '../../protocol/invitations/index.ts'
import { PrivateKeyBundleV1, PrivateKeySigner } from '../../protocol/keys/index.ts'
import { generatePrivateKey } from '../../protocol/crypto/index.ts'
import { MAX_BATCH, OFFLOAD_TAG, OffloadError } from './messages.ts'
import { InvitationOffloader, type OffloadConnection } from './offloader.ts'
import { answerRequest, servePort, type PortLike } from './serve.ts'

const identity = () => PrivateKeyBundleV1.generate(new PrivateKeySigner(generatePrivateKey()))

/** `count` sealed invitations to `recipient` from distinct inviters, plus one junk envelope if asked. */
async function invitations(recipient: PrivateKeyBundleV1, count: number): Promise<InvitationEnvelope[]> {
  const bundle = recipient.getSignedPublicKeyBundle()
  const out: InvitationEnvelope[] = []
  for (let i = 0; i < count; i++) {
    const sender = await identity()
    const derived = deriveConversation(sender, bundle, { conversationId: `test/${i}` })
    const sealed = await sealInvitation({ sender, recipient: bundle, invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial, context: { conversationId: `test/${i}`, metadata: { n: String(i) } } } })
    out.push(sealed.envelopes[0])
  }
  return out
}

const opened: Array<() => void> = []
afterEach(() => {
  for (const close of opened.splice(0)) close()
})

/** A connection to `workers` in-process workers (serve.ts on the far end of each channel). */
function inProcessWorkers(workers = 1, far?: (port: PortLike) => void) {
  let released = 0
  const connect = async (): Promise<OffloadConnection> => {
    const ports = Array.from({ length: workers }, () => {
      const channel = new MessageChannel()
      const near = channel.port1 as unknown as PortLike
      const remote = channel.port2 as unknown as PortLike
      if (far) far(remote)
      else opened.push(servePort(remote, () => 'noble'))
      opened.push(() => channel.port1.close())
      return near
    })
    return { ports, backend: 'noble', release: () => void released++ }
  }
  return { connect, released: () => released }
}

/** What the listing keeps of an outcome, comparable across threads. */
const summary = (outcomes: Awaited<ReturnType<typeof openInvitationsInThread>>) =>
  outcomes.map((o) => (o.ok ? { topic: o.invitation.topic, peer: o.invitation.peerAddress, key: Buffer.from(o.invitation.keyMaterial).toString('hex'), deterministic: o.invitation.deterministic, context: o.invitation.context, createdNs: o.invitation.createdNs } : { error: o.error.name }))

describe('invitation offload', () => {
  it('a page goes to the workers, split between them, and opens exactly as on this thread (a bad envelope included)', async () => {
    const me = await identity()
    const envelopes = [...(await invitations(me, 20)), { timestampNs: 5n, message: new Uint8Array([1, 2, 3]) }]
    const workers = inProcessWorkers(2)
    const offloader = new InvitationOffloader({ connect: workers.connect, minBatch: 4 })
    expect(await offloader.warm()).toBe(true)
    const off = await offloader.open(me, envelopes)
    expect(offloader.counts).toMatchObject({ offloaded: 2, inThread: 0, failures: 0 })
    expect(summary(off)).toEqual(summary(await openInvitationsInThread(me, envelopes)))
    expect(off[20]).toMatchObject({ ok: false, error: { name: 'InvalidInvitationError' } })
    // The caller's envelopes were copied, not transferred away.
    expect(envelopes[0]!.message.length).toBeGreaterThan(0)
    offloader.close()
    expect(workers.released()).toBe(1)
  })

  it('with an in-thread share, this thread opens the tail of each batch and the order is kept', async () => {
    const me = await identity()
    const envelopes = await invitations(me, 9)
    const offloader = new InvitationOffloader({ connect: inProcessWorkers(1).connect, minBatch: 4, inThreadShare: 0.5 })
    await offloader.warm()
    expect(summary(await offloader.open(me, envelopes))).toEqual(summary(await openInvitationsInThread(me, envelopes)))
    expect(offloader.counts).toMatchObject({ offloaded: 1, inThread: 0 })
    offloader.close()
    expect(() => new InvitationOffloader({ connect: inProcessWorkers(1).connect, inThreadShare: 0.9 })).toThrow('options.inThreadShare must be 0 to 0.5')
  })

  it('small batches stay on this thread and start no worker; while workers start, batches open here', async () => {
    const me = await identity()
    let connects = 0
    const workers = inProcessWorkers(1)
    const offloader = new InvitationOffloader({ connect: () => (connects++, workers.connect()), minBatch: 4 })
    expect(summary(await offloader.open(me, await invitations(me, 2)))).toHaveLength(2)
    expect(connects).toBe(0)
    const page = await invitations(me, 5)
    await offloader.open(me, page) // starts the workers, opens here meanwhile
    expect(connects).toBe(1)
    expect(offloader.counts).toMatchObject({ offloaded: 0, inThread: 2 })
    await offloader.warm()
    await offloader.open(me, page)
    expect(offloader.counts.offloaded).toBe(1)
    offloader.close()
  })

  const failures: Array<[string, (port: PortLike) => void, OffloadError['reason']]> = [
    ['never answers', (port) => void port.addEventListener('message', () => {}), 'timeout'],
    ['answers with the wrong number of outcomes', (port) => answerWith(port, (id) => ({ tag: OFFLOAD_TAG, kind: 'opened', id, outcomes: [] })), 'bad-message'],
    ['answers key material of the wrong length', (port) => answerWith(port, (id, count) => ({ tag: OFFLOAD_TAG, kind: 'opened', id, outcomes: Array.from({ length: count }, () => ({ ok: true, invitation: { topic: '/xmtp/0/m-00/proto', keyMaterial: new Uint8Array(3), role: 'recipient', peerAddress: '0x3De402A325323Bb97f00cE3ad5bFAc96A11F9A34', deterministic: true, createdNs: 1n } })) })), 'bad-message'],
    ['answers something untagged', (port) => answerWith(port, () => ({ hello: 'there' })), 'bad-message'],
    ['says it failed', (port) => answerWith(port, (id) => ({ tag: OFFLOAD_TAG, kind: 'failed', id, error: 'the keys did not decode' })), 'failed'],
  ]
  for (const [what, far, reason] of failures) {
    it(`a worker that ${what}: the batch opens on this thread, the workers are let go, later batches stay here for a while`, async () => {
      const me = await identity()
      const page = await invitations(me, 6)
      const workers = inProcessWorkers(1, far)
      const seen: OffloadError[] = []
      const offloader = new InvitationOffloader({ connect: workers.connect, minBatch: 4, timeoutMs: 300, onFailure: (e) => seen.push(e) })
      await offloader.warm()
      const outcomes = await offloader.open(me, page)
      expect(summary(outcomes)).toEqual(summary(await openInvitationsInThread(me, page)))
      expect(seen.map((e) => e.reason)).toEqual([reason])
      expect(workers.released()).toBe(1)
      expect(offloader.connected).toBe(false)
      await offloader.open(me, page)
      expect(offloader.counts).toMatchObject({ offloaded: 0, inThread: 2, failures: 1 })
      expect(await offloader.warm()).toBe(false) // blocked until retryAfterMs has passed
    })
  }

  it('no worker can be started: every batch opens here, the reason is reported once', async () => {
    const me = await identity()
    const seen: OffloadError[] = []
    const offloader = new InvitationOffloader({ connect: async () => { throw new Error('chrome.offscreen is missing') }, minBatch: 1, onFailure: (e) => seen.push(e) })
    expect(await offloader.warm()).toBe(false)
    expect(summary(await offloader.open(me, await invitations(me, 2)))).toHaveLength(2)
    expect(seen.map((e) => [e.reason, e.message])).toEqual([['unavailable', 'no worker could be started (Error)']])
  })

  it('rejects options out of bounds with labelled errors', () => {
    expect(() => new InvitationOffloader({} as never)).toThrow('options.connect must be a function')
    expect(() => new InvitationOffloader({ connect: async () => ({}) as never, maxBatch: MAX_BATCH + 1 })).toThrow(`options.maxBatch must be 1 to ${MAX_BATCH}`)
  })
})

describe('the worker side', () => {
  const request = (fields: Record<string, unknown>) => ({ tag: OFFLOAD_TAG, kind: 'open-invitations', id: 7, ...fields })

  it('zeroes the key bytes it was sent once the batch is done', async () => {
    const me = await identity()
    const keys = me.encode().slice()
    const answer = await answerRequest(request({ keys, envelopes: await invitations(me, 1) }))
    expect(answer).toMatchObject({ kind: 'opened', id: 7, outcomes: [{ ok: true }] })
    expect(keys.every((b) => b === 0)).toBe(true)
  })

  it('answers a bad request with a labelled failure, and ignores what is not a request', async () => {
    const me = await identity()
    const envelope = (await invitations(me, 1))[0]!
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ keys: me.encode(), envelopes: [] }, `request.envelopes must hold 1 to ${MAX_BATCH} envelopes`],
      [{ keys: me.encode(), envelopes: Array(MAX_BATCH + 1).fill(envelope) }, `request.envelopes must hold 1 to ${MAX_BATCH} envelopes`],
      [{ keys: 'secret', envelopes: [envelope] }, 'request.keys must be 1 to 8192 bytes'],
      [{ keys: me.encode(), envelopes: [{ timestampNs: 1, message: envelope.message }] }, 'request.envelopes[0].timestampNs must be a bigint'],
      [{ keys: me.encode(), envelopes: [{ timestampNs: 1n, message: new Uint8Array(32 * 1024 + 1) }] }, 'request.envelopes[0].message must be at most 32768 bytes'],
      [{ keys: new Uint8Array([1, 2, 3]), envelopes: [envelope] }, 'the keys did not decode'],
      [{ kind: 'sign-everything', keys: me.encode(), envelopes: [envelope] }, 'request.kind must be "open-invitations"'],
    ]
    for (const [fields, error] of cases) expect(await answerRequest(request(fields))).toEqual({ tag: OFFLOAD_TAG, kind: 'failed', id: 7, error })
    expect(await answerRequest({ hello: 'there' })).toBeNull()
  })
})

/** A far end that answers every request with `make(id, count)`. */
function answerWith(port: PortLike, make: (id: number, count: number) => unknown): void {
  port.addEventListener('message', (event) => {
    const data = event.data as { id: number; envelopes: unknown[] }
    port.postMessage(make(data.id, data.envelopes.length))
  })
  port.start?.()
}
