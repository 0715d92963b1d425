// Our ApiClient and xmtp-js 13's own HttpApiClient, through our node, in both directions:
// what one publishes the other queries and streams, byte for byte.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIdentity, xmtpjs, type TestIdentity } from '../../node/testing/identities.ts'
import { startNode, type NodeProcess } from '../../node/testing/node-process.ts'
import { ApiClient } from './client.ts'
import type { Envelope } from '../../wire/message-api.ts'

let node: NodeProcess
let alice: TestIdentity
let ours: ApiClient
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let theirs: any
let run = 0
const topic = () => `/xmtp/0/m-interop${process.pid}x${++run}/proto`
const bytes = (text: string) => new TextEncoder().encode(text)

async function subscriptions(): Promise<number> {
  return ((await (await fetch(`${node.url}/healthz`)).json()) as { subscriptions: number }).subscriptions
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

beforeAll(async () => {
  ;[node, alice] = await Promise.all([startNode({ auth: true, rateLimits: false }), createIdentity()])
  ours = new ApiClient({ apiUrl: node.url, authenticator: { createToken: () => alice.token() } })
  theirs = new xmtpjs.HttpApiClient(node.url)
  theirs.setAuthenticator({
    createToken: async () => {
      const token = await alice.token()
      return { ageMs: 0, toBase64: () => token }
    },
  })
})
afterAll(async () => {
  await node?.stop()
})

describe('ApiClient ⇄ xmtp-js HttpApiClient through our node', () => {
  it('reads what xmtp-js published, in both directions', async () => {
    const t = topic()
    const base = Date.now() - 60_000
    await theirs.publish([0, 1, 2].map((i) => ({ contentTopic: t, message: bytes(`theirs ${i}`), timestamp: new Date(base + i) })))
    const expected: Envelope[] = [0, 1, 2].map((i) => ({ contentTopic: t, timestampNs: BigInt(base + i) * 1_000_000n, message: bytes(`theirs ${i}`) }))
    expect(await ours.query({ contentTopic: t })).toEqual(expected)
    expect(await ours.query({ contentTopic: t, direction: 'descending', pageSize: 2 })).toEqual([...expected].reverse())
  })

  it('xmtp-js reads what we published, in both directions', async () => {
    const t = topic()
    const ns = BigInt(Date.now() - 60_000) * 1_000_000n
    const published: Envelope[] = [0, 1, 2].map((i) => ({ contentTopic: t, timestampNs: ns + BigInt(i) * 1_000_000n, message: bytes(`ours ${i}`) }))
    await ours.publish(published)
    const asc = await theirs.query({ contentTopic: t }, { direction: xmtpjs.SortDirection.SORT_DIRECTION_ASCENDING })
    expect(asc.map((e: { contentTopic: string; timestampNs: string; message: Uint8Array }) => [e.contentTopic, e.timestampNs, Array.from(e.message)])).toEqual(
      published.map((e) => [e.contentTopic, e.timestampNs.toString(), Array.from(e.message)]),
    )
    const desc = await theirs.query({ contentTopic: t }, { direction: xmtpjs.SortDirection.SORT_DIRECTION_DESCENDING, limit: 2 })
    expect(desc.map((e: { message: Uint8Array }) => new TextDecoder().decode(e.message))).toEqual(['ours 2', 'ours 1'])
  })

  it('each side streams what the other publishes', async () => {
    const t = topic()
    const before = await subscriptions()
    const sub = await ours.subscribe([t])
    const received: Uint8Array[] = []
    const theirSub = theirs.subscribe({ contentTopics: [t] }, (e: { message: Uint8Array }) => received.push(e.message))
    try {
      await until(async () => (await subscriptions()) >= before + 2, 'both subscriptions')
      await theirs.publish([{ contentTopic: t, message: bytes('from xmtp-js') }])
      const first = await sub.next()
      expect(first.done).toBe(false)
      expect(new TextDecoder().decode(first.value!.message)).toBe('from xmtp-js')

      await ours.publish([{ contentTopic: t, timestampNs: BigInt(Date.now()) * 1_000_000n, message: bytes('from parley') }])
      await until(() => received.length >= 2, 'xmtp-js to see both envelopes')
      expect(received.map((m) => new TextDecoder().decode(m))).toEqual(['from xmtp-js', 'from parley'])
      const second = await sub.next()
      expect(new TextDecoder().decode(second.value!.message)).toBe('from parley')
    } finally {
      await theirSub.unsubscribe()
      await sub.close()
    }
    // Closing really ended the request on the node.
    await until(async () => (await subscriptions()) === before, 'the node to drop both subscriptions')
  })
})
