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
  it('keeps the first invitation per V2 topic and ignores later ones', () => {
    const index = new ConversationIndex()
    expect(index.add(v2('/xmtp/0/m-a/proto', 20n, { keyMaterial: km(1) }))).toBe('added')
    // A later (even earlier-dated) invite for the same topic does not replace the first seen.
    expect(index.add(v2('/xmtp/0/m-a/proto', 10n, { keyMaterial: km(2) }))).toBe('ignored')
    expect(index.get('/xmtp/0/m-a/proto')!.keyMaterial).toEqual(km(1))
    expect(index.size).toBe(1)
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
