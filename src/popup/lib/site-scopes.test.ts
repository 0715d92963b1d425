import { describe, expect, it } from 'vitest'
import { scopeEntries, siteOf } from './site-scopes.ts'

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

describe('siteOf', () => {
  it("names the site by its conversationId's host, and nothing for a personal conversation", () => {
    expect(siteOf({ context: { conversationId: 'app.example.org/support/1', metadata: {} } })).toBe('app.example.org')
    expect(siteOf({ context: { conversationId: '127.0.0.1:5556', metadata: {} } })).toBe('127.0.0.1:5556')
    expect(siteOf({})).toBeNull()
  })
})
