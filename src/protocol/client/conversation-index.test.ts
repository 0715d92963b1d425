import { describe, expect, it } from 'vitest'
import {
  ConversationIndex,
  conversationKey,
  decodeRecord,
  decodeWatermark,
  encodeRecord,
  encodeWatermark,
  listingStartNs,
  type ConversationRecord,
} from './conversation-index.ts'

const PEER = '0x3De402A325323Bb97f00cE3ad5bFAc96A11F9A34'
const OTHER = '0xF56d1F3b1290204441Cb3843C2Cac1C2f5AEd690'
const km = (n: number) => new Uint8Array(32).fill(n)

function v2(topic: string, createdNs: bigint, extra: Partial<ConversationRecord> = {}): ConversationRecord {
  return { version: 'v2', topic, peerAddress: PEER, createdNs, keyMaterial: km(1), ...extra }
}

describe('ConversationIndex', () => {
  it('ignores re-sent and crossed invitations that agree with the first one seen', () => {
    const index = new ConversationIndex()
    expect(index.add(v2('/xmtp/0/m-a/proto', 20n, { verified: true }))).toBe('added')
    expect(index.add(v2('/xmtp/0/m-a/proto', 10n, { verified: true }))).toBe('ignored')
    expect(index.add(v2('/xmtp/0/m-r/proto', 20n))).toBe('added')
    expect(index.add(v2('/xmtp/0/m-r/proto', 10n))).toBe('ignored') // a random (pre-10) invite sent again
    expect(index.get('/xmtp/0/m-a/proto')!.createdNs).toBe(20n)
    expect(index.list()).toHaveLength(2)
  })

  // The hijack of issue 19: an attacker who knows Bob's topic seals an invitation naming it
  // with its own keys and any timestamp. Whatever the order seen and the dates claimed, the
  // topic stays Bob's with Bob's key material.
  const TOPIC = '/xmtp/0/m-bob/proto'
  const bob = (createdNs: bigint) => v2(TOPIC, createdNs, { peerAddress: PEER, keyMaterial: km(1), verified: true })
  const squatter = (createdNs: bigint) => v2(TOPIC, createdNs, { peerAddress: OTHER, keyMaterial: km(9), verified: false })
  for (const [label, squatNs] of [['dated before', 99n], ['dated the same', 100n], ['dated after', 101n]] as const) {
    it(`keeps a verified topic with its owner whatever the order (squatter ${label})`, () => {
      const ownerFirst = new ConversationIndex()
      expect(ownerFirst.add(bob(100n))).toBe('added')
      expect(ownerFirst.add(squatter(squatNs))).toBe('rejected')
      const squatterFirst = new ConversationIndex()
      expect(squatterFirst.add(squatter(squatNs))).toBe('added')
      expect(squatterFirst.add(bob(100n))).toBe('replaced')
      expect(squatterFirst.add(squatter(squatNs))).toBe('rejected') // seen again on the next pass
      for (const index of [ownerFirst, squatterFirst]) {
        const record = index.get(TOPIC)!
        expect(record.peerAddress).toBe(PEER)
        expect(record.keyMaterial).toEqual(km(1))
        expect(record.verified).toBe(true)
        expect(record.conflict).toBeUndefined()
        expect(index.list().map((r) => r.peerAddress)).toEqual([PEER])
        expect(index.findV2(OTHER, undefined)).toBeUndefined()
      }
    })
  }

  it('never lets an invitation change the keys of a verified topic, even from the same peer', () => {
    const index = new ConversationIndex()
    index.add(bob(100n))
    expect(index.add(v2(TOPIC, 1n, { peerAddress: PEER, keyMaterial: km(5), verified: false }))).toBe('rejected')
    expect(index.add(v2(TOPIC, 1n, { peerAddress: OTHER, keyMaterial: km(1), verified: true }))).toBe('rejected')
    expect(index.get(TOPIC)!.keyMaterial).toEqual(km(1))
    expect(index.get(TOPIC)!.peerAddress).toBe(PEER)
  })

  it('marks a topic two unverifiable invitations dispute as a conflict, in either order, and never lists it', () => {
    for (const [first, second] of [
      [v2(TOPIC, 100n, { keyMaterial: km(1), verified: false }), squatter(50n)],
      [squatter(50n), v2(TOPIC, 100n, { keyMaterial: km(1), verified: false })],
    ] as const) {
      const index = new ConversationIndex()
      expect(index.add(first)).toBe('added')
      expect(index.add(second)).toBe('conflict')
      const record = index.get(TOPIC)!
      expect(record.conflict).toBe(true)
      // Nothing was picked: the record keeps what the first claim said, flagged.
      expect(record.peerAddress).toBe(first.peerAddress)
      expect(record.keyMaterial).toEqual(first.keyMaterial)
      expect(index.list()).toEqual([])
      expect(index.conflicts().map((r) => r.topic)).toEqual([TOPIC])
      expect(index.findV2(PEER, undefined)).toBeUndefined()
      expect(index.findV2(OTHER, undefined)).toBeUndefined()
      expect(index.add(v2(TOPIC, 1n, { peerAddress: OTHER, keyMaterial: km(7) }))).toBe('ignored') // already disputed
      // A verified invitation settles it.
      expect(index.add(bob(200n))).toBe('replaced')
      expect(index.get(TOPIC)).toMatchObject({ peerAddress: PEER, verified: true })
      expect(index.get(TOPIC)!.conflict).toBeUndefined()
      expect(index.list().map((r) => r.topic)).toEqual([TOPIC])
    }
  })

  it('upgrades an unverified record to verified when its own invitation proves it, keeping when it began', () => {
    const index = new ConversationIndex()
    index.add(v2(TOPIC, 100n, { keyMaterial: km(1) })) // e.g. stored before invitations were checked
    expect(index.add(bob(300n))).toBe('replaced')
    expect(index.get(TOPIC)).toMatchObject({ createdNs: 100n, verified: true, peerAddress: PEER })
  })

  it('keeps the earliest V1 intro per dm topic', () => {
    const index = new ConversationIndex()
    const topic = '/xmtp/0/dm-x-y/proto'
    expect(index.add({ version: 'v1', topic, peerAddress: PEER, createdNs: 50n })).toBe('added')
    expect(index.add({ version: 'v1', topic, peerAddress: PEER, createdNs: 70n })).toBe('ignored')
    expect(index.add({ version: 'v1', topic, peerAddress: PEER, createdNs: 30n })).toBe('replaced')
    expect(index.get(topic)!.createdNs).toBe(30n)
  })

  it('lists V1 and V2 merged, oldest first', () => {
    const index = new ConversationIndex()
    index.add(v2('/xmtp/0/m-b/proto', 300n))
    index.add({ version: 'v1', topic: '/xmtp/0/dm-x-y/proto', peerAddress: OTHER, createdNs: 100n })
    index.add(v2('/xmtp/0/m-a/proto', 200n))
    expect(index.list().map((r) => r.topic)).toEqual(['/xmtp/0/dm-x-y/proto', '/xmtp/0/m-a/proto', '/xmtp/0/m-b/proto'])
  })

  it('finds V2 conversations by peer (any case) and exact conversationId', () => {
    const index = new ConversationIndex()
    index.add(v2('/xmtp/0/m-plain/proto', 1n))
    index.add(v2('/xmtp/0/m-ctx/proto', 2n, { context: { conversationId: 'app/1', metadata: {} } }))
    expect(index.findV2(PEER.toLowerCase(), undefined)!.topic).toBe('/xmtp/0/m-plain/proto')
    expect(index.findV2(PEER, 'app/1')!.topic).toBe('/xmtp/0/m-ctx/proto')
    expect(index.findV2(PEER, 'app/2')).toBeUndefined()
    expect(index.findV2(OTHER, undefined)).toBeUndefined()
    expect(index.findV1(PEER)).toBeUndefined()
  })

  it('rejects malformed records', () => {
    const index = new ConversationIndex()
    expect(() => index.add(v2('/xmtp/0/m-a/proto', 1n, { keyMaterial: new Uint8Array(3) }))).toThrow(/32 bytes/)
    expect(() => index.add({ ...v2('', 1n) })).toThrow(/topic/)
    expect(() => index.add({ ...v2('/t', -1n) })).toThrow(RangeError)
  })
})

