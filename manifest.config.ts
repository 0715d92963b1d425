// The one manifest source. `TARGET=firefox` yields the Firefox variant, anything else the
// Chrome one; both share every key except how the background is declared and the per-browser
// minimum versions. See ../shared/notes/extension-toolchain.md §1 and §3 for why each key is set.
import { defineManifest } from '@crxjs/vite-plugin'
import pkg from './package.json' with { type: 'json' }

export type BuildTarget = 'chrome' | 'firefox'

export function buildTarget(env: NodeJS.ProcessEnv = process.env): BuildTarget {
  const target = env.TARGET ?? 'chrome'
  if (target !== 'chrome' && target !== 'firefox') {
    throw new RangeError(`TARGET must be "chrome" or "firefox", got "${target}"`)
  }
  return target
}

/** Stable add-on id; Firefox needs it for storage and for the store listing. */
export const GECKO_ID = 'parley@parley-messenger.org'

/** Entry points, relative to the project root (crxjs rewrites them to the built files). */
export const ENTRY = {
  background: 'src/background/index.ts',
  content: 'src/content/index.ts',
  inpage: 'src/inpage/index.ts',
  popup: 'src/popup/index.html',
} as const

const PAGE_MATCHES = ['http://*/*', 'https://*/*']

const ICONS = {
  16: 'icons/icon-16.png',
  32: 'icons/icon-32.png',
  48: 'icons/icon-48.png',
  128: 'icons/icon-128.png',
}

export default defineManifest(() => {
  const target = buildTarget()
  return {
    manifest_version: 3,
    name: 'Parley',
    short_name: 'Parley',
    version: pkg.version,
    description: 'A wallet messenger on the XMTP protocol: chat with any Ethereum address from your toolbar.',
    icons: ICONS,
    action: { default_popup: ENTRY.popup, default_title: 'Parley', default_icon: ICONS },
    // The background will call the local XMTP node (127.0.0.1:5555 by default) with fetch.
    permissions: ['storage'],
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    content_scripts: [
      // Isolated world: relays between the page and the background, nothing else.
      { matches: PAGE_MATCHES, js: [ENTRY.content], run_at: 'document_start' },
      // Page world: defines window.xmtp before the page's first script runs.
      { matches: PAGE_MATCHES, js: [ENTRY.inpage], run_at: 'document_start', world: 'MAIN' },
    ],
    ...(target === 'firefox'
      ? {
          background: { scripts: [ENTRY.background], type: 'module' },
          browser_specific_settings: {
            gecko: {
              id: GECKO_ID,
              // 140 is the first release that understands data_collection_permissions.
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {
          background: { service_worker: ENTRY.background, type: 'module' },
          // 111: first release with world: "MAIN" content scripts declared in the manifest.
          minimum_chrome_version: '111',
        }),
  }
})
