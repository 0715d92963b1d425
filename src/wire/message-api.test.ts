import { describe, expect, it } from 'vitest'
import {
  MESSAGE_API,
  SortDirection,
  WireFormatError,
  parseBatchQueryRequest,
  parseEnvelope,
  parsePublishRequest,
  parseQueryRequest,
  parseQueryResponse,
  parseStreamLine,
  queryResponseToJson,
  streamLine,
} from './message-api.ts'

describe('message API wire format', () => {
  it('names every HTTP path of the gateway', () => {
    expect(Object.values(MESSAGE_API).map((m) => m.path)).toEqual([
      '/message/v1/publish',
      '/message/v1/query',
      '/message/v1/batch-query',
      '/message/v1/subscribe',
      '/message/v1/subscribe-all',
    ])
  })

  it('writes uint64 as decimal strings, bytes as padded base64, enums by name, unset messages as null', () => {
    const json = queryResponseToJson({
      envelopes: [{ contentTopic: '/xmtp/0/m-x/proto', timestampNs: 1730000000123456789n, message: new Uint8Array([1, 2]) }],
      pagingInfo: { limit: 0, direction: SortDirection.SORT_DIRECTION_ASCENDING },
    })
    expect(JSON.stringify(json)).toBe(
      '{"envelopes":[{"contentTopic":"/xmtp/0/m-x/proto","timestampNs":"1730000000123456789","message":"AQI="}],' +
        '"pagingInfo":{"limit":0,"cursor":null,"direction":"SORT_DIRECTION_ASCENDING"}}',
    )
    expect(queryResponseToJson({ envelopes: [] })).toEqual({ envelopes: [], pagingInfo: null })
  })

  it('reads what xmtp-js sends and what protojson also accepts', () => {
    const fromXmtpJs = parseQueryRequest({
      contentTopics: ['/xmtp/0/invite-0xA/proto'],
      startTimeNs: '1729999990000000000',
      pagingInfo: { limit: 100, direction: 'SORT_DIRECTION_ASCENDING' },
    })
    expect(fromXmtpJs).toEqual({
      contentTopics: ['/xmtp/0/invite-0xA/proto'],
      startTimeNs: 1729999990000000000n,
      endTimeNs: 0n,
      pagingInfo: { limit: 100, direction: SortDirection.SORT_DIRECTION_ASCENDING },
    })
    const snake = parseQueryRequest({ content_topics: ['t'], paging_info: { limit: '5', direction: 2, cursor: { index: { digest: '-_8', sender_time_ns: 7 } } } })
    expect(snake.pagingInfo).toEqual({ limit: 5, direction: SortDirection.SORT_DIRECTION_DESCENDING, cursor: { digest: new Uint8Array([251, 255]), senderTimeNs: 7n } })
    expect(parseEnvelope({ contentTopic: 't', timestampNs: null, message: 'AQI=', extra: 1 })).toEqual({ contentTopic: 't', timestampNs: 0n, message: new Uint8Array([1, 2]) })
  })

  it('round-trips a response through JSON text', () => {
    const response = {
      envelopes: [{ contentTopic: 'a', timestampNs: 18446744073709551615n, message: new Uint8Array([9]) }],
      pagingInfo: { limit: 100, direction: SortDirection.SORT_DIRECTION_DESCENDING, cursor: { digest: new Uint8Array(32).fill(3), senderTimeNs: 5n } },
    }
    expect(parseQueryResponse(JSON.parse(JSON.stringify(queryResponseToJson(response))))).toEqual(response)
  })

  it('names the offending field in malformed input', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => parsePublishRequest([]), 'request must be a JSON object'],
      [() => parsePublishRequest({ envelopes: {} }), 'request.envelopes must be an array'],
      [() => parsePublishRequest({ envelopes: [{ contentTopic: 5 }] }), 'request.envelopes[0].contentTopic must be a string'],
      [() => parsePublishRequest({ envelopes: [{ timestampNs: '-1' }] }), 'request.envelopes[0].timestampNs must be an unsigned 64-bit integer'],
      [() => parsePublishRequest({ envelopes: [{ timestampNs: '18446744073709551616' }] }), 'request.envelopes[0].timestampNs is out of the uint64 range'],
      [() => parsePublishRequest({ envelopes: [{ timestampNs: 1e300 }] }), 'timestampNs must be an unsigned 64-bit integer'],
      [() => parsePublishRequest({ envelopes: [{ message: 'not base64!' }] }), 'request.envelopes[0].message is not valid base64'],
      [() => parseQueryRequest({ contentTopics: ['a', 3] }), 'request.contentTopics[1] must be a string'],
      [() => parseQueryRequest({ pagingInfo: { limit: -1 } }), 'request.pagingInfo.limit must be an unsigned 32-bit integer'],
      [() => parseQueryRequest({ pagingInfo: { direction: 'SIDEWAYS' } }), 'request.pagingInfo.direction must be'],
      [() => parseBatchQueryRequest({ requests: [{}, 'x'] }), 'request.requests[1] must be a JSON object'],
    ]
    for (const [call, message] of cases) {
      expect(call).toThrow(WireFormatError)
      expect(call).toThrow(message)
    }
  })

  it('stream lines: one JSON object per envelope, newline-terminated', () => {
    const e = { contentTopic: 't', timestampNs: 1n, message: new Uint8Array([1]) }
    const line = streamLine(e)
    expect(line.endsWith('\n')).toBe(true)
    expect(line.slice(0, -1).includes('\n')).toBe(false)
    expect(parseStreamLine(line)).toEqual(e)
    expect(parseStreamLine('{"result":{"contentTopic":"t","timestampNs":"1"}}')).toBeUndefined()
    expect(() => parseStreamLine('{"error":{"code":13,"message":"boom"}}')).toThrow('error 13: boom')
    expect(() => parseStreamLine('nope')).toThrow(WireFormatError)
  })
})
