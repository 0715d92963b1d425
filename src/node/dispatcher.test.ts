import { describe, expect, it } from 'vitest'
import type { Envelope } from '../wire/message-api.ts'
import { DELIVERIES_PER_TURN, Dispatcher } from './dispatcher.ts'

const env = (contentTopic: string): Envelope => ({ contentTopic, timestampNs: 1n, message: new Uint8Array([1]) })

describe('Dispatcher', () => {
  it('delivers to exact topic matches and to subscribe-all for /xmtp/0/ topics', () => {
    const dispatcher = new Dispatcher()
    const got: Record<string, string[]> = { a: [], ab: [], all: [] }
    dispatcher.subscribe(['/xmtp/0/m-a/proto'], (e) => got.a!.push(e.contentTopic))
    dispatcher.subscribe(['/xmtp/0/m-a/proto', '/xmtp/0/m-b/proto'], (e) => got.ab!.push(e.contentTopic))
    dispatcher.subscribe('all', (e) => got.all!.push(e.contentTopic))
    dispatcher.dispatch([env('/xmtp/0/m-a/proto'), env('/xmtp/0/m-b/proto'), env('/test/m-a'), env('/xmtp/0/m-a/proto2')])
    expect(got).toEqual({
      a: ['/xmtp/0/m-a/proto'],
      ab: ['/xmtp/0/m-a/proto', '/xmtp/0/m-b/proto'],
      all: ['/xmtp/0/m-a/proto', '/xmtp/0/m-b/proto', '/xmtp/0/m-a/proto2'],
    })
    expect(dispatcher.subscriptionCount).toBe(3)
  })

  it('stops delivering after close, and close is idempotent', () => {
    const dispatcher = new Dispatcher()
    const got: string[] = []
    const subscription = dispatcher.subscribe(['/xmtp/0/m-a/proto'], (e) => got.push(e.contentTopic))
    const all = dispatcher.subscribe('all', (e) => got.push(`all:${e.contentTopic}`))
    subscription.close()
    subscription.close()
    all.close()
    dispatcher.dispatch([env('/xmtp/0/m-a/proto')])
    expect(got).toEqual([])
    expect(dispatcher.subscriptionCount).toBe(0)
  })

  it('lets a subscriber close itself during delivery without skipping others', () => {
    const dispatcher = new Dispatcher()
    const got: string[] = []
    const first = dispatcher.subscribe(['/xmtp/0/m-a/proto'], () => {
      got.push('first')
      first.close()
    })
    dispatcher.subscribe(['/xmtp/0/m-a/proto'], () => got.push('second'))
    dispatcher.dispatch([env('/xmtp/0/m-a/proto'), env('/xmtp/0/m-a/proto')])
    expect(got).toEqual(['first', 'second', 'second'])
  })
})

describe('Dispatcher fan-out under load', () => {
  it('encodes each envelope once and hands every subscriber the same bytes', () => {
    const dispatcher = new Dispatcher()
    const seen: Buffer[] = []
    for (let i = 0; i < 5; i++) dispatcher.subscribe(['/xmtp/0/m-a/proto'], (_e, line) => seen.push(line.bytes))
    dispatcher.dispatch([env('/xmtp/0/m-a/proto')])
    expect(seen).toHaveLength(5)
    expect(new Set(seen).size).toBe(1)
    expect(seen[0]!.toString()).toBe('{"result":{"contentTopic":"/xmtp/0/m-a/proto","timestampNs":"1","message":"AQ=="}}\n')
  })

  it('delivers to many subscribers in slices across event-loop turns, in order, skipping closed ones', async () => {
    const dispatcher = new Dispatcher()
    const count = DELIVERIES_PER_TURN * 3 + 10
    const got: number[][] = Array.from({ length: count }, () => [])
    const subs = got.map((list) => dispatcher.subscribe(['/xmtp/0/m-a/proto'], (e) => list.push(Number(e.timestampNs))))
    dispatcher.dispatch([{ ...env('/xmtp/0/m-a/proto'), timestampNs: 1n }, { ...env('/xmtp/0/m-a/proto'), timestampNs: 2n }])
    const delivered = () => got.reduce((sum, list) => sum + list.length, 0)
    expect(delivered()).toBe(DELIVERIES_PER_TURN) // the first slice, synchronously
    subs[count - 1]!.close() // closed before its turn: gets nothing
    dispatcher.dispatch([{ ...env('/xmtp/0/m-a/proto'), timestampNs: 3n }]) // queued behind the rest
    while (dispatcher.backlog > 0) await new Promise((r) => setImmediate(r))
    expect(got.slice(0, count - 1).every((list) => list.join() === '1,2,3')).toBe(true)
    expect(got[count - 1]).toEqual([])
  })

  it('keeps delivering when one subscriber throws, and reports it', () => {
    const errors: unknown[] = []
    const dispatcher = new Dispatcher({ onDeliveryError: (err) => errors.push(err) })
    const got: string[] = []
    dispatcher.subscribe(['/xmtp/0/m-a/proto'], () => {
      throw new Error('boom')
    })
    dispatcher.subscribe(['/xmtp/0/m-a/proto'], (e) => got.push(e.contentTopic))
    dispatcher.dispatch([env('/xmtp/0/m-a/proto')])
    expect(got).toEqual(['/xmtp/0/m-a/proto'])
    expect(errors).toHaveLength(1)
  })

  it('counts topic registrations and gives them all back on close', () => {
    const dispatcher = new Dispatcher()
    const a = dispatcher.subscribe(['/t/1', '/t/2', '/t/2'], () => {})
    const b = dispatcher.subscribe(['/t/2'], () => {})
    expect(dispatcher.topicRegistrations).toBe(3)
    a.close()
    b.close()
    expect(dispatcher.topicRegistrations).toBe(0)
  })
})
