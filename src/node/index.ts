// Public surface of the node for code that embeds it (benchmarks, a future relay, e2e setup).
// Tests that want a real process use ./testing/node-process.ts (startNode) instead.

export { XmtpNode, type NodeOptions } from './server.ts'
// A host that embeds the node should call this once at start, as the CLI does: token
// verification then runs on libsecp256k1 (WebAssembly) instead of pure-JS noble.
export { useLibsecp256k1 } from '../protocol/crypto/libsecp256k1.ts'
export { SqliteEnvelopeStore, type SqliteStoreOptions, type SyncMode } from './store/sqlite.ts'
export { PostgresEnvelopeStore, type PostgresStoreOptions } from './store/postgres.ts'
export { StoreUnavailableError, SchemaTooNewError } from './store/errors.ts'
export type { EnvelopeStore, StoreQuery, StoreCursor, StoredEnvelope, StoreHealth, StoreFanOut } from './store/types.ts'
export { envelopeDigest } from './store/digest.ts'
export { EnvelopeSink, type AcceptedListener } from './sink.ts'
export { FanOut, type Subscription } from './fan-out.ts'
export { parseNodeArgs, USAGE, LISTENING_LINE, DEFAULT_PORT, DEFAULT_DB, ConfigError, type NodeConfig } from './config.ts'
export { DEFAULT_RATE_LIMITS, TokenBucketLimiter, type RateLimits, type BucketLimit } from './rate-limit.ts'
export { ApiError, GrpcCode, httpStatusFor } from './errors.ts'
export * from './limits.ts'
