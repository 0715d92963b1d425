import { describe, expect, it } from 'vitest'
import { accountDiscoverer, discoverAccounts, MAX_ACCOUNTS } from './account-discovery.ts'

/** A phrase whose derived addresses are "a1", "a2", …; `used` says which have identities. */
function phrase(used: (index: number) => boolean) {
  let next = 1
  const asked: string[][] = []
  return {
    asked,
    get next() {
      return next
    },
    deps: {
      nextDerivedAddresses: async (count: number) => Array.from({ length: count }, (_, i) => `a${next + i}`),
      addAccount: async () => void next++,
      onXmtp: async (addresses: string[]) => {
        asked.push(addresses)
        return addresses.map((a) => used(Number(a.slice(1))))
      },
    },
  }
}

describe('account discovery', () => {
  it('adds the derived accounts that have identities, up to the first that has none', async () => {
    const p = phrase((i) => i <= 7 || i === 9)
    // a1…a7 are added; a8 is unused, so a9 (used) is not added: discovery stops at the first gap.
    expect(await discoverAccounts(p.deps)).toBe(7)
    expect(p.next).toBe(8)
    expect(p.asked).toEqual([['a1', 'a2', 'a3', 'a4', 'a5'], ['a6', 'a7', 'a8', 'a9', 'a10']])
  })

  it('asks about at most MAX_ACCOUNTS addresses, however many are used', async () => {
    const p = phrase(() => true)
    expect(await discoverAccounts(p.deps)).toBe(MAX_ACCOUNTS)
    expect(p.asked.flat()).toHaveLength(MAX_ACCOUNTS)
  })

  it('stops at once when the first is unused', async () => {
    const p = phrase(() => false)
    expect(await discoverAccounts(p.deps)).toBe(0)
    expect(p.asked).toHaveLength(1)
  })
})

describe('accountDiscoverer', () => {
  it('asks the node in use at the time of each discovery', async () => {
    let url = 'http://node-1'
    const asked: string[] = []
    let added = 0
    const discover = accountDiscoverer({
      nextDerivedAddresses: async (count) => Array.from({ length: count }, (_, i) => `x${added + i}`),
      addAccount: async () => void added++,
      canMessage: async (addresses, apiUrl) => {
        asked.push(apiUrl)
        return addresses.map(() => false)
      },
      nodeUrl: async () => url,
    })
    expect(await discover()).toBe(0)
    url = 'http://node-2'
    expect(await discover()).toBe(0)
    expect(asked).toEqual(['http://node-1', 'http://node-2'])
  })
})
