import type { Libp2p } from '@libp2p/interface'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { SqliteEnvelopeStore } from '../store/sqlite.ts'
import { DEFAULT_ANTI_ENTROPY, AntiEntropy } from './anti-entropy.ts'
import { CatchUp } from './catchup.ts'

const logger = pino({ level: 'silent' })

function fakeLibp2p(peers: string[]) {
  const asked: string[] = []
  const libp2p = {
    getPeers: () => {
      asked.push('getPeers')
      return peers
    },
    peerStore: { get: async () => ({ protocols: [] }) },
  } as unknown as Libp2p
  return { libp2p, asked }
}

describe('AntiEntropy rounds', () => {
  it('skip (and count) a round while the node is busy, asking no peer', async () => {
    const store = new SqliteEnvelopeStore({ path: ':memory:' })
    const { libp2p, asked } = fakeLibp2p(['p1'])
    const check = { verifyToken: undefined, nowNs: () => 0n }
    let busy = true
    const ae = new AntiEntropy(libp2p, store, new CatchUp(libp2p, store, check, logger), logger, DEFAULT_ANTI_ENTROPY, () => busy)
    expect(await ae.round()).toBeUndefined()
    expect(ae.stats.pausedRounds).toBe(1)
    expect(asked).toEqual([])
    // Paused, never stopped: after three skipped rounds in a row one runs anyway.
    await ae.round()
    await ae.round()
    expect(ae.stats.pausedRounds).toBe(3)
    expect(await ae.round()).toBeUndefined()
    expect(ae.stats.pausedRounds).toBe(3)
    expect(asked).toEqual(['getPeers'])
    asked.length = 0
    busy = false
    // Not busy: it looks for a peer; this one does not speak the catch-up protocol.
    expect(await ae.round()).toBeUndefined()
    expect(asked).toEqual(['getPeers'])
    expect(ae.stats).toMatchObject({ pausedRounds: 3, rounds: 0, failedRounds: 0 })
    await store.close()
  })
})
