import { describe, expect, it } from 'vitest'
import type { Envelope } from '../protocol/api/wire.ts'
import { Dispatcher } from './dispatcher.ts'

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
