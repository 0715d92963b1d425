import { describe, expect, it } from 'vitest'
import { conversationFromHash, tabViewPath } from './tab-url.ts'

describe('tab view URL', () => {
  it('round-trips a topic with slashes through the hash', () => {
    const topic = '/xmtp/0/m-0123abcd/proto'
    const path = tabViewPath(topic)
    expect(path).toBe('src/popup/index.html?view=tab#/conversation/%2Fxmtp%2F0%2Fm-0123abcd%2Fproto')
    expect(conversationFromHash(new URL(path, 'chrome-extension://x/').hash)).toBe(topic)
  })

  it('opens the list without a topic and rejects other hashes', () => {
    expect(tabViewPath()).toBe('src/popup/index.html?view=tab')
    expect(conversationFromHash('')).toBeNull()
    expect(conversationFromHash('#/settings')).toBeNull()
    expect(conversationFromHash('#/conversation/%E0%A4%A')).toBeNull()
  })
})
