import { describe, expect, it } from 'vitest'
import { backgroundEntry, unreferencedChunks, withClassicBackground } from './classic-background.ts'

describe('classic background build step', () => {
  it('finds the module entry crxjs wrote for either browser', () => {
    expect(backgroundEntry({ background: { service_worker: 'service-worker-loader.js', type: 'module' } })).toBe('service-worker-loader.js')
    expect(backgroundEntry({ background: { scripts: ['service-worker-loader.js'], type: 'module' } })).toBe('service-worker-loader.js')
    expect(() => backgroundEntry({})).toThrow(/no single background entry/)
    expect(() => backgroundEntry({ background: { scripts: ['a.js', 'b.js'] } })).toThrow(/no single background entry/)
  })

  it('points the manifest at the classic script, without type: module, keeping every other key', () => {
    const chrome = withClassicBackground({ name: 'Parley', background: { service_worker: 'loader.js', type: 'module' } }, 'background.js')
    expect(chrome).toEqual({ name: 'Parley', background: { service_worker: 'background.js' } })
    const firefox = withClassicBackground({ name: 'Parley', background: { scripts: ['loader.js'], type: 'module' } }, 'background.js')
    expect(firefox).toEqual({ name: 'Parley', background: { scripts: ['background.js'] } })
  })

  it('drops the chunks only the old loader graph reached, and keeps what pages still import', () => {
    const files = new Map([
      ['manifest.json', '{"action":{"default_popup":"src/popup/index.html"}}'],
      ['src/popup/index.html', '<script type="module" src="/assets/popup-1.js"></script>'],
      ['assets/popup-1.js', 'import "./shared-2.js"; import "./jsx-3.js"'],
      ['assets/shared-2.js', 'export const x = 1'],
      ['assets/jsx-3.js', 'export const h = 1'],
      // The worker chunk (its loader is already removed) and a chunk only it imported.
      ['assets/worker-4.js', 'import "./shared-2.js"; import "./worker-only-5.js"'],
      ['assets/worker-only-5.js', 'export const y = 2'],
      ['background.js', '(function(){})()'],
    ])
    expect(unreferencedChunks(files).sort()).toEqual(['assets/worker-4.js', 'assets/worker-only-5.js'])
  })
})
