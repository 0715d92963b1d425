import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CRXJS_IIFE_PATCH, patchSource } from './patch-deps.ts'

const SAMPLE = `output: {
	format: "iife",
	entryFileNames: fileName,
	inlineDynamicImports: true,
	sourcemap
}
rollupOptions: { output: {
	entryFileNames: outputFileName,
	inlineDynamicImports: true
} },`

describe('dependency patches', () => {
  it('drops both inlineDynamicImports options from crxjs and nothing else', () => {
    const patched = patchSource(CRXJS_IIFE_PATCH, SAMPLE)!
    expect(patched.startsWith(CRXJS_IIFE_PATCH.marker)).toBe(true)
    expect(patched).not.toContain('inlineDynamicImports')
    expect(patched.replace(`${CRXJS_IIFE_PATCH.marker}\n`, '').replace(/\s+/g, '')).toBe(SAMPLE.replace(/inlineDynamicImports: true,?/g, '').replace(/\s+/g, ''))
    expect(patchSource(CRXJS_IIFE_PATCH, patched)).toBeUndefined() // idempotent
  })

  it('refuses a crxjs whose options moved, rather than patching blind', () => {
    expect(() => patchSource(CRXJS_IIFE_PATCH, 'inlineDynamicImports: true')).toThrow(/found 1/)
  })

  it('the installed crxjs is patched (npm install / ensure-deps ran the patch)', () => {
    const require = createRequire(import.meta.url)
    const dir = dirname(require.resolve('@crxjs/vite-plugin/package.json'))
    const installed = readFileSync(join(dir, CRXJS_IIFE_PATCH.file), 'utf8')
    expect(installed.startsWith(CRXJS_IIFE_PATCH.marker)).toBe(true)
    expect(installed).not.toContain('inlineDynamicImports')
  })
})
