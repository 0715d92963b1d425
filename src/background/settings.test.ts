import { describe, expect, it } from 'vitest'
import { MemoryStorageArea } from './testing/memory-storage.ts'
import { DEFAULT_SETTINGS, normalizeNodeUrl, originPattern, Settings } from './settings.ts'

function settings(granted: string[] = []) {
  const local = new MemoryStorageArea()
  const asked: string[] = []
  const s = new Settings({
    local,
    hasHostPermission: async (pattern) => {
      asked.push(pattern)
      return granted.includes(pattern)
    },
  })
  return { s, local, asked }
}

describe('Settings', () => {
  it('starts from the defaults and persists updates', async () => {
    const { s, local } = settings()
    expect(await s.get()).toEqual(DEFAULT_SETTINGS)
    await s.update({ autoLockMinutes: 5, notifications: false })
    expect(local.items.get('settings')).toEqual({ ...DEFAULT_SETTINGS, autoLockMinutes: 5, notifications: false })
    const again = new Settings({ local, hasHostPermission: async () => false })
    expect((await again.get()).autoLockMinutes).toBe(5)
  })

  it('read receipts are on by default and can be switched off', async () => {
    const { s } = settings()
    expect((await s.get()).readReceipts).toBe(true)
    expect((await s.update({ readReceipts: false })).readReceipts).toBe(false)
  })

  it('needs the host permission for a node on a new origin, and stores nothing without it', async () => {
    const { s, local, asked } = settings(['https://node.example/*'])
    await expect(s.update({ nodeUrl: 'https://other.example' })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('no permission to reach https://other.example') })
    expect(local.items.size).toBe(0)
    const next = await s.update({ nodeUrl: 'https://node.example/' })
    expect(next.nodeUrl).toBe('https://node.example')
    expect(asked).toEqual(['https://other.example/*', 'https://node.example/*'])
  })

  it('tells listeners the new and previous values', async () => {
    const { s } = settings(['http://127.0.0.1/*'])
    const seen: string[] = []
    s.onChange((next, previous) => seen.push(`${previous.nodeUrl} → ${next.nodeUrl}`))
    await s.update({ nodeUrl: 'http://127.0.0.1:4000' })
    expect(seen).toEqual(['http://127.0.0.1:5555 → http://127.0.0.1:4000'])
  })

  it('ignores a malformed stored record', async () => {
    const { s, local } = settings()
    local.items.set('settings', { nodeUrl: 7, autoLockMinutes: -1, notifications: 'yes' })
    expect(await s.get()).toEqual(DEFAULT_SETTINGS)
  })
})

describe('normalizeNodeUrl', () => {
  it('keeps http(s) URLs without a trailing slash', () => {
    expect(normalizeNodeUrl(' http://127.0.0.1:5555/ ')).toBe('http://127.0.0.1:5555')
    expect(normalizeNodeUrl('https://node.example/api/')).toBe('https://node.example/api')
    expect(originPattern('https://node.example/api')).toBe('https://node.example/*')
    expect(originPattern('http://127.0.0.1:4000')).toBe('http://127.0.0.1/*')
  })

  it('refuses what the message API client cannot use', () => {
    expect(() => normalizeNodeUrl('not a url')).toThrow('is not a URL')
    expect(() => normalizeNodeUrl('ftp://x')).toThrow('http:// or https://')
    expect(() => normalizeNodeUrl('http://u:p@x')).toThrow('user name or password')
    expect(() => normalizeNodeUrl('http://x/?a=1')).toThrow('query or fragment')
  })
})
