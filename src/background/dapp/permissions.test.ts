import { describe, expect, it } from 'vitest'
import { canSeeConversation, previewOf } from './access.ts'
import { permissionsOf, SitePermissions } from './permissions.ts'
import { OriginRateLimiter } from './rate-limit.ts'
import { ALICE, conversation, MemoryStorage } from './test-support/fake-context.ts'

const SITE = 'https://app.example'

describe('SitePermissions', () => {
  it('keeps concurrent grants (writes are serialised) and one storage key per origin', async () => {
    const storage = new MemoryStorage()
    const permissions = new SitePermissions(storage, () => 42)
    await Promise.all([permissions.grant(SITE, ALICE, ['read']), permissions.grant(SITE, ALICE, ['send']), permissions.grant('https://b.example', ALICE, ['stream'])])
    expect((await permissions.get(SITE, ALICE))?.scopes.sort()).toEqual(['read', 'send'])
    expect([...storage.items.keys()].sort()).toEqual(['dapp/site/https://app.example', 'dapp/site/https://b.example'])
    expect(await permissions.get(SITE, ALICE.toUpperCase().replace('0X', '0x'))).not.toBeNull()
  })

  it('disconnects a site whose last scope is revoked, and removes its key', async () => {
    const storage = new MemoryStorage()
    const permissions = new SitePermissions(storage)
    const changes: string[] = []
    permissions.onChange((origin) => changes.push(origin))
    await permissions.grant(SITE, ALICE, ['read', 'send'])
    expect(await permissions.revoke(SITE, ALICE, ['read'])).toMatchObject({ scopes: ['send'] })
    expect(await permissions.revoke(SITE, ALICE, ['send'])).toBeNull()
    expect(storage.items.size).toBe(0)
    expect(changes).toEqual([SITE, SITE, SITE])
  })

  it('gives EIP-2255 permission objects', async () => {
    const permissions = new SitePermissions(new MemoryStorage(), () => 7)
    const grant = await permissions.grant(SITE, ALICE, ['stream'])
    expect(permissionsOf(SITE, grant)).toEqual([
      { invoker: SITE, parentCapability: 'stream', caveats: [{ type: 'restrictReturnedAccounts', value: [ALICE] }], date: 7 },
    ])
    expect(permissionsOf(SITE, null)).toEqual([])
  })
})

describe('access rules', () => {
  const grant = { accountAddress: ALICE, scopes: ['read' as const], grantedAt: {}, connectedAt: 0, conversationIds: ['mine/1'] }
  it('read covers only recorded conversationIds; readAll everything; no read nothing', () => {
    expect(canSeeConversation(grant, conversation('/t', ALICE, 'mine/1'))).toBe(true)
    expect(canSeeConversation(grant, conversation('/t', ALICE, 'theirs/1'))).toBe(false)
    expect(canSeeConversation(grant, conversation('/t', ALICE))).toBe(false)
    expect(canSeeConversation({ ...grant, scopes: ['readAll'] }, conversation('/t', ALICE))).toBe(true)
    expect(canSeeConversation({ ...grant, scopes: ['send'] }, conversation('/t', ALICE, 'mine/1'))).toBe(false)
    expect(canSeeConversation(null, conversation('/t', ALICE, 'mine/1'))).toBe(false)
  })

  it('previews exactly what would be sent, clipped', () => {
    expect(previewOf({ type: 'text', text: 'gm' })).toBe('gm')
    expect(previewOf({ type: 'text', text: 'x'.repeat(1000) })).toHaveLength(281)
    expect(previewOf({ type: 'attachment', filename: 'a.png', mimeType: 'image/png', dataBase64: 'AAAA' })).toBe('Attachment a.png (image/png, 3 bytes)')
  })
})

describe('OriginRateLimiter', () => {
  it('allows a burst, refills over time, and tracks origins apart', () => {
    let now = 0
    const limiter = new OriginRateLimiter({ capacity: 2, refillPerSecond: 1, now: () => now })
    limiter.take('a')
    limiter.take('a')
    expect(() => limiter.take('a')).toThrow(expect.objectContaining({ code: -32005 }))
    limiter.take('b')
    now = 1000
    limiter.take('a')
    expect(() => limiter.take('a')).toThrow(expect.objectContaining({ code: -32005 }))
  })
})
