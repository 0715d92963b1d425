import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULT_DB, parseNodeArgs } from './config.ts'
import { DEFAULT_RATE_LIMITS } from './rateLimit.ts'

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
      ['--port', '1', '--host', '0.0.0.0', '--db', ':memory:', '--sync', 'normal', '--no-auth', '--rate-default', '10/20', '--rate-publish', '1.5/3', '--trust-proxy', '--max-body-bytes', '4096', '--stream-buffer-bytes', '65536', '--log-level', 'debug'],
      {},
    )
    expect(config).toEqual({
      port: 1,
      host: '0.0.0.0',
      db: ':memory:',
      sync: 'normal',
      auth: false,
      rateLimits: { default: { perMinute: 10, burst: 20 }, publish: { perMinute: 1.5, burst: 3 } },
      trustProxy: true,
      maxBodyBytes: 4096,
      streamBufferBytes: 65536,
      limits: {},
      logLevel: 'debug',
    })
    expect(parseNodeArgs(['--no-rate-limits'], {}).config.rateLimits).toBeUndefined()
    expect(parseNodeArgs(['-h'], {}).help).toBe(true)
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
    [['--db', ''], /--db/],
    [['--port'], /port/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseNodeArgs(argv as string[], {})).toThrow(ConfigError)
    expect(() => parseNodeArgs(argv as string[], {})).toThrow(message)
  })

  it('names PORT when the environment value is bad', () => {
    expect(() => parseNodeArgs([], { PORT: 'x' })).toThrow(/PORT must be a whole number/)
  })
})
