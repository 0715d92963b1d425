import { describe, expect, it } from 'vitest'
import { InMemoryPersistence, NamespacedPersistence, checkPersistence } from './persistence.ts'

describe('InMemoryPersistence', () => {
  it('stores, copies, lists by prefix and deletes records', async () => {
    const store = new InMemoryPersistence()
    const value = new Uint8Array([1, 2, 3])
    await store.setItem('conversation/a', value)
    value[0] = 9 // the store kept its own copy
    expect(await store.getItem('conversation/a')).toEqual(new Uint8Array([1, 2, 3]))
    await store.setItem('conversation/b', new Uint8Array([4]))
    await store.setItem('watermark/v2', new Uint8Array([5]))
    expect((await store.keys('conversation/')).sort()).toEqual(['conversation/a', 'conversation/b'])
    await store.deleteItem('conversation/a')
    expect(await store.getItem('conversation/a')).toBeNull()
  })

  it('rejects bad keys and values', async () => {
    const store = new InMemoryPersistence()
    await expect(store.getItem('')).rejects.toThrow(TypeError)
    await expect(store.setItem('k', 'text' as unknown as Uint8Array)).rejects.toThrow(/value must be a Uint8Array/)
  })
})

describe('NamespacedPersistence', () => {
  it('keeps namespaces apart and strips the prefix from listed keys', async () => {
    const inner = new InMemoryPersistence()
    const alice = new NamespacedPersistence(inner, '0xAlice')
    const bob = new NamespacedPersistence(inner, '0xBob')
    await alice.setItem('conversation/t', new Uint8Array([1]))
    await bob.setItem('conversation/t', new Uint8Array([2]))
    expect(await alice.getItem('conversation/t')).toEqual(new Uint8Array([1]))
    expect(await bob.getItem('conversation/t')).toEqual(new Uint8Array([2]))
    expect(await alice.keys('conversation/')).toEqual(['conversation/t'])
    expect(await inner.keys('')).toHaveLength(2)
  })

  it("forwards batch reads and writes to the inner store's batch methods, prefixed, or falls back item by item", async () => {
    const inner = new InMemoryPersistence()
    const batches: string[][] = []
    const batching = Object.assign(Object.create(inner) as InMemoryPersistence, {
      getItems: async (keys: string[]) => (batches.push(['get', ...keys]), Promise.all(keys.map((k) => inner.getItem(k)))),
      setItems: async (entries: Array<[string, Uint8Array]>) => {
        batches.push(['set', ...entries.map(([k]) => k)])
        for (const [k, v] of entries) await inner.setItem(k, v)
      },
    })
    const alice = new NamespacedPersistence(batching, '0xAlice')
    await alice.setItems([['a', new Uint8Array([1])], ['b', new Uint8Array([2])]])
    expect(await alice.getItems(['b', 'missing', 'a'])).toEqual([new Uint8Array([2]), null, new Uint8Array([1])])
    expect(batches).toEqual([['set', '0xAlice/a', '0xAlice/b'], ['get', '0xAlice/b', '0xAlice/missing', '0xAlice/a']])

    const plain = new NamespacedPersistence(inner, '0xBob')
    await plain.setItems([['a', new Uint8Array([3])]])
    expect(await plain.getItems(['a'])).toEqual([new Uint8Array([3])])
    expect(await inner.getItem('0xBob/a')).toEqual(new Uint8Array([3]))
    await expect(plain.setItems([['', new Uint8Array([1])]])).rejects.toThrow(TypeError)
  })

  it('rejects an inner store that lacks methods', () => {
    expect(() => new NamespacedPersistence({} as never, 'x')).toThrow(/getItem, setItem, deleteItem and keys/)
    expect(() => checkPersistence(null)).toThrow(TypeError)
  })
})
