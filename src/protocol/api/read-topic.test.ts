import { describe, expect, it } from 'vitest'
import { readTopic, type ReadBudget } from './read-topic.ts'
import { parseBoundedPage, type BoundedPage, type BoundedPageOptions } from './bounded-page.ts'
import { ResponseTooLargeError } from './errors.ts'
import { SortDirection, type Envelope, type QueryRequest } from '../../wire/message-api.ts'
import { toBase64 } from '../../wire/bytes.ts'

const TOPIC = '/xmtp/0/invite-0xabc/proto'

/** A node in memory: `sizes[i]` is the message size of row i; answers are cut at maxResponseBytes like http.ts. */
function fakeNode(sizes: number[]) {
  const log: Array<{ limit: number; cursor: bigint | undefined; outcome: string }> = []
  let inFlight = 0
  const source = {
    async queryBoundedPage(request: QueryRequest, bounds: BoundedPageOptions): Promise<BoundedPage> {
      inFlight++
      try {
        const limit = request.pagingInfo!.limit!
        const after = request.pagingInfo?.cursor?.senderTimeNs
        const from = after === undefined ? 0 : Number(after) + 1
        const rows = sizes.slice(from, from + limit).map((size, k) => ({ contentTopic: TOPIC, timestampNs: String(from + k), message: toBase64(new Uint8Array(size).fill(7)) }))
        const json = { envelopes: rows, ...(rows.length === limit ? { pagingInfo: { limit, direction: 'SORT_DIRECTION_ASCENDING', cursor: { index: { digest: toBase64(new Uint8Array([from + rows.length - 1])), senderTimeNs: String(from + rows.length - 1) } } } } : {}) }
        if (JSON.stringify(json).length > bounds.maxResponseBytes) {
          log.push({ limit, cursor: after, outcome: 'too large' })
          throw new ResponseTooLargeError('query', bounds.maxResponseBytes)
        }
        log.push({ limit, cursor: after, outcome: `${rows.length} rows` })
        return parseBoundedPage(json, bounds.maxMessageBytes)
      } finally {
        inFlight--
      }
    },
  }
  return { source, log, inFlight: () => inFlight }
}

const request: QueryRequest = { contentTopics: [TOPIC], pagingInfo: { limit: 100, direction: SortDirection.SORT_DIRECTION_ASCENDING } }
const unlimited = (): ReadBudget => ({ envelopes: Infinity, bytes: Infinity })

describe('readTopic', () => {
  it('hands over one page at a time: the next page is asked for only after the last one was handled', async () => {
    const node = fakeNode(new Array(250).fill(10))
    const seen: number[] = []
    const result = await readTopic(node.source, request, unlimited(), async (envelopes) => {
      expect(node.inFlight()).toBe(0)
      seen.push(envelopes.length)
    })
    expect(result).toMatchObject({ complete: true, rows: 250 })
    expect(seen).toEqual([100, 100, 50])
  })

  it('stops where the budget runs out, says where, and resumes there without re-reading', async () => {
    const node = fakeNode(new Array(250).fill(10))
    const budget: ReadBudget = { envelopes: 120, bytes: Infinity }
    const first: Envelope[] = []
    const cut = await readTopic(node.source, request, budget, (e) => void first.push(...e))
    expect(cut.complete).toBe(false)
    expect(first.map((e) => Number(e.timestampNs))).toEqual([...Array(120).keys()])
    const rest: Envelope[] = []
    const resumed = await readTopic(node.source, request, unlimited(), (e) => void rest.push(...e), { cursor: cut.cursor! })
    expect(resumed.complete).toBe(true)
    expect(rest.map((e) => Number(e.timestampNs))).toEqual([...Array(130).keys()].map((i) => i + 120))
  })

  it('a byte budget stops the read too', async () => {
    const node = fakeNode(new Array(500).fill(1000))
    const budget: ReadBudget = { envelopes: Infinity, bytes: 5000 }
    const result = await readTopic(node.source, { ...request }, budget, () => {}, { pageSize: 2 })
    expect(result.complete).toBe(false)
    expect(result.rows).toBe(102) // 2 rows, then a full page: over budget, checked between pages
  })

  it('asks for fewer rows when an answer would pass the byte cap, and grows back on small rows', async () => {
    const sizes = [...new Array(20).fill(100_000), ...new Array(300).fill(100)]
    const node = fakeNode(sizes)
    let rows = 0
    const result = await readTopic(node.source, request, unlimited(), (e) => void (rows += e.length), { maxResponseBytes: 600_000 })
    expect(result.complete).toBe(true)
    expect(rows).toBe(320)
    expect(node.log[0]).toEqual({ limit: 100, cursor: undefined, outcome: 'too large' })
    expect(node.log.filter((l) => l.outcome === 'too large').length).toBeLessThanOrEqual(4)
    expect(node.log.at(-1)!.limit).toBe(100) // small rows again: full pages
  })

  it('drops messages over maxMessageBytes before decoding them, and counts them', async () => {
    const node = fakeNode([500, 50_000, 500, 40_000])
    const kept: number[] = []
    const result = await readTopic(node.source, request, unlimited(), (e) => void kept.push(...e.map((x) => x.message.length)), { maxMessageBytes: 32 * 1024 })
    expect(kept).toEqual([500, 500])
    expect(result).toMatchObject({ complete: true, rows: 4, oversized: 2 })
  })

  it('never decodes an oversized message, even one that is not valid base64', () => {
    const page = parseBoundedPage({ envelopes: [{ contentTopic: TOPIC, timestampNs: '1', message: '!'.repeat(60_000) }] }, 32 * 1024)
    expect(page).toMatchObject({ envelopes: [], rows: 1, oversized: 1 })
  })
})
