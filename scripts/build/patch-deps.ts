// Exact fixes to installed dependencies, applied after every install (package.json postinstall)
// and by scripts/ensure-deps.sh. Each names the version it fits; it is idempotent; and it writes a
// new file (temp + rename) rather than editing in place, so a node_modules tree of hard links
// shared with other checkouts is never changed underneath them.
//
// @crxjs/vite-plugin 3.0.0 builds standalone content scripts as IIFEs and passes rolldown
// `inlineDynamicImports: true` as well; Vite 8 already sets `codeSplitting: false` for IIFE
// output (which inlines dynamic imports), so rolldown ignores the option and prints a warning on
// every build. Dropping the redundant option changes no output byte and silences the warning.

import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export interface DependencyPatch {
  pkg: string
  version: string
  /** Inside the package. */
  file: string
  /** Marker written at the top of the patched file. */
  marker: string
  apply(source: string): string
}

export const CRXJS_IIFE_PATCH: DependencyPatch = {
  pkg: '@crxjs/vite-plugin',
  version: '3.0.0',
  file: 'dist/index.mjs',
  marker: '/* parley: patched by scripts/build/patch-deps.ts (a redundant IIFE bundling option removed) */',
  apply(source) {
    const found = source.match(/\binlineDynamicImports: true,?/g)?.length ?? 0
    if (found !== 2) throw new Error(`expected 2 inlineDynamicImports options in @crxjs/vite-plugin, found ${found}`)
    return source.replace(/\binlineDynamicImports: true,?/g, '')
  },
}

export const PATCHES = [CRXJS_IIFE_PATCH]

export type PatchOutcome = 'patched' | 'already patched' | 'skipped: other version'

/** The patched text, or undefined when the text already carries the marker. */
export function patchSource(patch: DependencyPatch, source: string): string | undefined {
  if (source.startsWith(patch.marker)) return undefined
  return `${patch.marker}\n${patch.apply(source)}`
}

export function applyPatch(patch: DependencyPatch, root = process.cwd()): PatchOutcome {
  const require = createRequire(join(root, 'package.json'))
  const pkgDir = dirname(require.resolve(`${patch.pkg}/package.json`))
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }
  if (version !== patch.version) return 'skipped: other version'
  const file = join(pkgDir, patch.file)
  const patched = patchSource(patch, readFileSync(file, 'utf8'))
  if (patched === undefined) return 'already patched'
  const temp = `${file}.parley-${process.pid}`
  writeFileSync(temp, patched)
  renameSync(temp, file)
  return 'patched'
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const patch of PATCHES) {
    try {
      const outcome = applyPatch(patch)
      if (outcome === 'skipped: other version') {
        process.stderr.write(`note: ${patch.pkg} is not ${patch.version}; its patch in scripts/build/patch-deps.ts was not applied (update or drop it)\n`)
      }
    } catch (err) {
      process.stderr.write(`warning: could not patch ${patch.pkg}: ${err instanceof Error ? err.message : String(err)}\n`)
    }
  }
}
