import { describe, expect, it } from 'vitest'
import { ConsentList } from './consent-list.ts'

const alice = '0xF56d1F3b1290204441Cb3843C2Cac1C2f5AEd690'
const bob = '0x3De402A325323Bb97f00cE3ad5bFAc96A11F9A34'
const carol = '0x0BED7ABd61247635c1973eB38474A2516eD1D884'

describe('ConsentList', () => {
  it('starts unknown and records allow and deny, returning the action to publish', () => {
    const list = new ConsentList()
    expect(list.state(alice)).toBe('unknown')
    expect(list.allow(alice)).toEqual({ permission: 'allow', entryType: 'address', values: [alice] })
    expect(list.deny([bob, carol])).toEqual({ permission: 'deny', entryType: 'address', values: [bob, carol] })
    expect(list.state(alice)).toBe('allowed')
    expect(list.state(bob)).toBe('denied')
    expect(list.state(carol)).toBe('denied')
  })

  it('lets the last action win, comparing addresses case-insensitively', () => {
    const list = ConsentList.fromActions([
      { permission: 'allow', entryType: 'address', values: [alice.toLowerCase()] },
      { permission: 'deny', entryType: 'address', values: [alice] },
      { permission: 'allow', entryType: 'address', values: [bob] },
      { permission: 'deny', entryType: 'address', values: [bob.toUpperCase().replace('0X', '0x')] },
      { permission: 'allow', entryType: 'address', values: [bob] },
    ])
    expect(list.state(alice)).toBe('denied')
    expect(list.state(alice.toLowerCase())).toBe('denied')
    expect(list.state(bob)).toBe('allowed')
    expect(list.size).toBe(2)
  })

  it('exports entries in order of their latest change, with the latest spelling', () => {
    const list = new ConsentList()
    list.allow(alice)
    list.deny(bob)
    list.applyAll([{ permission: 'deny', entryType: 'address', values: [alice.toLowerCase()] }])
    list.allowGroup('group-1')
    list.denyInboxId('inbox-1')
    expect(list.entries()).toEqual([
      { entryType: 'address', value: bob, state: 'denied' },
      { entryType: 'address', value: alice.toLowerCase(), state: 'denied' },
      { entryType: 'groupId', value: 'group-1', state: 'allowed' },
      { entryType: 'inboxId', value: 'inbox-1', state: 'denied' },
    ])
    // entries() hands out copies
    list.entries()[0]!.state = 'allowed'
    expect(list.state(bob)).toBe('denied')
  })

  it('keeps address, group and inbox entries apart; group and inbox ids are exact', () => {
    const list = new ConsentList()
    list.allowGroup('AbC')
    list.denyGroup('abc')
    list.allowInboxId('AbC')
    expect(list.groupState('AbC')).toBe('allowed')
    expect(list.groupState('abc')).toBe('denied')
    expect(list.inboxIdState('AbC')).toBe('allowed')
    expect(list.inboxIdState('abc')).toBe('unknown')
    expect(list.state(alice)).toBe('unknown')
  })

  it('rejects bad input without changing state', () => {
    const list = new ConsentList()
    expect(() => list.allow('bob.eth')).toThrow(/0x-prefixed 20-byte hex address/)
    expect(() => list.deny([])).toThrow(TypeError)
    expect(() => list.allow([alice, 'nope'])).toThrow(/values\[1\]/)
    expect(list.state(alice)).toBe('unknown')
    expect(() => list.apply({ permission: 'allow', entryType: 'address', values: [''] })).toThrow(TypeError)
    expect(() => list.apply({ permission: 'maybe' as never, entryType: 'address', values: [alice] })).toThrow(TypeError)
    expect(() => list.apply(null as never)).toThrow(TypeError)
    expect(list.size).toBe(0)
  })
})
