// Runs the generated loader in a fresh Node module context, as the worker would evaluate it.
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { inlineLoaderSource } from './vite-libsecp256k1.ts'

const libDir = join(dirname(createRequire(import.meta.url).resolve('tiny-secp256k1')), '..')
const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

async function loadLoader(wasm: Uint8Array) {
  const dir = await mkdtemp(join(tmpdir(), 'parley-wasm-loader-'))
  dirs.push(dir)
  const outcome = join(dir, 'outcome.mjs')
  await writeFile(outcome, 'export let seen = "none"\nexport function recordWasmOutcome(e) { seen = e === null ? "loaded" : "failed: " + e.name }\n')
  const loader = join(dir, 'loader.mjs')
  await writeFile(loader, inlineLoaderSource(wasm, libDir, outcome))
  const loaded = await import(pathToFileURL(loader).href)
  const state = await import(pathToFileURL(outcome).href)
  return { exports: loaded.default, seen: state.seen as string }
}

describe('inline libsecp256k1 loader', () => {
  it('compiles the real module synchronously and records success', async () => {
    const { exports, seen } = await loadLoader(readFileSync(join(libDir, 'secp256k1.wasm')))
    expect(seen).toBe('loaded')
    expect(exports.memory.buffer.byteLength).toBeGreaterThan(0)
    expect(typeof exports.PRIVATE_INPUT.value).toBe('number')
    expect(typeof exports.pointFromScalar).toBe('function')
  })

  it('records the failure and returns inert exports when the bytes do not compile', async () => {
    const { exports, seen } = await loadLoader(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]))
    expect(seen).toBe('failed: CompileError')
    expect(exports.memory.buffer.byteLength).toBe(65536)
    expect(exports.HASH_INPUT.value).toBe(0)
    expect(() => exports.sign()).toThrow('libsecp256k1 is not loaded')
  })
})
