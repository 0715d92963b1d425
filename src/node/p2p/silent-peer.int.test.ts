// A peer that stops reading (SIGSTOP) is not buffered for without limit: what waits for it is
// capped (--peer-queue-bytes), and it is closed once silent past --peer-timeout or once its
// queue overflows. After SIGCONT it reconnects by itself and catches up what it missed.

import { afterAll, beforeAll, expect, it } from 'vitest'
import { createIdentity } from '../testing/identities.ts'
import { post } from '../testing/http.ts'
import { healthOf, peersOf, startNetNode, topicContents, waitFor, waitForPeers, type NetNode } from './testing.ts'

const QUEUE = 1024 * 1024
let a: NetNode, b: NetNode
let token: string
const topic = `/xmtp/0/m-silent${process.pid}/proto`
let sent = 0

beforeAll(async () => {
  const alice = await createIdentity()
  token = await alice.token()
  const args = ['--peer-timeout', '4', '--peer-queue-bytes', String(QUEUE), '--anti-entropy-interval', '0']
  a = await startNetNode({ args, rateLimits: false })
  b = await startNetNode({ args, bootstrap: [a.bareAddress], rateLimits: false })
  await Promise.all([waitForPeers(a, [b.peerId]), waitForPeers(b, [a.peerId])])
}, 120_000)
afterAll(async () => {
  if (b) process.kill(b.pid, 'SIGCONT')
  await Promise.all([a, b].map((n) => n?.stop()))
})

async function publish(count: number, bytes: number): Promise<void> {
  const envelopes = Array.from({ length: count }, () => ({
    contentTopic: topic,
    timestampNs: String(BigInt(Date.now()) * 1_000_000n + BigInt(sent++)),
    message: Buffer.alloc(bytes, sent % 251).toString('base64'),
  }))
  expect((await post(`${a.url}/message/v1/publish`, { envelopes }, { Authorization: `Bearer ${token}` })).status).toBe(200)
}

/** Publishes while B is stopped until A has closed it; the most A ever held queued for B. */
async function untilAClosesB(count: number, bytes: number): Promise<number> {
  let mostQueued = 0
  await waitFor('A to close the stopped B', async () => {
    await publish(count, bytes)
    const peer = (await peersOf(a)).peers.find((p) => p.peerId === b.peerId)
    mostQueued = Math.max(mostQueued, peer?.queuedBytes ?? 0)
    return peer === undefined
  }, 60_000)
  return mostQueued
}

it('closes a silent peer after the timeout, then the peer comes back and catches up', { timeout: 180_000 }, async () => {
  const before = (await peersOf(a)).keeper
  process.kill(b.pid, 'SIGSTOP')
  const mostQueued = await untilAClosesB(1, 1_000) // a trickle: only silence can close it
  const after = (await peersOf(a)).keeper
  expect(after.closedSilent - before.closedSilent).toBe(1)
  expect(mostQueued).toBeLessThan(QUEUE)

  process.kill(b.pid, 'SIGCONT')
  await waitForPeers(b, [a.peerId], 60_000)
  await waitFor('B to catch up what it missed', async () => (await topicContents(b, topic)).length === sent, 60_000)
  expect(await topicContents(b, topic)).toEqual(await topicContents(a, topic))
})

it('caps what is queued for a stopped peer and closes it when the cap overflows', { timeout: 180_000 }, async () => {
  await waitForPeers(a, [b.peerId], 60_000)
  const before = (await peersOf(a)).keeper
  process.kill(b.pid, 'SIGSTOP')
  // 1 MB a round: kernel socket buffers fill first, then gossip queues for B past the cap.
  const mostQueued = await untilAClosesB(10, 100_000)
  const after = (await peersOf(a)).keeper
  // Usually the overflow closes it first; on a slow machine the silence timeout may win.
  expect(after.closedOverflow + after.closedSilent - before.closedOverflow - before.closedSilent).toBeGreaterThanOrEqual(1)
  // The cap plus one gossip message (at most 256 KiB of merged envelopes, or one large one).
  expect(mostQueued).toBeLessThanOrEqual(QUEUE + 1_100_000)
  expect((await healthOf(a)).status).toBe('ok')

  process.kill(b.pid, 'SIGCONT')
  await waitForPeers(b, [a.peerId], 60_000)
  await waitFor('B to catch up what it missed', async () => (await topicContents(b, topic)).length === sent, 60_000)
})
