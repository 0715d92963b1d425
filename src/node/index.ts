// Public surface of the node for code that embeds it (benchmarks, a future relay, e2e setup).
// Tests that want a real process use ./testing/nodeProcess.ts (startNode) instead.

export { XmtpNode, type NodeOptions } from './server.ts'
export { SqliteEnvelopeStore, type SqliteStoreOptions, type SyncMode } from './store/sqlite.ts'
export type { EnvelopeStore, StoreQuery, StoreCursor, StoredEnvelope } from './store/types.ts'
export { envelopeDigest } from './store/digest.ts'
export { EnvelopeSink, type AcceptedListener } from './sink.ts'
export { Dispatcher, type Subscription } from './dispatcher.ts'
export { parseNodeArgs, USAGE, LISTENING_LINE, DEFAULT_PORT, DEFAULT_DB, ConfigError, type NodeConfig } from './config.ts'
export { DEFAULT_RATE_LIMITS, TokenBucketLimiter, type RateLimits, type BucketLimit } from './rateLimit.ts'
export { ApiError, GrpcCode, httpStatusFor } from './errors.ts'
export * from './limits.ts'
