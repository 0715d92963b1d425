import { describe, expect, it } from 'vitest'
import { ConfigError } from './config.ts'
import { formatDuration, parseDuration } from './duration.ts'
import { parsePruneArgs } from './prune-command.ts'
import { kindRange, parseKinds } from './retention.ts'

describe('prune command line', () => {
  it('reads the duration, kinds, dry run and store', () => {
    expect(parsePruneArgs(['--older-than', '90d', '--db', 'x.db'], {})).toEqual({ olderThanMs: 90 * 86_400_000, kinds: ['m', 'dm'], dryRun: false, storage: { store: 'sqlite', db: 'x.db' } })
    expect(parsePruneArgs(['--older-than', '12h', '--topics', 'm-,invite', '--dry-run'], {})).toMatchObject({ olderThanMs: 12 * 3_600_000, kinds: ['m', 'invite'], dryRun: true })
    expect(parsePruneArgs(['--older-than', '1w', '--store', 'postgres'], { PARLEY_DATABASE_URL: 'postgres://u@h:1/d' })).toMatchObject({ storage: { store: 'postgres', databaseUrl: 'postgres://u@h:1/d' } })
    expect(parsePruneArgs(['-h'], {})).toBe('help')
  })

  it('refuses a missing or malformed duration and odd topic kinds, naming the flag', () => {
    expect(() => parsePruneArgs([], {})).toThrow(new ConfigError('prune needs --older-than <duration>, e.g. --older-than 90d'))
    expect(() => parsePruneArgs(['--older-than', '90 days'], {})).toThrow(/--older-than must be a whole number and a unit \(s, m, h, d or w\), e.g. 90d; got "90 days"/)
    expect(() => parsePruneArgs(['--older-than', '0d'], {})).toThrow(/--older-than must be longer than zero/)
    expect(() => parsePruneArgs(['--older-than', '1d', '--topics', 'm/x'], {})).toThrow(/a topic kind is letters and digits/)
    expect(() => parsePruneArgs(['--older-than', '1d', '--topics', ','], {})).toThrow(/at least one topic kind/)
    expect(() => parsePruneArgs(['--older-than', '1d', '--port', '1'], {})).toThrow(ConfigError)
  })

  it('turns kinds into byte ranges that hold exactly their topics', () => {
    const { from, to } = kindRange('m')
    const inRange = (t: string) => t >= from && t < to
    expect(inRange('/xmtp/0/m-abc/proto')).toBe(true)
    expect(inRange('/xmtp/0/mE-abc/proto')).toBe(false) // ephemeral
    expect(inRange('/xmtp/0/m/proto')).toBe(false)
    expect(inRange('/xmtp/0/dm-a-b/proto')).toBe(false)
    expect(parseKinds('dm, m,dm')).toEqual(['dm', 'm'])
    expect(formatDuration(parseDuration('36h', 'x'))).toBe('36h')
    expect(formatDuration(parseDuration('14d', 'x'))).toBe('2w')
  })
})
