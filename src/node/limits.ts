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
