import { describe, expect, it } from 'vitest'
import { canSeeConversation, describeContent, inNamespace, siteNamespace } from './access.ts'
import { permissionsOf, SitePermissions } from './permissions.ts'
import { OriginRateLimiter } from './rate-limit.ts'
import { ALICE, conversation, MemoryStorage } from './testing/fake-context.ts'

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

  it('sendWithoutConfirm comes with send and goes with it, so the two never contradict', async () => {
    const permissions = new SitePermissions(new MemoryStorage())
    expect((await permissions.grant(SITE, ALICE, ['sendWithoutConfirm']))?.scopes).toEqual(['sendWithoutConfirm', 'send'])
    expect((await permissions.revoke(SITE, ALICE, ['sendWithoutConfirm']))?.scopes).toEqual(['send'])
    await permissions.grant(SITE, ALICE, ['sendWithoutConfirm', 'read'])
    expect((await permissions.revoke(SITE, ALICE, ['send']))?.scopes).toEqual(['read'])
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

describe('the namespace rule', () => {
  const grant = { accountAddress: ALICE, scopes: ['read' as const], grantedAt: {}, connectedAt: 0 }
  it("a site's namespace is its origin's host, with the port only when it is not the default", () => {
    expect(siteNamespace('https://App.Example.org')).toBe('app.example.org')
    expect(siteNamespace('https://app.example.org:443')).toBe('app.example.org')
    expect(siteNamespace('http://127.0.0.1:5556')).toBe('127.0.0.1:5556')
    expect(siteNamespace('http://localhost:80')).toBe('localhost')
    expect(() => siteNamespace('null')).toThrow(TypeError)
  })

  it('owns exactly H and H/…, nothing that merely starts like it', () => {
    expect(inNamespace('app.example', 'app.example')).toBe(true)
    expect(inNamespace('app.example', 'app.example/support')).toBe(true)
    expect(inNamespace('app.example', 'APP.example/x/y')).toBe(true)
    expect(inNamespace('app.example', 'app.example.evil/x')).toBe(false)
    expect(inNamespace('app.example', 'app.exampl')).toBe(false)
    expect(inNamespace('app.example', 'evil.app.example/x')).toBe(false)
    expect(inNamespace('app.example', 'x/app.example')).toBe(false)
    expect(inNamespace('127.0.0.1:4001', '127.0.0.1:4002/x')).toBe(false)
    expect(inNamespace('127.0.0.1:4001', '127.0.0.1/x')).toBe(false)
  })

  it('read covers the namespace whoever started it; readAll everything; without read nothing', () => {
    expect(canSeeConversation(SITE, grant, conversation('/t', ALICE, 'app.example/1'))).toBe(true)
    expect(canSeeConversation(SITE, grant, conversation('/t', ALICE, 'app.example'))).toBe(true)
    expect(canSeeConversation(SITE, grant, conversation('/t', ALICE, 'other.example/1'))).toBe(false)
    expect(canSeeConversation(SITE, grant, conversation('/t', ALICE))).toBe(false)
    expect(canSeeConversation('https://other.example', grant, conversation('/t', ALICE, 'app.example/1'))).toBe(false)
    expect(canSeeConversation(SITE, { ...grant, scopes: ['readAll'] }, conversation('/t', ALICE))).toBe(true)
    expect(canSeeConversation(SITE, { ...grant, scopes: ['send'] }, conversation('/t', ALICE, 'app.example/1'))).toBe(false)
    expect(canSeeConversation(SITE, null, conversation('/t', ALICE, 'app.example/1'))).toBe(false)
  })

  it('describes exactly what would be sent, never cut', () => {
    expect(describeContent({ type: 'text', text: 'gm' })).toBe('gm')
    expect(describeContent({ type: 'text', text: 'x'.repeat(2000) })).toHaveLength(2000)
    expect(describeContent({ type: 'attachment', filename: 'a.png', mimeType: 'image/png', dataBase64: 'AAAA' })).toBe('Attachment a.png (image/png, 3 bytes)')
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
