import { describe, expect, it } from 'vitest'
import { scopeEntries, viaLabel } from './site-scopes.ts'

describe('scopeEntries', () => {
  it('names the stronger of two related scopes only, so the lines never contradict', () => {
    expect(scopeEntries(['read', 'send', 'sendWithoutConfirm', 'stream']).map((e) => e.label)).toEqual([
      'read its own conversations',
      'send without asking',
      'receive new messages while open',
    ])
    expect(scopeEntries(['read', 'readAll', 'send']).map((e) => [e.label, e.scope])).toEqual([
      ['read all your conversations', 'readAll'],
      ['send, asking you each time', 'send'],
    ])
  })

  it('after removing the stronger scope the weaker one shows', () => {
    expect(scopeEntries(['read', 'send']).map((e) => e.scope)).toEqual(['read', 'send'])
    expect(scopeEntries([])).toEqual([])
  })
})

describe('viaLabel', () => {
  it("names a site's conversation by its id (which starts with the site), and nothing for a personal one", () => {
    expect(viaLabel({ context: { conversationId: 'app.example.org/support', metadata: {} } })).toBe('app.example.org/support')
    expect(viaLabel({ context: { conversationId: '127.0.0.1:5556', metadata: {} } })).toBe('127.0.0.1:5556')
    expect(viaLabel({ context: { conversationId: 'a'.repeat(100), metadata: {} } })).toHaveLength(80)
    expect(viaLabel({})).toBeNull()
  })
})
