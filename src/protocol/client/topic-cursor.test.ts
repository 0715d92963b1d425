import { describe, expect, it } from 'vitest'
import { InMemoryPersistence } from './persistence.ts'
import { TopicCursor } from './topic-cursor.ts'
import { FUTURE_TOLERANCE_NS } from './time-window.ts'
import { LISTING_SKEW_NS } from './conversation-index.ts'
import { utf8 } from '../../wire/bytes.ts'

const NOW = 1_800_000_000_000_000_000n

describe('TopicCursor', () => {
  it('reads everything up to now + tolerance first, then from the last read less the skew window', async () => {
    const persistence = new InMemoryPersistence()
    const cursor = new TopicCursor(persistence, 'watermark/invite')
    await cursor.load()
    const first = cursor.next(NOW)
    expect(first).toEqual({ beganNs: NOW, endNs: NOW + FUTURE_TOLERANCE_NS })
    await cursor.finished(first)
    const again = new TopicCursor(persistence, 'watermark/invite')
    await again.load()
    expect(again.next(NOW + 60_000_000_000n)).toEqual({ beganNs: NOW + 60_000_000_000n, startNs: NOW - LISTING_SKEW_NS, endNs: NOW + 60_000_000_000n + FUTURE_TOLERANCE_NS })
  })

  it('remembers a read cut short, window and node cursor, across instances, until it finishes', async () => {
    const persistence = new InMemoryPersistence()
    const cursor = new TopicCursor(persistence, 'watermark/intro')
    await cursor.load()
    const read = cursor.next(NOW)
    await cursor.stopped(read, { senderTimeNs: NOW - 5n, digest: new Uint8Array([1, 2, 3]) })
    const later = new TopicCursor(persistence, 'watermark/intro')
    await later.load()
    const resumed = later.next(NOW + 3_600_000_000_000n)
    expect(resumed).toEqual({ ...read, cursor: { senderTimeNs: NOW - 5n, digest: new Uint8Array([1, 2, 3]) } })
    await later.finished(resumed)
    expect(later.lastRunNs).toBe(NOW) // the window began then: what came after is read next time
    expect(await persistence.getItem('watermark/intro/resume')).toBeNull()
  })

  it('starts over when the stored unfinished read is unreadable', async () => {
    const persistence = new InMemoryPersistence()
    await persistence.setItem('watermark/invite/resume', utf8('{"beganNs":"x"}'))
    const cursor = new TopicCursor(persistence, 'watermark/invite')
    await cursor.load()
    expect(cursor.next(NOW)).toEqual({ beganNs: NOW, endNs: NOW + FUTURE_TOLERANCE_NS })
  })
})
