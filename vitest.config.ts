import { defineConfig } from 'vitest/config'

// Three layers, each runnable alone:
//  unit     pure code, no processes, no network (src/**/*.test.ts)
//  node     a real node process over HTTP (src/**/*.int.test.ts)
//  interop  real @xmtp/xmtp-js 13 clients against our node (**/*.interop.test.ts)
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.interop.test.ts', 'node_modules/**'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'node',
          include: ['src/**/*.int.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'interop',
          include: ['src/**/*.interop.test.ts', 'test/**/*.interop.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
