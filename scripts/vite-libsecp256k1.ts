// Vite plugin: puts libsecp256k1's WebAssembly module (the one tiny-secp256k1 2.2 ships) into
// the extension as a file of its own, for the background to fetch and compile asynchronously
// at start (src/background/session/crypto-backend.ts, through the binding in
// src/protocol/crypto/libsecp256k1-wasm.ts). Compiling it needs 'wasm-unsafe-eval' in the
// extension pages' CSP (manifest.json).
//
// The bytes used to be inlined and compiled synchronously while the worker's bundle evaluated,
// because tiny-secp256k1's JavaScript reads the module's exports at import; that cost every
// worker wake about 35 ms. The worker no longer imports tiny-secp256k1 at all.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Plugin } from 'vite'
import { LIBSECP256K1_ASSET } from '../src/background/session/libsecp256k1-asset.ts'

/** The module's bytes from the installed tiny-secp256k1. */
export function libsecp256k1ModuleBytes(): Uint8Array {
  const require = createRequire(import.meta.url)
  // The package's exports map has no ./package.json; resolve its CommonJS entry instead.
  return readFileSync(join(dirname(require.resolve('tiny-secp256k1')), '..', 'secp256k1.wasm'))
}

export function libsecp256k1Asset(): Plugin {
  return {
    name: 'parley:libsecp256k1-asset',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: LIBSECP256K1_ASSET, source: libsecp256k1ModuleBytes() })
    },
  }
}
