import { describe, expect, it } from 'vitest'
import { decodeBatch, decodeRequest, decodeTopics, encodeBatch, encodedBatchSize, encodeRequest, encodeTopics, FrameError } from './frames.ts'

const envelopes = [
  { contentTopic: '/xmtp/0/m-abc/proto', timestampNs: 1_700_000_000_000_000_001n, message: new Uint8Array([1, 2, 3]) },
  { contentTopic: '/xmtp/0/contact-0xÄ/proto', timestampNs: (1n << 64n) - 1n, message: new Uint8Array(0) },
]

describe('envelope batches', () => {
  it('round-trip envelopes, the authorization and the more flag; the size is predicted exactly', () => {
    const bytes = encodeBatch({ envelopes, authorization: 'Bearer abc', more: true })
    expect(bytes.length).toBe(encodedBatchSize(envelopes, 'Bearer abc'))
    expect(decodeBatch(bytes)).toEqual({ envelopes, authorization: 'Bearer abc', more: true })
    expect(decodeBatch(encodeBatch({ envelopes: [] }))).toEqual({ envelopes: [] })
  })

  it('round-trip a proof per envelope (catch-up pages), empty proofs meaning none', () => {
    const proven = [{ ...envelopes[1]!, proof: 'Bearer tokén' }, envelopes[0]!, { ...envelopes[0]!, timestampNs: 5n, proof: 'Bearer other' }]
    const bytes = encodeBatch({ envelopes: proven, more: true })
    expect(bytes[1]).toBe(3)
    expect(bytes.length).toBe(encodedBatchSize(proven))
    expect(decodeBatch(bytes)).toEqual({ envelopes: proven, more: true })
    for (let n = 0; n < bytes.length; n++) expect(() => decodeBatch(bytes.subarray(0, n))).toThrow(FrameError)
    // Without proofs the frame is what it always was (gossip between nodes stays compatible).
    expect(encodeBatch({ envelopes })[1]).toBe(0)
  })

  it('copies messages out of the input', () => {
    const bytes = encodeBatch({ envelopes })
    const decoded = decodeBatch(bytes)
    bytes.fill(0)
    expect(decoded.envelopes[0]!.message).toEqual(new Uint8Array([1, 2, 3]))
  })

  it('rejects every truncation, trailing bytes, unknown versions and flags, and absurd counts', () => {
    const bytes = encodeBatch({ envelopes, authorization: 'Bearer abc' })
    for (let n = 0; n < bytes.length; n++) expect(() => decodeBatch(bytes.subarray(0, n))).toThrow(FrameError)
    expect(() => decodeBatch(new Uint8Array([...bytes, 0]))).toThrow(/trailing/)
    expect(() => decodeBatch(new Uint8Array([2, ...bytes.subarray(1)]))).toThrow(/version/)
    expect(() => decodeBatch(new Uint8Array([1, 4, ...bytes.subarray(2)]))).toThrow(/flags/)
    expect(() => decodeBatch(new Uint8Array([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]))).toThrow(/claims/)
  })

  it('rejects topics that are not UTF-8', () => {
    const bytes = encodeBatch({ envelopes: [{ contentTopic: 'ab', timestampNs: 1n, message: new Uint8Array(0) }] })
    bytes[10] = 0xff // first topic byte (header 4 + count 4 + topic length 2)
    expect(() => decodeBatch(bytes)).toThrow(/UTF-8/)
  })
})

describe('catch-up requests', () => {
  it('round-trip both kinds', () => {
    const topics = { kind: 'topics', startNs: 5n, endNs: 0n, after: '/xmtp/0/a', limit: 1000 } as const
    expect(decodeRequest(encodeRequest(topics))).toEqual(topics)
    const page = { kind: 'envelopes', topic: '/xmtp/0/a', startNs: 0n, endNs: 9n, limit: 100, cursor: { senderTimeNs: (1n << 64n) - 1n, digest: new Uint8Array([0xab, 0x01]) } } as const
    expect(decodeRequest(encodeRequest(page))).toEqual(page)
    expect(decodeTopics(encodeTopics(['a', 'b'], true))).toEqual({ topics: ['a', 'b'], more: true })
  })

  it.each([
    ['not json', /JSON/],
    ['[]', /JSON object/],
    ['{"kind":"nope"}', /kind/],
    ['{"kind":"topics","startNs":"-1","endNs":"0","after":"","limit":1}', /startNs/],
    ['{"kind":"topics","startNs":"18446744073709551616","endNs":"0","after":"","limit":1}', /startNs/],
    ['{"kind":"topics","startNs":"0","endNs":"0","after":"","limit":1001}', /limit/],
    ['{"kind":"envelopes","startNs":"0","endNs":"0","topic":"","limit":1}', /topic/],
    ['{"kind":"envelopes","startNs":"0","endNs":"0","topic":"t","limit":101}', /limit/],
    ['{"kind":"envelopes","startNs":"0","endNs":"0","topic":"t","limit":1,"cursor":{"senderTimeNs":"1","digest":"xyz"}}', /cursor/],
  ])('rejects %s', (text, message) => {
    expect(() => decodeRequest(new TextEncoder().encode(text))).toThrow(FrameError)
    expect(() => decodeRequest(new TextEncoder().encode(text))).toThrow(message)
  })

  it('rejects malformed topic answers', () => {
    expect(() => decodeTopics(new TextEncoder().encode('{"topics":[1],"more":false}'))).toThrow(FrameError)
  })
})
