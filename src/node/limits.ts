// Size limits of the 2024 node (spec §13.1, §13.4, §13.5).

export const MAX_TOPIC_LENGTH = 300
/** libp2p pubsub's 1 MiB minus 300 bytes of topic and 62 of framing. */
export const MAX_MESSAGE_BYTES = 1_048_214
export const DEFAULT_PAGE_SIZE = 100
export const MAX_PAGE_SIZE = 100
/** A single-topic query on a userpreferences topic may ask this many rows. */
export const MAX_USER_PREFERENCES_PAGE_SIZE = 500
export const MAX_BATCH_QUERIES = 50
/** gRPC's max receive size on the node-go server. */
export const MAX_GRPC_MESSAGE_BYTES = 52_428_800
/**
 * The JSON body cap: bytes travel as base64 (4/3 larger) in JSON, so a request at the gRPC
 * limit needs this many bytes of JSON (plus some room for field names).
 */
export const DEFAULT_MAX_BODY_BYTES = Math.ceil((MAX_GRPC_MESSAGE_BYTES * 4) / 3) + 65_536
/**
 * Backlog of one subscriber stream before envelopes for it are dropped: room for a burst of
 * ~20 maximum-size envelopes (1.4 MB of JSON each) beyond what the socket already holds.
 */
export const DEFAULT_STREAM_BUFFER_BYTES = 32 * 1024 * 1024

// ---- Limits against hostile clients (issue 14). Every one has a CLI flag (config.ts) unless
// it is a protocol fact above. Defaults sit far above what xmtp-js sends, far below what
// hurts the node.

/** Topics in one query, and in each sub-query of a batch (xmtp-js sends one per query). */
export const DEFAULT_MAX_QUERY_TOPICS = 1_000
/** Topics across all sub-queries of one batch query. */
export const DEFAULT_MAX_BATCH_TOPICS = 5_000
/** Topics in one subscription (xmtp-js's streamAllMessages sends every conversation's). */
export const DEFAULT_MAX_SUBSCRIBE_TOPICS = 10_000
/** Topic registrations of all open subscriptions together. */
export const DEFAULT_MAX_SUBSCRIBED_TOPICS = 1_000_000
/** Envelopes in one publish (the default publish bucket holds 3,000). */
export const DEFAULT_MAX_PUBLISH_ENVELOPES = 3_000
/** Open streams (subscribe, subscribe-all) from one client address, and on the whole node. */
export const DEFAULT_MAX_STREAMS_PER_IP = 100
export const DEFAULT_MAX_STREAMS = 10_000
/** TCP connections from one client address, and on the whole node (the process has 20,000 descriptors here). */
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 256
export const DEFAULT_MAX_CONNECTIONS = 15_000
/** Bytes queued in all subscriber streams together (an envelope line shared by many streams counts once). */
export const DEFAULT_TOTAL_STREAM_BUFFER_BYTES = 512 * 1024 * 1024
/** Request body bytes being read or parsed at once, over all requests. */
export const DEFAULT_MAX_BUFFERED_BODY_BYTES = 512 * 1024 * 1024
/** Time to receive a request's headers; a real client sends them in one packet. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 15_000
/** Longest silence inside a request body. */
export const DEFAULT_BODY_TIMEOUT_MS = 15_000
/** Time to receive a whole request, body included (a 70 MB publish at 1 MB/s fits). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000
/** How long an idle kept-alive connection stays open. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000
/** Nesting depth of a request body's JSON; the deepest message API request needs 6. */
export const MAX_JSON_DEPTH = 32
/** Longest JSON string in a publish: a maximal message in base64. */
export const MAX_PUBLISH_STRING_BYTES = Math.ceil(MAX_MESSAGE_BYTES / 3) * 4 + 8
/** Longest JSON string in any other request (topics are at most 300 characters). */
export const MAX_OTHER_STRING_BYTES = 16 * 1024
/** Body room per topic (a 300-character topic, quoted, with escapes to spare) and per request. */
export const BODY_BYTES_PER_TOPIC = 640
export const BODY_BYTES_BASE = 64 * 1024

/**
 * Largest message on an `invite-` topic (issue 19). A sealed xmtp-js 13 invitation is about
 * 0.8 KB (3.2 KB with 2 KB of context metadata); 64 KiB is far above any real one and far
 * below the 1 MiB junk that would otherwise make every reader of the topic download it.
 */
export const DEFAULT_MAX_INVITE_MESSAGE_BYTES = 64 * 1024

/** Every limit a node operator can set (config.ts maps each to a flag). */
export interface NodeLimits {
  maxQueryTopics: number
  maxBatchTopics: number
  maxSubscribeTopics: number
  maxSubscribedTopics: number
  maxPublishEnvelopes: number
  maxInviteMessageBytes: number
  maxStreamsPerIp: number
  maxStreams: number
  maxConnectionsPerIp: number
  maxConnections: number
  totalStreamBufferBytes: number
  maxBufferedBodyBytes: number
  headersTimeoutMs: number
  bodyTimeoutMs: number
  requestTimeoutMs: number
  keepAliveTimeoutMs: number
}

export const DEFAULT_NODE_LIMITS: Readonly<NodeLimits> = {
  maxQueryTopics: DEFAULT_MAX_QUERY_TOPICS,
  maxBatchTopics: DEFAULT_MAX_BATCH_TOPICS,
  maxSubscribeTopics: DEFAULT_MAX_SUBSCRIBE_TOPICS,
  maxSubscribedTopics: DEFAULT_MAX_SUBSCRIBED_TOPICS,
  maxPublishEnvelopes: DEFAULT_MAX_PUBLISH_ENVELOPES,
  maxInviteMessageBytes: DEFAULT_MAX_INVITE_MESSAGE_BYTES,
  maxStreamsPerIp: DEFAULT_MAX_STREAMS_PER_IP,
  maxStreams: DEFAULT_MAX_STREAMS,
  maxConnectionsPerIp: DEFAULT_MAX_CONNECTIONS_PER_IP,
  maxConnections: DEFAULT_MAX_CONNECTIONS,
  totalStreamBufferBytes: DEFAULT_TOTAL_STREAM_BUFFER_BYTES,
  maxBufferedBodyBytes: DEFAULT_MAX_BUFFERED_BODY_BYTES,
  headersTimeoutMs: DEFAULT_HEADERS_TIMEOUT_MS,
  bodyTimeoutMs: DEFAULT_BODY_TIMEOUT_MS,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  keepAliveTimeoutMs: DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
}
