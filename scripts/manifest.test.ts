import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import pkg from '../package.json' with { type: 'json' }
import { BACKGROUND_ENTRY, buildTarget, checkSharedManifest, GECKO_ID, manifestFor } from './manifest.ts'

const shared = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'))

describe('manifest.json (shared keys)', () => {
  it('asks only for what the features need', () => {
    expect(shared.permissions).toEqual(['storage', 'alarms', 'notifications'])
    expect(shared.host_permissions).toEqual(['http://127.0.0.1/*', 'http://localhost/*'])
    // Other nodes are granted one origin at a time through permissions.request.
    expect(shared.optional_host_permissions).toEqual(['http://*/*', 'https://*/*'])
    expect(JSON.stringify(shared)).not.toContain('<all_urls>')
  })

  it("allows WebAssembly (libsecp256k1) and nothing else beyond 'self' in extension pages", () => {
    expect(shared.content_security_policy.extension_pages).toBe("script-src 'self' 'wasm-unsafe-eval'; object-src 'self'")
  })
})

describe('manifestFor', () => {
  it('gives Chrome a module service worker and the minimum version', () => {
    const chrome = manifestFor('chrome', shared, pkg.version)
    expect(chrome.version).toBe(pkg.version)
    expect(chrome.background).toEqual({ service_worker: BACKGROUND_ENTRY, type: 'module' })
    expect(chrome.minimum_chrome_version).toBe('111')
    expect(chrome.browser_specific_settings).toBeUndefined()
    // Plus "offscreen": the service worker's invitation workers live in an offscreen document.
    expect(chrome.permissions).toEqual([...shared.permissions, 'offscreen'])
  })

  it('gives Firefox a module event page, the gecko id and the data-collection declaration', () => {
    const firefox = manifestFor('firefox', shared, pkg.version)
    expect(firefox.background).toEqual({ scripts: [BACKGROUND_ENTRY], type: 'module' })
    expect(firefox.browser_specific_settings).toMatchObject({ gecko: { id: GECKO_ID, strict_min_version: '140.0' } })
    expect(firefox.minimum_chrome_version).toBeUndefined()
    expect(firefox.content_scripts).toEqual(shared.content_scripts)
    expect(firefox.permissions).toEqual(shared.permissions) // no chrome.offscreen in Firefox
  })

  it('does not change the shared object', () => {
    const before = JSON.stringify(shared)
    manifestFor('firefox', shared, '1.2.3')
    expect(JSON.stringify(shared)).toBe(before)
  })

  it('rejects keys the build owns and malformed input, naming the problem', () => {
    expect(() => checkSharedManifest({ ...shared, version: '1.0' })).toThrow('"version" is set per browser')
    expect(() => checkSharedManifest({ ...shared, background: {} })).toThrow('"background"')
    expect(() => checkSharedManifest({ ...shared, manifest_version: 2 })).toThrow('manifest_version must be 3')
    expect(() => checkSharedManifest({ ...shared, permissions: 'storage' })).toThrow('"permissions" must be a list of strings')
    expect(() => checkSharedManifest([])).toThrow('JSON object')
    expect(() => manifestFor('chrome', shared, 'v1')).toThrow('version must be')
  })

  it('reads the target from TARGET', () => {
    expect(buildTarget({})).toBe('chrome')
    expect(buildTarget({ TARGET: 'firefox' })).toBe('firefox')
    expect(() => buildTarget({ TARGET: 'safari' })).toThrow('TARGET must be')
  })
})
