// The manifest crxjs builds from: the top-level manifest.json (the keys both browsers share)
// turned into one browser's manifest by scripts/manifest.ts (TARGET=chrome|firefox).
import type { ManifestV3Export } from '@crxjs/vite-plugin'
import { readFileSync } from 'node:fs'
import pkg from './package.json' with { type: 'json' }
import { buildTarget, manifestFor } from './scripts/manifest.ts'

export { buildTarget, GECKO_ID, type BuildTarget } from './scripts/manifest.ts'

/** Entry points, relative to the project root (crxjs rewrites them to the built files). */
export const ENTRY = {
  background: 'src/background/index.ts',
  content: 'src/content/index.ts',
  inpage: 'src/inpage/index.ts',
  popup: 'src/popup/index.html',
} as const

/** Read when crxjs asks for it, so a build always sees the manifest.json on disk. */
const manifest = (() => {
  const shared: unknown = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8'))
  return manifestFor(buildTarget(), shared, pkg.version)
}) as unknown as ManifestV3Export

export default manifest
