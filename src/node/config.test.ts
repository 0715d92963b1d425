import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULT_DB, parseNodeArgs } from './config.ts'
import { DEFAULT_RATE_LIMITS } from './rate-limit.ts'

describe('parseNodeArgs', () => {
  it('has safe defaults: port 5555 on 127.0.0.1, file database, auth and rate limits on', () => {
    const { help, config } = parseNodeArgs([], {})
    expect(help).toBe(false)
    expect(config).toMatchObject({ port: 5555, host: '127.0.0.1', db: DEFAULT_DB, sync: 'full', auth: true, rateLimits: DEFAULT_RATE_LIMITS, trustProxy: false })
  })

  it('honours PORT when --port is absent, and --port over PORT', () => {
    expect(parseNodeArgs([], { PORT: '6000' }).config.port).toBe(6000)
    expect(parseNodeArgs(['--port', '0'], { PORT: '6000' }).config.port).toBe(0)
  })

  it('reads every flag', () => {
    const { config } = parseNodeArgs(
      ['--port', '1', '--host', '0.0.0.0', '--db', ':memory:', '--sync', 'normal', '--no-auth', '--rate-default', '10/20', '--rate-publish', '1.5/3', '--trust-proxy', '--max-body-bytes', '4096', '--stream-buffer-bytes', '65536', '--log-level', 'debug', '--log-format', 'pretty'],
      {},
    )
    expect(config).toEqual({
      port: 1,
      host: '0.0.0.0',
      store: 'sqlite',
      db: ':memory:',
      poolSize: 10,
      sync: 'normal',
      auth: false,
      rateLimits: { default: { perMinute: 10, burst: 20 }, publish: { perMinute: 1.5, burst: 3 } },
      trustProxy: true,
      maxBodyBytes: 4096,
      streamBufferBytes: 65536,
      limits: {},
      logLevel: 'debug',
      logFormat: 'pretty',
      p2p: undefined,
      grpcPort: 5556,
      metricsPort: undefined,
      retentionMs: undefined,
    })
    expect(parseNodeArgs([], {}).config.logFormat).toBeUndefined() // chosen by the terminal at start
    expect(parseNodeArgs(['--no-rate-limits'], {}).config.rateLimits).toBeUndefined()
    expect(parseNodeArgs(['-h'], {}).help).toBe(true)
  })

  it('serves gRPC on 5556 unless told otherwise: --grpc-port, GRPC_PORT, --no-grpc; metrics port and retention', () => {
    expect(parseNodeArgs([], {}).config.grpcPort).toBe(5556)
    expect(parseNodeArgs(['--grpc-port', '0'], { GRPC_PORT: '7000' }).config.grpcPort).toBe(0)
    expect(parseNodeArgs([], { GRPC_PORT: '7000' }).config.grpcPort).toBe(7000)
    expect(parseNodeArgs(['--no-grpc'], {}).config.grpcPort).toBeUndefined()
    expect(() => parseNodeArgs(['--no-grpc', '--grpc-port', '1'], {})).toThrow(new ConfigError('--no-grpc cannot be combined with --grpc-port'))
    expect(() => parseNodeArgs(['--port', '7000', '--grpc-port', '7000'], {})).toThrow(/--grpc-port 7000 is the HTTP port too/)
    expect(() => parseNodeArgs(['--grpc-port', 'x'], {})).toThrow(/--grpc-port must be a whole number/)
    expect(parseNodeArgs(['--metrics-port', '9100'], {}).config.metricsPort).toBe(9100)
    expect(parseNodeArgs(['--retention', '90d'], {}).config.retentionMs).toBe(90 * 86_400_000)
    expect(() => parseNodeArgs(['--retention', 'forever'], {})).toThrow(/--retention must be a whole number and a unit/)
  })

  it('reads every limit flag into limits, leaving the others to their defaults', () => {
    const flags = [
      ['--max-query-topics', 'maxQueryTopics', 7],
      ['--max-batch-topics', 'maxBatchTopics', 8],
      ['--max-subscribe-topics', 'maxSubscribeTopics', 9],
      ['--max-subscribed-topics', 'maxSubscribedTopics', 10],
      ['--max-publish-envelopes', 'maxPublishEnvelopes', 11],
      ['--max-streams-per-ip', 'maxStreamsPerIp', 12],
      ['--max-streams', 'maxStreams', 13],
      ['--max-connections-per-ip', 'maxConnectionsPerIp', 14],
      ['--max-connections', 'maxConnections', 15],
      ['--total-stream-buffer-bytes', 'totalStreamBufferBytes', 2048],
      ['--max-buffered-body-bytes', 'maxBufferedBodyBytes', 4096],
      ['--headers-timeout-ms', 'headersTimeoutMs', 1000],
      ['--body-timeout-ms', 'bodyTimeoutMs', 1100],
      ['--request-timeout-ms', 'requestTimeoutMs', 1200],
      ['--keep-alive-timeout-ms', 'keepAliveTimeoutMs', 1300],
    ] as const
    const { config } = parseNodeArgs(flags.flatMap(([flag, , n]) => [flag, String(n)]), {})
    expect(config.limits).toEqual(Object.fromEntries(flags.map(([, field, n]) => [field, n])))
    expect(parseNodeArgs(['--max-query-topics', '5'], {}).config.limits).toEqual({ maxQueryTopics: 5 })
    expect(() => parseNodeArgs(['--max-query-topics', '20000'], {})).toThrow(/--max-query-topics must be between 1 and 10000/)
    expect(() => parseNodeArgs(['--headers-timeout-ms', 'soon'], {})).toThrow(/--headers-timeout-ms must be a whole number/)
  })

  it.each([
    [['--port', 'abc'], /--port must be a whole number/],
    [['--port', '70000'], /--port must be between 0 and 65535/],
    [['--bogus'], /bogus/],
    [['extra'], /extra/],
    [['--sync', 'sometimes'], /--sync must be full or normal/],
    [['--rate-publish', '600'], /--rate-publish must look like/],
    [['--rate-default', '0/5'], /positive rate/],
    [['--no-rate-limits', '--rate-default', '1/1'], /cannot be combined/],
    [['--log-level', 'loud'], /--log-level/],
    [['--log-format', 'xml'], /--log-format must be json or pretty, got "xml"/],
    [['--db', ''], /--db/],
    [['--port'], /port/],
    [['--store', 'mysql'], /--store must be sqlite or postgres/],
    [['--store', 'postgres'], /needs the database URL in PARLEY_DATABASE_URL/],
    [['--store', 'postgres', '--db', './x.db'], /takes a postgres:\/\/ URL, not the file/],
    [['--store', 'sqlite', '--db', 'postgres://h/db'], /cannot use a postgres:\/\/ URL/],
    [['--db', 'postgres://h/db', '--sync', 'normal'], /--sync applies to SQLite only/],
    [['--pool-size', '5'], /--pool-size applies to the PostgreSQL store only/],
    [['--db', 'postgres://h/db', '--pool-size', '0'], /--pool-size must be between 1 and 1000/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseNodeArgs(argv as string[], {})).toThrow(ConfigError)
    expect(() => parseNodeArgs(argv as string[], {})).toThrow(message)
  })

  it('selects PostgreSQL by a postgres:// --db, or by --store postgres with the URL in PARLEY_DATABASE_URL', () => {
    expect(parseNodeArgs(['--db', 'postgres://parley@db.internal:5432/parley'], {}).config).toMatchObject({
      store: 'postgres',
      databaseUrl: 'postgres://parley@db.internal:5432/parley',
      poolSize: 10,
    })
    const fromEnv = parseNodeArgs(['--store', 'postgres', '--pool-size', '25'], { PARLEY_DATABASE_URL: 'postgresql://u:pw@127.0.0.1/p' }).config
    expect(fromEnv).toMatchObject({ store: 'postgres', databaseUrl: 'postgresql://u:pw@127.0.0.1/p', poolSize: 25 })
    // The variable alone does not switch stores: SQLite stays the default.
    expect(parseNodeArgs([], { PARLEY_DATABASE_URL: 'postgres://h/db' }).config).toMatchObject({ store: 'sqlite', db: DEFAULT_DB })
  })

  it('names PORT when the environment value is bad', () => {
    expect(() => parseNodeArgs([], { PORT: 'x' })).toThrow(/PORT must be a whole number/)
  })
})
