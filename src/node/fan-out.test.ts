import { describe, expect, it } from 'vitest'
import type { Envelope } from '../wire/message-api.ts'
import { DELIVERIES_PER_TURN, FanOut } from './fan-out.ts'

const env = (contentTopic: string): Envelope => ({ contentTopic, timestampNs: 1n, message: new Uint8Array([1]) })

describe('FanOut', () => {
  it('delivers to exact topic matches and to subscribe-all for /xmtp/0/ topics', () => {
    const fanOut = new FanOut()
    const got: Record<string, string[]> = { a: [], ab: [], all: [] }
    fanOut.subscribe(['/xmtp/0/m-a/proto'], (e) => got.a!.push(e.contentTopic))
    fanOut.subscribe(['/xmtp/0/m-a/proto', '/xmtp/0/m-b/proto'], (e) => got.ab!.push(e.contentTopic))
    fanOut.subscribe('all', (e) => got.all!.push(e.contentTopic))
    fanOut.dispatch([env('/xmtp/0/m-a/proto'), env('/xmtp/0/m-b/proto'), env('/test/m-a'), env('/xmtp/0/m-a/proto2')])
    expect(got).toEqual({
      a: ['/xmtp/0/m-a/proto'],
      ab: ['/xmtp/0/m-a/proto', '/xmtp/0/m-b/proto'],
      all: ['/xmtp/0/m-a/proto', '/xmtp/0/m-b/proto', '/xmtp/0/m-a/proto2'],
    })
    expect(fanOut.subscriptionCount).toBe(3)
  })

  it('stops delivering after close, and close is idempotent', () => {
    const fanOut = new FanOut()
    const got: string[] = []
    const subscription = fanOut.subscribe(['/xmtp/0/m-a/proto'], (e) => got.push(e.contentTopic))
    const all = fanOut.subscribe('all', (e) => got.push(`all:${e.contentTopic}`))
    subscription.close()
    subscription.close()
    all.close()
    fanOut.dispatch([env('/xmtp/0/m-a/proto')])
    expect(got).toEqual([])
    expect(fanOut.subscriptionCount).toBe(0)
  })

  it('lets a subscriber close itself during delivery without skipping others', () => {
    const fanOut = new FanOut()
    const got: string[] = []
    const first = fanOut.subscribe(['/xmtp/0/m-a/proto'], () => {
      got.push('first')
      first.close()
    })
    fanOut.subscribe(['/xmtp/0/m-a/proto'], () => got.push('second'))
    fanOut.dispatch([env('/xmtp/0/m-a/proto'), env('/xmtp/0/m-a/proto')])
    expect(got).toEqual(['first', 'second', 'second'])
  })
})

describe('FanOut fan-out under load', () => {
  it('encodes each envelope once and hands every subscriber the same bytes', () => {
    const fanOut = new FanOut()
    const seen: Buffer[] = []
    for (let i = 0; i < 5; i++) fanOut.subscribe(['/xmtp/0/m-a/proto'], (_e, line) => seen.push(line.bytes))
    fanOut.dispatch([env('/xmtp/0/m-a/proto')])
    expect(seen).toHaveLength(5)
    expect(new Set(seen).size).toBe(1)
    expect(seen[0]!.toString()).toBe('{"result":{"contentTopic":"/xmtp/0/m-a/proto","timestampNs":"1","message":"AQ=="}}\n')
  })

  it('delivers to many subscribers in slices across event-loop turns, in order, skipping closed ones', async () => {
    const fanOut = new FanOut()
    const count = DELIVERIES_PER_TURN * 3 + 10
    const got: number[][] = Array.from({ length: count }, () => [])
    const subs = got.map((list) => fanOut.subscribe(['/xmtp/0/m-a/proto'], (e) => list.push(Number(e.timestampNs))))
    fanOut.dispatch([{ ...env('/xmtp/0/m-a/proto'), timestampNs: 1n }, { ...env('/xmtp/0/m-a/proto'), timestampNs: 2n }])
    const delivered = () => got.reduce((sum, list) => sum + list.length, 0)
    expect(delivered()).toBe(DELIVERIES_PER_TURN) // the first slice, synchronously
    subs[count - 1]!.close() // closed before its turn: gets nothing
    fanOut.dispatch([{ ...env('/xmtp/0/m-a/proto'), timestampNs: 3n }]) // queued behind the rest
    while (fanOut.backlog > 0) await new Promise((r) => setImmediate(r))
    expect(got.slice(0, count - 1).every((list) => list.join() === '1,2,3')).toBe(true)
    expect(got[count - 1]).toEqual([])
  })

  it('keeps delivering when one subscriber throws, and reports it', () => {
    const errors: unknown[] = []
    const fanOut = new FanOut({ onDeliveryError: (err) => errors.push(err) })
    const got: string[] = []
    fanOut.subscribe(['/xmtp/0/m-a/proto'], () => {
      throw new Error('boom')
    })
    fanOut.subscribe(['/xmtp/0/m-a/proto'], (e) => got.push(e.contentTopic))
    fanOut.dispatch([env('/xmtp/0/m-a/proto')])
    expect(got).toEqual(['/xmtp/0/m-a/proto'])
    expect(errors).toHaveLength(1)
  })

  it('counts topic registrations and gives them all back on close', () => {
    const fanOut = new FanOut()
    const a = fanOut.subscribe(['/t/1', '/t/2', '/t/2'], () => {})
    const b = fanOut.subscribe(['/t/2'], () => {})
    expect(fanOut.topicRegistrations).toBe(3)
    a.close()
    b.close()
    expect(fanOut.topicRegistrations).toBe(0)
  })
})