describe('conversationKey', () => {
  it('separates "no conversationId" from an empty one and ignores address case', () => {
    expect(conversationKey(PEER, undefined)).toBe(conversationKey(PEER.toLowerCase(), undefined))
    expect(conversationKey(PEER, undefined)).not.toBe(conversationKey(PEER, ''))
  })
})

describe('listingStartNs', () => {
  it('queries everything on the first run and from last run minus skew afterwards', () => {
    expect(listingStartNs(undefined)).toBeUndefined()
    expect(listingStartNs(1_000_000_000_000_000_000n)).toBe(1_000_000_000_000_000_000n - 10_000_000_000n)
    expect(listingStartNs(5n, 10n)).toBeUndefined()
  })
})

describe('record persistence form', () => {
  it('round-trips a V2 record with context and a V1 record', () => {
    const record = v2('/xmtp/0/m-a/proto', 1_700_000_000_000_000_123n, { context: { conversationId: 'x/1', metadata: { k: 'v' } } })
    expect(decodeRecord(encodeRecord(record))).toEqual(record)
    const v1: ConversationRecord = { version: 'v1', topic: '/xmtp/0/dm-a-b/proto', peerAddress: OTHER, createdNs: 9n }
    expect(decodeRecord(encodeRecord(v1))).toEqual(v1)
  })

  it('keeps the verified and conflict flags', () => {
    for (const extra of [{ verified: true }, { verified: false, conflict: true }, { verified: false }]) {
      const record = v2('/xmtp/0/m-a/proto', 5n, extra)
      expect(decodeRecord(encodeRecord(record))).toEqual(record)
    }
    const bytes = new TextEncoder().encode(JSON.stringify({ version: 'v2', topic: 't', peerAddress: PEER, createdNs: '1', keyMaterial: '00'.repeat(32), verified: 'yes' }))
    expect(() => decodeRecord(bytes)).toThrow(/verified/)
  })

  it('rejects corrupted records', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ version: 'v2', topic: 't', peerAddress: PEER, createdNs: '1' }))
    expect(() => decodeRecord(bytes)).toThrow(/keyMaterial/)
    expect(() => decodeRecord(new TextEncoder().encode('{"createdNs":1}'))).toThrow(/createdNs/)
  })

  it('round-trips watermarks and treats garbage as none', () => {
    expect(decodeWatermark(encodeWatermark(123n))).toBe(123n)
    expect(decodeWatermark(null)).toBeUndefined()
    expect(decodeWatermark(new TextEncoder().encode('abc'))).toBeUndefined()
  })
})
