import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { PREACT_RAW_HTML_WRITE, RAW_HTML_REFUSAL, stripRawHtml } from './vite-no-raw-html.ts'

const require = createRequire(import.meta.url)

describe('no raw HTML in the pages bundle', () => {
  it("replaces the installed Preact's innerHTML write and leaves other modules alone", () => {
    const path = require.resolve('preact').replace(/preact\.js$/, 'preact.mjs')
    const code = readFileSync(path, 'utf8')
    const out = stripRawHtml(code, path)
    expect(out).not.toBeNull()
    expect(out).not.toContain(PREACT_RAW_HTML_WRITE)
    expect(out).toContain(RAW_HTML_REFUSAL)
    expect(out?.match(/\.innerHTML\s*=[^=]/g) ?? []).toEqual([])
    expect(stripRawHtml('x.innerHTML=y', '/src/popup/App.tsx')).toBeNull()
  })

  it('stops the build when Preact changes shape', () => {
    expect(() => stripRawHtml('export const nothing = 1', '/node_modules/preact/dist/preact.mjs')).toThrow(/update the pattern/)
  })
})
