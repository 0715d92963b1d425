import { describe, expect, it } from 'vitest'
import { checkNodeUrl } from './node-url.ts'

describe('node URL in Settings', () => {
  it('local nodes need no permission; other hosts do', () => {
    expect(checkNodeUrl('http://127.0.0.1:5555/')).toEqual({ ok: true, url: 'http://127.0.0.1:5555', origin: 'http://127.0.0.1:5555', needsPermission: false })
    expect(checkNodeUrl('http://localhost:9000')).toMatchObject({ ok: true, needsPermission: false })
    expect(checkNodeUrl('https://node.example.org/api/')).toEqual({ ok: true, url: 'https://node.example.org/api', origin: 'https://node.example.org', needsPermission: true })
    expect(checkNodeUrl('https://127.0.0.1:5555')).toMatchObject({ ok: true, needsPermission: true })
  })
  it('rejects what is not a node URL', () => {
    expect(checkNodeUrl('127.0.0.1:5555')).toMatchObject({ ok: false })
    expect(checkNodeUrl('ftp://x.org')).toMatchObject({ ok: false })
    expect(checkNodeUrl('https://u:p@x.org')).toMatchObject({ ok: false })
    expect(checkNodeUrl('https://x.org/?a=1')).toMatchObject({ ok: false })
  })
})
