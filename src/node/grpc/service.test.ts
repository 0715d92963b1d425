import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import { MESSAGE_API_RPCS, MESSAGE_API_SERVICE, messageApiService } from './service.ts'
import { peerAddress } from './server.ts'

const PROTO = fileURLToPath(new URL('../../../proto/message_api/v1/message_api.proto', import.meta.url))

describe('the gRPC service description', () => {
  it('has exactly the rpcs of proto/message_api/v1/message_api.proto, with their streaming shapes and paths', () => {
    const root = protobuf.parse(readFileSync(PROTO, 'utf8')).root
    const service = root.lookupService(MESSAGE_API_SERVICE)
    const fromProto = Object.fromEntries(
      Object.values(service.methods).map((m) => [m.name, { requestStream: m.requestStream === true, responseStream: m.responseStream === true }]),
    )
    expect(MESSAGE_API_RPCS).toEqual(fromProto)
    expect(Object.keys(fromProto)).toContain('Subscribe2')
    for (const name of Object.keys(fromProto)) expect(messageApiService[name]!.path).toBe(`/xmtp.message_api.v1.MessageApi/${name}`)
  })

  it('keys rate limits by the peer address without its port', () => {
    expect(peerAddress('127.0.0.1:5123')).toBe('127.0.0.1')
    expect(peerAddress('[::1]:5123')).toBe('::1')
    expect(peerAddress('::ffff:10.0.0.1:80')).toBe('::ffff:10.0.0.1')
    expect(peerAddress('unknown')).toBe('unknown')
  })
})
