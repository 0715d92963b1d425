import { describe, expect, it } from 'vitest'
import { parseRoute, routeHref } from './router.ts'

describe('hash routes', () => {
  it('round-trips a conversation topic with slashes', () => {
    const topic = '/xmtp/0/m-abcDEF123/proto'
    const href = routeHref({ name: 'conversation', topic })
    expect(href).toBe('#/conversation/%2Fxmtp%2F0%2Fm-abcDEF123%2Fproto')
    expect(parseRoute(href)).toEqual({ name: 'conversation', topic })
  })
  it('knows every screen and falls back to the list', () => {
    expect(parseRoute('#/requests')).toEqual({ name: 'conversations', tab: 'requests' })
    expect(parseRoute('#/settings')).toEqual({ name: 'settings' })
    expect(parseRoute('')).toEqual({ name: 'conversations', tab: 'messages' })
    expect(parseRoute('#/conversation/%E0%A4%A')).toEqual({ name: 'conversations', tab: 'messages' })
    expect(parseRoute('#/nowhere')).toEqual({ name: 'conversations', tab: 'messages' })
  })
})
