// Builds the extension for one browser per run: `vite build` → dist/chrome,
// `TARGET=firefox vite build` → dist/firefox (`npm run build` does both).
import { defineConfig } from 'vite'
import preact from '@preact/preset-vite'
import { crx } from '@crxjs/vite-plugin'
import manifest, { buildTarget, ENTRY } from './manifest.config.ts'
import { preactWithoutInnerHtml } from './scripts/build/preact-without-inner-html.ts'
import { libsecp256k1Asset } from './scripts/vite-libsecp256k1.ts'
import { classicBackground } from './scripts/build/classic-background.ts'

const target = buildTarget()

export default defineConfig({
  plugins: [
    // libsecp256k1's WebAssembly module as a file the worker fetches and compiles at start.
    libsecp256k1Asset(),
    preact(),
    // No innerHTML sink in the bundle (Parley never uses dangerouslySetInnerHTML): web-ext lint clean.
    preactWithoutInnerHtml(),
    crx({
      manifest,
      browser: target,
      // Standalone = emitted as self-contained IIFEs listed straight in the manifest: no async
      // loader, no web-accessible chunks, and the MAIN-world provider exists at document start.
      contentScripts: { standaloneFiles: [ENTRY.content, ENTRY.inpage] },
    }),
    // The background as one classic script: Chromium code-caches it, so a wake compiles less.
    classicBackground(),
  ],
  build: {
    outDir: `dist/${target}`,
    emptyOutDir: true,
    // Minified: the service worker parses its whole bundle on every wake, and half the
    // bytes parse in measurably less time (a stopped worker's first answer: ~125 → ~100 ms
    // median here). Stores review against the source, which this repository is.
    minify: true,
    sourcemap: false,
    target: 'es2022',
    // Extension pages not named in the manifest: the dapp approval window, and Chromium's
    // offscreen document that starts the invitation workers (src/background/offload).
    rollupOptions: { input: { approval: 'src/approval/index.html', offscreen: 'src/offscreen/index.html' } },
  },
  // The invitation worker at a fixed name: Firefox's event page starts it by URL
  // (INVITATION_WORKER_ASSET in src/background/offload/connect.ts).
  worker: { format: 'es', rolldownOptions: { output: { entryFileNames: 'assets/[name].js' } } },
})
