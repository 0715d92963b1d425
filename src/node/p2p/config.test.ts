import { describe, expect, it } from 'vitest'
import { ConfigError, parseNodeArgs } from '../config.ts'

describe('p2p flags', () => {
  it('are off without --p2p-port', () => {
    expect(parseNodeArgs([], {}).config.p2p).toBeUndefined()
  })

  it('read the port, repeated bootstrap and announce addresses, and default the key beside the database', () => {
    const { config } = parseNodeArgs(
      ['--db', 'data/n1.db', '--p2p-port', '6001', '--bootstrap', '/ip4/127.0.0.1/tcp/6002', '--bootstrap', '/ip4/127.0.0.1/tcp/6003/p2p/12D3KooWHxHP2ywnzwwdZjTSPq8iuYTv9FzUYiKUMgZaJQitCzh5', '--p2p-announce', '/dns4/node.example/tcp/6001'],
      {},
    )
    expect(config.p2p).toEqual({
      port: 6001,
      bootstrap: ['/ip4/127.0.0.1/tcp/6002', '/ip4/127.0.0.1/tcp/6003/p2p/12D3KooWHxHP2ywnzwwdZjTSPq8iuYTv9FzUYiKUMgZaJQitCzh5'],
      announce: ['/dns4/node.example/tcp/6001'],
      keyPath: 'data/n1.db.p2p-key',
      minPeers: 8,
      maxPeers: 16,
      antiEntropyIntervalMs: 180_000,
      peerTimeoutMs: 30_000,
      peerQueueBytes: 16 * 1024 * 1024,
    })
    const tuned = parseNodeArgs(['--p2p-port', '0', '--min-peers', '3', '--max-peers', '5', '--anti-entropy-interval', '0.5', '--peer-timeout', '4', '--peer-queue-bytes', '1048576'], {}).config.p2p
    expect(tuned).toMatchObject({ minPeers: 3, maxPeers: 5, antiEntropyIntervalMs: 500, peerTimeoutMs: 4000, peerQueueBytes: 1_048_576 })
    expect(parseNodeArgs(['--p2p-port', '0', '--min-peers', '20'], {}).config.p2p).toMatchObject({ minPeers: 20, maxPeers: 20 })
    expect(parseNodeArgs(['--db', ':memory:', '--p2p-port', '0'], {}).config.p2p?.keyPath).toBeUndefined()
    expect(parseNodeArgs(['--db', ':memory:', '--p2p-port', '0', '--p2p-key', '/k'], {}).config.p2p?.keyPath).toBe('/k')
  })

  it.each([
    [['--bootstrap', '/ip4/127.0.0.1/tcp/1'], /need --p2p-port/],
    [['--p2p-port', 'x'], /--p2p-port must be a whole number/],
    [['--p2p-port', '1', '--bootstrap', 'localhost:6001'], /--bootstrap must be a TCP multiaddr/],
    [['--p2p-port', '1', '--bootstrap', '/ip4/127.0.0.1/udp/1'], /--bootstrap must be a TCP multiaddr/],
    [['--p2p-port', '1', '--p2p-announce', 'nonsense'], /--p2p-announce/],
    [['--anti-entropy-interval', '5'], /need --p2p-port/],
    [['--p2p-port', '1', '--min-peers', '0'], /--min-peers must be between 1/],
    [['--p2p-port', '1', '--min-peers', '6', '--max-peers', '4'], /--max-peers \(4\) must be at least --min-peers \(6\)/],
    [['--p2p-port', '1', '--anti-entropy-interval', 'soon'], /--anti-entropy-interval must be a number of seconds/],
    [['--p2p-port', '1', '--peer-queue-bytes', '10'], /--peer-queue-bytes must be between 65536/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseNodeArgs(argv as string[], {})).toThrow(ConfigError)
    expect(() => parseNodeArgs(argv as string[], {})).toThrow(message)
  })
})
