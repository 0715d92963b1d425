// The listing pass's pipeline (issue 24): two invite pages open at once while the next is
// fetched and earlier ones merge in order, never further ahead, and issue 19's pass budget and
// resume cursor still hold. A real ApiClient reads a fault server over HTTP; opening is a stand-in the test releases
// page by page, so the order of events is decided by the code under test, not by timing.
import { afterEach, describe, expect, it } from 'vitest'
import { ApiClient } from '../api/client.ts'
import type { BoundedPage, BoundedPageOptions } from '../api/bounded-page.ts'
import { reply, startFaultServer, type FaultServer } from '../api/testing/fault-server.ts'
import { PrivateKeySigner } from '../keys/index.ts'
import { inviteTopic } from '../topics.ts'
import { ConversationIndex, type ConversationRecord } from './conversation-index.ts'
import { InMemoryPersistence } from './persistence.ts'
import { PAGES_OPENING, runListingPass, type ListingPassDeps } from './listing-pass.ts'
import { TopicCursor } from './topic-cursor.ts'
import { envelopeToJson, type Envelope, type QueryRequest } from '../../wire/message-api.ts'
import { toBase64 } from '../../wire/bytes.ts'

const ME = new PrivateKeySigner(new Uint8Array(32).fill(7)).address
const INVITES = inviteTopic(ME)
const NOW = 1_800_000_000_000_000_000n

let server: FaultServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Lets every pending callback, promise and socket event run (no time is measured). */
async function settleLoop(turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve))
}

async function waitFor(what: string, predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 20_000 && !predicate(); i++) await new Promise((resolve) => setImmediate(resolve))
  if (!predicate()) throw new Error(`never happened: ${what}`)
}

/** A node double holding `count` invite envelopes; the cursor is the offset of the next row. */
async function inviteNode(count: number) {
  const invites: Envelope[] = Array.from({ length: count }, (_, i) => ({
    contentTopic: INVITES,
    timestampNs: NOW - 1_000_000_000n + BigInt(i),
    message: new Uint8Array([i & 255, i >> 8, 1, 2, 3, 4, 5, 6]),
  }))
  server = await startFaultServer((request, res) => {
    const body = request.body as { contentTopics: string[]; pagingInfo: { limit: number; cursor?: { index: { senderTimeNs: string } } } }
    if (body.contentTopics[0] !== INVITES) return reply(res, 200, { envelopes: [], pagingInfo: null })
    const offset = Number(body.pagingInfo.cursor?.index.senderTimeNs ?? 0)
    const page = invites.slice(offset, offset + body.pagingInfo.limit)
    const next = offset + page.length
    const cursor = page.length === body.pagingInfo.limit ? { index: { digest: toBase64(new Uint8Array([next & 255])), senderTimeNs: String(next) } } : undefined
    reply(res, 200, { envelopes: page.map(envelopeToJson), pagingInfo: { limit: body.pagingInfo.limit, direction: 'SORT_DIRECTION_ASCENDING', ...(cursor ? { cursor } : {}) } })
  })
  return { url: server.url, invites }
}

/** Pass dependencies whose invite opening waits for the test to release each page. */
async function passDeps(url: string, options: { held: boolean; heldMerges?: boolean }) {
  const api = new ApiClient({ apiUrl: url })
  const persistence = new InMemoryPersistence()
  const introCursor = new TopicCursor(persistence, 'watermark/intro')
  const inviteCursor = new TopicCursor(persistence, 'watermark/invite')
  await introCursor.load()
  await inviteCursor.load()
  const events: string[] = []
  const releases: Array<() => void> = []
  const merged: number[] = []
  const mergeReleases: Array<() => void> = []
  let merging = 0
  let requested = 0
  let received = 0
  let opening = 0
  const deps: ListingPassDeps = {
    api: {
      async queryBoundedPage(request: QueryRequest, bounds: BoundedPageOptions): Promise<BoundedPage> {
        const invite = request.contentTopics[0] === INVITES
        const n = invite ? ++requested : 0
        if (invite) events.push(`request ${n}`)
        const page = await api.queryBoundedPage(request, bounds)
        if (invite) events.push(`received ${++received}`)
        return page
      },
    },
    address: ME,
    introCursor,
    inviteCursor,
    index: new ConversationIndex(),
    fromIntros: async () => [],
    async fromInvites(envelopes, onOpened) {
      const n = ++opening
      events.push(`open ${n}`)
      if (options.held) await new Promise<void>((resolve) => releases.push(resolve))
      for (const _ of envelopes) onOpened()
      events.push(`opened ${n}`)
      return envelopes.map((e): ConversationRecord => ({ version: 'v1', topic: `/xmtp/0/dm-${e.message[0]}-${e.message[1]}/proto`, peerAddress: ME, createdNs: e.timestampNs }))
    },
    async merge(records) {
      if (records.length === 0) return // intros and empty pages merge nothing
      const n = ++merging
      events.push(`merge ${n}`)
      if (options.heldMerges) await new Promise<void>((resolve) => mergeReleases.push(resolve))
      merged.push(records.length)
      events.push(`merged ${n}`)
    },
    reportSkipped: () => {},
    reportProgress: () => {},
  }
  return { deps, events, releases, mergeReleases, merged, inviteCursor }
}

