// Test-only build: the popup's App over the fake background (src/popup/testing), for
// looking at every screen without a background. Never part of dist/.
import { defineConfig } from 'vite'
import preact from '@preact/preset-vite'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../src/popup/testing/', import.meta.url))

export default defineConfig({
  root,
  publicDir: fileURLToPath(new URL('../../public/', import.meta.url)),
  plugins: [preact()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../output/popup-preview/', import.meta.url)),
    emptyOutDir: true,
    minify: false,
    rollupOptions: { input: `${root}preview.html` },
  },
})
