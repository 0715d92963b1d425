// The message API client: publish, query, batch query and resilient subscriptions
// over the XMTP node's HTTP/JSON gateway (../shared/protocol/xmtp-v2.md §12).
export { ApiClient, DEFAULT_CLIENT_VERSION, PARLEY_VERSION } from './client.ts'
export type { ApiClientOptions, PublishOptions } from './client.ts'
export { defaultSleep, type Authenticator, type CallOptions, type Sleep } from './unary-call.ts'
export type { QueryParams } from './validate.ts'
export { EnvelopeStream } from './envelope-stream.ts'
export { DEFAULT_RECONNECT_POLICY } from './envelope-stream-options.ts'
export type { ConnectionLostEvent, EnvelopeStreamStatus, ReconnectEvent, ReconnectPolicy, SubscribeOptions } from './envelope-stream-options.ts'
export {
  ApiError,
  EnvelopeStreamError,
  GrpcCode,
  InvalidRequestError,
  NetworkError,
  PermissionDeniedError,
  RateLimitedError,
  ResponseFormatError,
  ResponseTooLargeError,
  UnauthenticatedError,
} from './errors.ts'
export type { BoundedPage, BoundedPageOptions } from './bounded-page.ts'
export { readTopic, type ReadBudget, type ReadTopicResult } from './read-topic.ts'
export { DEFAULT_RETRY_POLICY } from './retry.ts'
export type { RetryPolicy } from './retry.ts'
export type { FetchFn } from './http.ts'
export { MAX_BATCH_SIZE, MAX_MESSAGE_BYTES, MAX_PAGE_SIZE, MAX_TOPIC_LENGTH } from './validate.ts'
export { SortDirection } from '../../wire/message-api.ts'
export type { Envelope, IndexCursor, PagingInfo, QueryRequest, QueryResponse } from '../../wire/message-api.ts'