describe('runListingPass', () => {
  it('opens two pages at once and reads the next meanwhile, never further ahead', async () => {
    const node = await inviteNode(350) // pages of 100, 100, 100, 50
    const { deps, events, releases, merged } = await passDeps(node.url, { held: true })
    const pass = runListingPass(deps, { envelopes: 10_000, bytes: 1 << 30 }, NOW)
    expect(PAGES_OPENING).toBe(2)

    // Pages 1 and 2 are being opened (held) and page 3 is already asked for and read.
    await waitFor('page 3 read while pages 1 and 2 open', () => events.includes('received 3'))
    await settleLoop()
    expect(events).toEqual(['request 1', 'received 1', 'open 1', 'request 2', 'received 2', 'open 2', 'request 3', 'received 3'])
    // Two pages opening at most, one read ahead: page 3 waits for page 1, page 4 is not asked for.
    expect(events).not.toContain('open 3')
    expect(events).not.toContain('request 4')
    expect(merged).toEqual([])

    releases[0]!()
    await waitFor('page 4 read while pages 2 and 3 open', () => events.includes('received 4'))
    expect(events.indexOf('opened 1')).toBeLessThan(events.indexOf('open 3'))
    expect(events.indexOf('open 3')).toBeLessThan(events.indexOf('request 4'))
    await settleLoop()
    expect(events).not.toContain('open 4')
    await waitFor('page 1 merged', () => merged.length === 1)
    expect(merged).toEqual([100])

    releases[1]!()
    await waitFor('page 4 opens', () => events.includes('open 4'))
    releases[2]!()
    releases[3]!()
    expect(await pass).toBe(true)
    expect(merged).toEqual([100, 100, 100, 50]) // merged in page order, each once
    expect(events.filter((e) => e.startsWith('request'))).toHaveLength(4)
  })

  it('merges in page order beside the openings, and holds page N+3 until page N is merged', async () => {
    const node = await inviteNode(450) // pages of 100, 100, 100, 100, 50
    const { deps, events, mergeReleases, merged } = await passDeps(node.url, { held: false, heldMerges: true })
    const pass = runListingPass(deps, { envelopes: 10_000, bytes: 1 << 30 }, NOW)

    // Page 1 is opened and its merge is held: pages 2 and 3 open beside it.
    await waitFor('page 3 opened while page 1 merges', () => events.includes('opened 3'))
    await settleLoop()
    expect(events.indexOf('merge 1')).toBeLessThan(events.indexOf('open 2'))
    expect(events).not.toContain('merged 1')
    // Page 4 waits for page 1's merge (memory stays bounded), and page 2's merge waits for page 1's.
    expect(events).not.toContain('open 4')
    expect(events).not.toContain('merge 2')
    expect(events.filter((e) => e.startsWith('request'))).toHaveLength(4)

    mergeReleases[0]!()
    await waitFor('page 4 opens once page 1 is merged', () => events.includes('open 4'))
    expect(events.indexOf('merged 1')).toBeLessThan(events.indexOf('merge 2'))
    expect(events.indexOf('merged 1')).toBeLessThan(events.indexOf('open 4'))
    for (let i = 1; i < 5; i++) {
      await waitFor(`merge ${i + 1}`, () => mergeReleases.length > i)
      mergeReleases[i]!()
    }
    expect(await pass).toBe(true)
    expect(merged).toEqual([100, 100, 100, 100, 50])
  })

  it('a page that fails to open fails the pass; nothing after it is merged', async () => {
    const node = await inviteNode(350)
    const { deps, merged } = await passDeps(node.url, { held: false })
    const open = deps.fromInvites
    let pages = 0
    deps.fromInvites = async (envelopes, onOpened) => {
      if (++pages === 2) throw new Error('page 2 broke')
      return open(envelopes, onOpened)
    }
    await expect(runListingPass(deps, { envelopes: 10_000, bytes: 1 << 30 }, NOW)).rejects.toThrow('page 2 broke')
    expect(merged).toEqual([100])
  })

  it('stops where the pass budget runs out, merged up to there, and the next pass resumes at the cursor', async () => {
    const node = await inviteNode(250)
    const { deps, events, merged, inviteCursor } = await passDeps(node.url, { held: false })
    expect(await runListingPass(deps, { envelopes: 150, bytes: 1 << 30 }, NOW)).toBe(false)
    expect(events.filter((e) => e.startsWith('request'))).toEqual(['request 1', 'request 2'])
    expect(merged).toEqual([100, 50]) // the budget's 150 envelopes, all opened and merged before the pass ended
    const resume = inviteCursor.next(NOW + 1n)
    expect(resume.cursor?.senderTimeNs).toBe(150n)

    expect(await runListingPass(deps, { envelopes: 5_000, bytes: 1 << 30 }, NOW + 1n)).toBe(true)
    expect(merged).toEqual([100, 50, 100]) // rows 150..249, once
    expect(node.invites).toHaveLength(250)
  })
})
