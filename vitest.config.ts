import { defineConfig } from 'vitest/config'

// Three layers, each runnable alone:
//  unit     pure code, no processes, no network (src/**/*.test.ts)
//  node     a real node process over HTTP (src/**/*.int.test.ts), and the start script (scripts/**/*.int.test.ts)
//  interop  real @xmtp/xmtp-js 13 clients against our node (**/*.interop.test.ts)
// plus unit-libsecp256k1: the protocol library's unit tests again with the
// libsecp256k1 (WebAssembly) secp256k1 backend installed, as Node hosts run it.
// The node and interop layers run on that backend too; plain `unit` stays on
// the default noble backend, the one the extension bundles.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.interop.test.ts', 'node_modules/**'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'unit-libsecp256k1',
          include: ['src/protocol/**/*.test.ts'],
          // backend.test.ts checks the default backend and drives both itself
          exclude: ['**/*.int.test.ts', '**/*.interop.test.ts', 'src/protocol/crypto/backend.test.ts', 'node_modules/**'],
          environment: 'node',
          setupFiles: ['test/setup/libsecp256k1.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'node',
          include: ['src/**/*.int.test.ts', 'scripts/**/*.int.test.ts'],
          environment: 'node',
          setupFiles: ['test/setup/libsecp256k1.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'interop',
          include: ['src/**/*.interop.test.ts', 'test/**/*.interop.test.ts'],
          environment: 'node',
          setupFiles: ['test/setup/libsecp256k1.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
