import { describe, expect, it } from 'vitest'
import { MemoryStorageArea } from '../testing/memory-storage.ts'
import { IdentityStore } from './identity-store.ts'

function keySource(seed: number) {
  return {
    locked: false,
    async deriveKey(purpose: string) {
      if (this.locked) throw new Error('locked')
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${seed}:${purpose}`))
      return new Uint8Array(digest)
    },
  }
}

const NODE = 'http://127.0.0.1:5555'
const ADDRESS = '0x00000000000000000000000000000000000000Aa'

describe('IdentityStore', () => {
  it('round-trips the bundle and stores no plaintext', async () => {
    const local = new MemoryStorageArea()
    const store = new IdentityStore(local, keySource(1))
    const bundle = Uint8Array.from({ length: 200 }, (_, i) => i)
    await store.save(NODE, ADDRESS, bundle)
    expect(await store.load(NODE, ADDRESS)).toEqual(bundle)
    const stored = JSON.stringify([...local.items.values()])
    expect(stored).not.toContain(btoa(String.fromCharCode(...bundle.slice(0, 30))))
  })

  it('keeps one record per node and address', async () => {
    const store = new IdentityStore(new MemoryStorageArea(), keySource(1))
    await store.save(NODE, ADDRESS, new Uint8Array([1]))
    expect(await store.load('http://127.0.0.1:6666', ADDRESS)).toBeNull()
    expect(await store.load(NODE, '0x00000000000000000000000000000000000000bb')).toBeNull()
  })

  it('drops a record that does not open (other vault key, tampering, wrong shape)', async () => {
    const local = new MemoryStorageArea()
    await new IdentityStore(local, keySource(1)).save(NODE, ADDRESS, new Uint8Array([1, 2, 3]))
    expect(await new IdentityStore(local, keySource(2)).load(NODE, ADDRESS)).toBeNull()
    expect(local.items.size).toBe(0)

    const store = new IdentityStore(local, keySource(1))
    await store.save(NODE, ADDRESS, new Uint8Array([1, 2, 3]))
    const key = IdentityStore.storageKey(NODE, ADDRESS)
    const record = local.items.get(key) as { ciphertext: string }
    local.items.set(key, { ...record, ciphertext: btoa('x'.repeat(19)) })
    expect(await store.load(NODE, ADDRESS)).toBeNull()

    local.items.set(key, 'garbage')
    expect(await store.load(NODE, ADDRESS)).toBeNull()
    expect(local.items.has(key)).toBe(false)
  })

  it('a record moved under another address does not open', async () => {
    const local = new MemoryStorageArea()
    const store = new IdentityStore(local, keySource(1))
    await store.save(NODE, ADDRESS, new Uint8Array([9]))
    const other = '0x00000000000000000000000000000000000000cc'
    local.items.set(IdentityStore.storageKey(NODE, other), local.items.get(IdentityStore.storageKey(NODE, ADDRESS)))
    expect(await store.load(NODE, other)).toBeNull()
  })

  it('forgets every node record of an address', async () => {
    const local = new MemoryStorageArea()
    const store = new IdentityStore(local, keySource(1))
    await store.save(NODE, ADDRESS, new Uint8Array([1]))
    await store.save('http://localhost:7000', ADDRESS, new Uint8Array([1]))
    await store.forget(ADDRESS)
    expect(local.items.size).toBe(0)
  })

  it('does not open while locked', async () => {
    const keys = keySource(1)
    const store = new IdentityStore(new MemoryStorageArea(), keys)
    await store.save(NODE, ADDRESS, new Uint8Array([1]))
    keys.locked = true
    await expect(store.load(NODE, ADDRESS)).rejects.toThrow('locked')
  })
})
