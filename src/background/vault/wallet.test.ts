import { beforeEach, describe, expect, it } from 'vitest'
import { toHex } from '../../wire/bytes.ts'
import { MemoryStorageArea } from '../testing/memory-storage.ts'
import { VaultError, type VaultErrorReason } from './errors.ts'
import { MIN_PBKDF2_ITERATIONS } from './crypto.ts'
import { Wallet } from './wallet.ts'

const PHRASE = 'test test test test test test test test test test test junk'
const ADDRESSES = ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8']
const KEY0 = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const OTHER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
const PASSWORD = 'correct horse battery'
// Unit tests use cheap KDF rounds; one test below checks the production default.
const ITERATIONS = 1000

async function rejects(p: Promise<unknown>, reason: VaultErrorReason): Promise<VaultError> {
  let error: unknown
  try {
    await p
  } catch (e) {
    error = e
  }
  expect(error, `expected VaultError ${reason}`).toBeInstanceOf(VaultError)
  expect((error as VaultError).reason).toBe(reason)
  return error as VaultError
}

describe('Wallet', () => {
  let local: MemoryStorageArea
  let session: MemoryStorageArea
  let clock: number
  const make = (iterations = ITERATIONS) => new Wallet({ local, sessionStorage: session, now: () => clock, iterations })

  beforeEach(() => {
    local = new MemoryStorageArea()
    session = new MemoryStorageArea()
    clock = 1_700_000_000_000
  })

  it('starts empty, then creates a vault from a phrase with account 0 unlocked', async () => {
    const wallet = make()
    expect(await wallet.status()).toMatchObject({ initialized: false, locked: true, accounts: [] })
    await wallet.create(PASSWORD, PHRASE)
    const status = await wallet.status()
    expect(status).toMatchObject({ initialized: true, locked: false, activeAccountId: status.accounts[0]!.id })
    expect(status.accounts).toEqual([{ id: status.accounts[0]!.id, label: 'Account 1', address: ADDRESSES[0], kind: 'phrase', index: 0 }])
    expect(toHex(await wallet.privateKeyOf(status.accounts[0]!.id))).toBe(KEY0)
    await rejects(wallet.create(PASSWORD, PHRASE), 'exists')
  })

  it('uses 900,000 PBKDF2 rounds by default and stores them with the vault', async () => {
    await new Wallet({ local, sessionStorage: session }).create(PASSWORD, PHRASE)
    const header = (local.items.get('vault.header') as any)
    expect(header.kdf).toMatchObject({ name: 'PBKDF2-SHA256', iterations: MIN_PBKDF2_ITERATIONS })
    expect(MIN_PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(900_000)
  })

  it('stores no phrase, key or password in the clear, in either storage area', async () => {
    const wallet = make()
    await wallet.create(PASSWORD, PHRASE)
    await wallet.importAccount(PASSWORD, OTHER_KEY)
    const everything = local.dump() + session.dump()
    for (const secret of ['test test', 'junk', KEY0, OTHER_KEY.slice(2), PASSWORD]) expect(everything).not.toContain(secret)
  })

  it('a wrong password gets a clear error and changes nothing', async () => {
    const wallet = make()
    await wallet.create(PASSWORD, PHRASE)
    await wallet.lock()
    const before = local.dump()
    const error = await rejects(wallet.unlock('not the password'), 'wrong-password')
    expect(error.message).toBe('That password is not right.')
    expect(local.dump()).toBe(before)
    expect(wallet.locked).toBe(true)
    await rejects(wallet.changePassword('nope nope nope', 'another password'), 'wrong-password')
    await rejects(wallet.reveal('nope nope nope', (await wallet.status()).accounts[0]!.id), 'wrong-password')
    expect(local.dump()).toBe(before)
  })

  it('refuses short passwords and non-phrase secrets for a new wallet', async () => {
    await rejects(make().create('short', PHRASE), 'weak-password')
    await rejects(make().create(PASSWORD, OTHER_KEY), 'invalid-secret')
    expect(local.items.size).toBe(0)
  })

  it('imports a wallet from a private key; such a wallet has no phrase to add accounts from', async () => {
    const wallet = make()
    await wallet.importWallet(PASSWORD, OTHER_KEY)
    const status = await wallet.status()
    expect(status.accounts[0]).toMatchObject({ address: ADDRESSES[1], kind: 'privateKey' })
    expect(status.accounts[0]!.index).toBeUndefined()
    await rejects(wallet.addAccount(), 'no-phrase')
  })

  it('lock wipes the session; a new worker resumes from storage.session without the password', async () => {
    const wallet = make()
    await wallet.create(PASSWORD, PHRASE)
    const id = (await wallet.status()).accounts[0]!.id
    const cacheKey = toHex(await wallet.deriveKey('cache/x'))

    // A restarted service worker: new instance, same storage areas.
    const restarted = make()
    expect(restarted.locked).toBe(true)
    expect(await restarted.resume()).toBe(true)
    expect(toHex(await restarted.privateKeyOf(id))).toBe(KEY0)
    expect(toHex(await restarted.deriveKey('cache/x'))).toBe(cacheKey)

    await restarted.lock()
    expect(session.items.size).toBe(0)
    await rejects(restarted.privateKeyOf(id), 'locked')
    await rejects(restarted.deriveKey('cache/x'), 'locked')
    expect(await make().resume()).toBe(false)
  })

  it('auto-locks after the idle deadline, also across a worker restart', async () => {
    const wallet = make()
    await wallet.create(PASSWORD, PHRASE)
    await wallet.setAutoLockMinutes(5)
    expect((await wallet.status()).autoLockAt).toBe(clock + 5 * 60_000)
    clock += 4 * 60_000
    expect(await wallet.checkAutoLock()).toBe(false)
    expect(await wallet.touch()).toBe(clock + 5 * 60_000)
    clock += 4 * 60_000
    expect(await wallet.checkAutoLock()).toBe(false)
    clock += 60_001
    // A worker that wakes after the deadline does not resume, and wipes the stale session.
    expect(await make().resume()).toBe(false)
    expect(session.items.size).toBe(0)
    expect(await wallet.checkAutoLock()).toBe(true)
    expect(wallet.locked).toBe(true)
  })

  it('auto-lock 0 means never', async () => {
    const wallet = make()
    await wallet.create(PASSWORD, PHRASE)
    await wallet.setAutoLockMinutes(0)
    expect((await wallet.status()).autoLockAt).toBeNull()
    clock += 365 * 24 * 3600_000
    expect(await wallet.checkAutoLock()).toBe(false)
    expect(await make().resume()).toBe(true)
  })

  it('changes the password; the cache key stays the same', async () => {
    const wallet = make()
    await wallet.create(PASSWORD, PHRASE)
    const cacheKey = toHex(await wallet.deriveKey('cache/x'))
    await wallet.changePassword(PASSWORD, 'a brand new password')
    await wallet.lock()
    await rejects(wallet.unlock(PASSWORD), 'wrong-password')
    await wallet.unlock('a brand new password')
    expect(toHex(await wallet.deriveKey('cache/x'))).toBe(cacheKey)
    expect(toHex(await wallet.deriveKey('cache/y'))).not.toBe(cacheKey)
  })

  it('a worker killed during a password change leaves a vault that one of the passwords opens', async () => {
    const wallet = make()
    await wallet.create(PASSWORD, PHRASE)
    // Killed before the header write lands: the old password still opens it.
    local.failNextSets = 1
    await expect(wallet.changePassword(PASSWORD, 'a brand new password')).rejects.toThrow(/simulated/)
    await make().unlock(PASSWORD)

    // Killed after the header write, before the session was updated: the restarted worker
    // notices its session KEK is stale and asks again; the new password opens the vault.
    session.failNextSets = 1
    await expect(wallet.changePassword(PASSWORD, 'a brand new password')).rejects.toThrow(/simulated/)
    const restarted = make()
    expect(await restarted.resume()).toBe(false)
    await rejects(restarted.unlock(PASSWORD), 'wrong-password')
    await restarted.unlock('a brand new password')
    expect(toHex(await restarted.privateKeyOf((await restarted.status()).accounts[0]!.id))).toBe(KEY0)
  })

  it('raises the KDF rounds of an older vault on unlock', async () => {
    await make(1000).create(PASSWORD, PHRASE)
    const upgraded = make(2000)
    await upgraded.unlock(PASSWORD)
    expect((local.items.get('vault.header') as any).kdf.iterations).toBe(2000)
    await upgraded.lock()
    await make(2000).unlock(PASSWORD)
  })

  it('adds, imports, renames, selects and removes accounts', async () => {
    const wallet = make()
    await wallet.create(PASSWORD, PHRASE)
    const second = await wallet.addAccount()
    expect(second).toMatchObject({ address: ADDRESSES[1], index: 1, label: 'Account 2' })
    expect((await wallet.status()).activeAccountId).toBe(second.id)

    // The same address again, as an imported key: refused.
    await rejects(wallet.importAccount(PASSWORD, OTHER_KEY), 'duplicate')
    await rejects(wallet.importAccount('wrong password', OTHER_KEY), 'wrong-password')
    const imported = await wallet.importAccount(PASSWORD, 'legal winner thank year wave sausage worth useful legal winner thank yellow', 'Savings')
    expect(imported).toMatchObject({ kind: 'phrase', index: 0, label: 'Savings' })

    expect(await wallet.renameAccount(second.id, '  Work  ')).toMatchObject({ label: 'Work' })
    await rejects(wallet.renameAccount(second.id, ' '), 'invalid-secret')
    await wallet.selectAccount(second.id)
    await rejects(wallet.selectAccount('nope'), 'not-found')

    // addAccount keeps deriving from the wallet's first phrase.
    expect(await wallet.addAccount()).toMatchObject({ index: 2, address: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' })

    await rejects(wallet.removeAccount(imported.id, 'wrong password'), 'wrong-password')
    await wallet.removeAccount(imported.id, PASSWORD)
    // Its phrase had no other account: the sealed secret is gone too.
    const secretRecords = [...local.items.keys()].filter((k) => k.startsWith('vault.secret.'))
    expect(secretRecords).toHaveLength(1)
    await wallet.removeAccount(second.id, PASSWORD)
    const status = await wallet.status()
    expect(status.accounts.map((a) => a.address)).toEqual([ADDRESSES[0], '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'])
    // The account added last is still the active one.
    expect(status.activeAccountId).toBe(status.accounts[1]!.id)
    // Removing the active account makes another one active.
    await wallet.removeAccount(status.accounts[1]!.id, PASSWORD)
    expect((await wallet.status()).activeAccountId).toBe(status.accounts[0]!.id)
    await rejects(wallet.removeAccount(status.accounts[0]!.id, PASSWORD), 'last-account')
  })

  it('reveals the phrase or the key only with the password', async () => {
    const wallet = make()
    await wallet.create(PASSWORD, PHRASE)
    const imported = await wallet.importAccount(PASSWORD, OTHER_KEY)
    const first = (await wallet.status()).accounts[0]!
    await wallet.lock()
    expect(await wallet.reveal(PASSWORD, first.id)).toEqual({ kind: 'phrase', secret: PHRASE })
    expect(await wallet.reveal(PASSWORD, imported.id)).toEqual({ kind: 'privateKey', secret: OTHER_KEY })
  })

  it('reports damaged records as corrupt and overwrites nothing', async () => {
    const wallet = make()
    await wallet.create(PASSWORD, PHRASE)
    const id = (await wallet.status()).accounts[0]!.id
    await wallet.lock()
    const header = local.items.get('vault.header')
    local.items.set('vault.header', { version: 1, kdf: 'garbage' })
    const error = await rejects(make().unlock(PASSWORD), 'corrupt')
    expect(error.message).toContain('vault.header')
    expect(local.items.get('vault.header')).toEqual({ version: 1, kdf: 'garbage' })
    local.items.set('vault.header', header)

    // A flipped ciphertext byte in the secret record.
    await wallet.unlock(PASSWORD)
    const secretName = [...local.items.keys()].find((k) => k.startsWith('vault.secret.'))!
    const sealed = local.items.get(secretName) as { iv: string; ciphertext: string }
    const ct = Buffer.from(sealed.ciphertext, 'base64')
    ct[0]! ^= 1
    local.items.set(secretName, { ...sealed, ciphertext: ct.toString('base64') })
    await rejects(wallet.privateKeyOf(id), 'corrupt')

    // An address that does not belong to the key is caught, not used.
    local.items.set(secretName, sealed)
    const accounts = structuredClone(local.items.get('vault.accounts')) as { accounts: Array<{ address: string }> }
    accounts.accounts[0]!.address = ADDRESSES[1]!
    local.items.set('vault.accounts', accounts)
    await rejects(wallet.privateKeyOf(id), 'corrupt')
  })

  it('tells listeners about real changes', async () => {
    const wallet = make()
    const seen: boolean[] = []
    wallet.onChange((s) => seen.push(s.locked))
    await wallet.create(PASSWORD, PHRASE)
    await wallet.lock()
    await wallet.lock()
    await wallet.unlock(PASSWORD)
    expect(seen).toEqual([false, true, false])
  })
})
