// The `xmtp.message_api.v1.MessageApi` service as @grpc/grpc-js wants it described: one entry
// per rpc of proto/message_api/v1/message_api.proto (a unit test holds the two together). The
// messages travel as raw bytes both ways: the handlers decode and encode them with the
// generated static code (codec.ts), so a request that is not protobuf is theirs to refuse.

import type { ServiceDefinition } from '@grpc/grpc-js'

export const MESSAGE_API_SERVICE = 'xmtp.message_api.v1.MessageApi'

/** rpc name → whether the request and the response are streams. */
export const MESSAGE_API_RPCS = {
  Publish: { requestStream: false, responseStream: false },
  Subscribe: { requestStream: false, responseStream: true },
  Subscribe2: { requestStream: true, responseStream: true },
  SubscribeAll: { requestStream: false, responseStream: true },
  Query: { requestStream: false, responseStream: false },
  BatchQuery: { requestStream: false, responseStream: false },
} as const

export type MessageApiRpc = keyof typeof MESSAGE_API_RPCS

const bytes = (value: Buffer): Buffer => value

export const messageApiService: ServiceDefinition = Object.fromEntries(
  (Object.keys(MESSAGE_API_RPCS) as MessageApiRpc[]).map((name) => [
    name,
    {
      path: `/${MESSAGE_API_SERVICE}/${name}`,
      ...MESSAGE_API_RPCS[name],
      originalName: name[0]!.toLowerCase() + name.slice(1),
      requestSerialize: bytes,
      requestDeserialize: bytes,
      responseSerialize: bytes,
      responseDeserialize: bytes,
    },
  ]),
)
