import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadOrCreatePeerKey, PeerKeyError } from './identity.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-peer-key-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('the peer key file', () => {
  it('is created with mode 0600 (and its folder), then gives the same peer id on every load', async () => {
    const path = join(dir, 'nested', 'node.db.p2p-key')
    const first = await loadOrCreatePeerKey(path)
    expect(first.created).toBe(true)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    const second = await loadOrCreatePeerKey(path)
    expect(second.created).toBe(false)
    expect(peerIdFromPrivateKey(second.privateKey).toString()).toBe(peerIdFromPrivateKey(first.privateKey).toString())
  })

  it('tightens a key file that was left readable by others', async () => {
    const path = join(dir, 'key')
    await loadOrCreatePeerKey(path)
    chmodSync(path, 0o644)
    await loadOrCreatePeerKey(path)
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })

  it('refuses a file that holds no key instead of replacing the identity', async () => {
    const path = join(dir, 'key')
    writeFileSync(path, 'not a key')
    await expect(loadOrCreatePeerKey(path)).rejects.toThrow(PeerKeyError)
    expect(readFileSync(path, 'utf8')).toBe('not a key')
  })
})
