// "Forgot password?": the wallet is replaced from a phrase or key under a new password; bad
// input changes nothing; the replaced accounts are handed over to be forgotten.
import { describe, expect, it } from 'vitest'
import type { AccountView } from '../../extension/views.ts'
import { MemoryStorageArea } from '../testing/memory-storage.ts'
import { Wallet } from './wallet.ts'

const PHRASE = 'test test test test test test test test test test test junk'
const OTHER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'

describe('Wallet.restoreWallet', () => {
  it('replaces a locked wallet whose password is forgotten; the old password no longer opens it', async () => {
    const local = new MemoryStorageArea()
    const wallet = new Wallet({ local, sessionStorage: new MemoryStorageArea(), iterations: 1000 })
    await wallet.importWallet('the old password', OTHER_KEY)
    await wallet.addAccount().catch(() => {}) // a key wallet has no phrase: nothing added
    await wallet.lock()
    const forgotten: AccountView[][] = []
    await wallet.restoreWallet('a brand new password', PHRASE, async (replaced) => void forgotten.push(replaced))
    const status = await wallet.status()
    expect(status.locked).toBe(false)
    expect(status.accounts.map((a) => [a.address, a.kind])).toEqual([['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 'phrase']])
    expect(forgotten).toHaveLength(1)
    expect(forgotten[0]!.map((a) => a.address)).toEqual(['0x70997970C51812dc3A010C7d01b50e0d17dc79C8'])
    expect([...local.items.keys()].filter((k) => k.startsWith('vault.secret.'))).toHaveLength(1) // the old secret is gone
    await wallet.lock()
    await expect(wallet.unlock('the old password')).rejects.toMatchObject({ reason: 'wrong-password' })
    await wallet.unlock('a brand new password')
  })

  it('a bad secret or a weak password changes nothing', async () => {
    const local = new MemoryStorageArea()
    const wallet = new Wallet({ local, sessionStorage: new MemoryStorageArea(), iterations: 1000 })
    await wallet.importWallet('the old password', OTHER_KEY)
    await wallet.lock()
    const before = JSON.stringify([...local.items.entries()])
    await expect(wallet.restoreWallet('a brand new password', 'not a phrase at all')).rejects.toMatchObject({ reason: 'invalid-secret' })
    await expect(wallet.restoreWallet('short', PHRASE)).rejects.toMatchObject({ reason: 'weak-password' })
    expect(JSON.stringify([...local.items.entries()])).toBe(before)
    await wallet.unlock('the old password')
  })
})

describe('Wallet.nextDerivedAddresses and quiet adds (account discovery)', () => {
  it('lists the next addresses without adding them; a quiet add keeps the active account', async () => {
    const wallet = new Wallet({ local: new MemoryStorageArea(), sessionStorage: new MemoryStorageArea(), iterations: 1000 })
    await wallet.importWallet('a long enough password', PHRASE)
    expect(await wallet.nextDerivedAddresses(1)).toEqual(['0x70997970C51812dc3A010C7d01b50e0d17dc79C8'])
    const first = (await wallet.status()).activeAccountId
    await wallet.addAccount(undefined, { activate: false })
    const status = await wallet.status()
    expect(status.accounts).toHaveLength(2)
    expect(status.activeAccountId).toBe(first)
    expect((await wallet.nextDerivedAddresses(1))[0]).not.toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')
  })
})
