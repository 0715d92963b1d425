import { describe, expect, it } from 'vitest'
import { SortDirection } from '../wire/message-api.ts'
import { ApiError } from './errors.ts'
import { planQuery, runQuery } from './query.ts'
import { SqliteEnvelopeStore } from './store/sqlite.ts'

const topic = '/xmtp/0/m-abc/proto'

function invalid(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe(3)
    expect((err as ApiError).status).toBe(400)
    return (err as ApiError).message
  }
  throw new Error('expected an INVALID_ARGUMENT error')
}

describe('planQuery', () => {
  it('defaults to descending, 100 rows', () => {
    expect(planQuery({ contentTopics: [topic] })).toMatchObject({ pageSize: 100, direction: SortDirection.SORT_DIRECTION_DESCENDING, store: { ascending: false, limit: 100 } })
    const unspecified = planQuery({ contentTopics: [topic], pagingInfo: { limit: 0, direction: SortDirection.SORT_DIRECTION_UNSPECIFIED } })
    expect(unspecified.direction).toBe(SortDirection.SORT_DIRECTION_DESCENDING)
  })

  it('passes bounds and cursor through, dropping zero bounds', () => {
    const plan = planQuery({
      contentTopics: [topic],
      startTimeNs: 0n,
      endTimeNs: 9n,
      pagingInfo: { limit: 5, direction: SortDirection.SORT_DIRECTION_ASCENDING, cursor: { digest: new Uint8Array([1]), senderTimeNs: 3n } },
    })
    expect(plan.store).toEqual({ topics: [topic], ascending: true, limit: 5, endTimeNs: 9n, cursor: { digest: new Uint8Array([1]), senderTimeNs: 3n } })
  })

  it('rejects an empty topic list, long topics and big pages', () => {
    expect(invalid(() => planQuery({ contentTopics: [] }))).toBe('content topics required')
    expect(invalid(() => planQuery({ contentTopics: ['x'.repeat(301)] }))).toMatch(/topic length too big: 301/)
    expect(invalid(() => planQuery({ contentTopics: [topic], pagingInfo: { limit: 101, direction: 0 } }))).toMatch(/cannot exceed 100 rows/)
  })

  it('allows 500 rows for one userpreferences topic only', () => {
    expect(planQuery({ contentTopics: ['/xmtp/0/userpreferences-abc/proto'], pagingInfo: { limit: 500, direction: 0 } }).pageSize).toBe(500)
    expect(planQuery({ contentTopics: ['userpreferences-abc'], pagingInfo: { limit: 500, direction: 0 } }).pageSize).toBe(500)
    expect(invalid(() => planQuery({ contentTopics: ['/xmtp/0/userpreferences-abc/proto'], pagingInfo: { limit: 501, direction: 0 } }))).toMatch(/500/)
    expect(invalid(() => planQuery({ contentTopics: ['/xmtp/0/userpreferences-a/proto', '/xmtp/0/userpreferences-b/proto'], pagingInfo: { limit: 500, direction: 0 } }))).toMatch(/100/)
  })
})

describe('runQuery', () => {
  it('sets a cursor only on a full page, with the last row and limit capped at 100', async () => {
    const store = new SqliteEnvelopeStore({ path: ':memory:' })
    const prefs = '/xmtp/0/userpreferences-x/proto'
    await store.insert(Array.from({ length: 3 }, (_, i) => ({ contentTopic: prefs, timestampNs: BigInt(i + 1), message: new Uint8Array([i]) })))
    const partial = await runQuery(store, planQuery({ contentTopics: [prefs], pagingInfo: { limit: 5, direction: 1 } }))
    expect(partial.pagingInfo).toEqual({ limit: 0, direction: 1 })
    const full = await runQuery(store, planQuery({ contentTopics: [prefs], pagingInfo: { limit: 3, direction: 1 } }))
    expect(full.pagingInfo?.limit).toBe(3)
    expect(full.pagingInfo?.cursor?.senderTimeNs).toBe(3n)
    expect(full.envelopes.map((e) => e.timestampNs)).toEqual([1n, 2n, 3n])
    await store.close()
  })
})
