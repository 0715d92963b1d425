import { afterEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { secp256k1Backend, setSecp256k1Backend } from '../../protocol/crypto/backend.ts'
import { nobleBackend } from '../../protocol/crypto/noble-backend.ts'
import { libsecp256k1Backend } from '../../protocol/crypto/libsecp256k1.ts'
import { instantiateLibsecp256k1 } from '../../protocol/crypto/libsecp256k1-wasm.ts'
import { describeError, loadCryptoBackend, selfCheck } from './crypto-backend.ts'

const moduleBytes = () => Promise.resolve(readFileSync(join(createRequire(import.meta.url).resolve('tiny-secp256k1'), '..', '..', 'secp256k1.wasm')))

afterEach(() => {
  setSecp256k1Backend(nobleBackend)
})

describe('loadCryptoBackend', () => {
  it('serves with noble while the module loads, then installs libsecp256k1', async () => {
    const load = loadCryptoBackend(moduleBytes)
    expect(load.info()).toEqual({ name: nobleBackend.name })
    expect(secp256k1Backend()).toBe(nobleBackend)
    expect(await load.ready).toEqual({ name: 'libsecp256k1 (wasm)' })
    expect(load.info()).toEqual({ name: 'libsecp256k1 (wasm)' })
    expect(secp256k1Backend().name).toBe('libsecp256k1 (wasm)')
  })

  it('stays on noble and says why when the module cannot be fetched', async () => {
    const load = loadCryptoBackend(() => Promise.reject(new TypeError('Failed to fetch')))
    expect(await load.ready).toEqual({ name: nobleBackend.name, fallbackReason: 'libsecp256k1 did not load (TypeError: Failed to fetch)' })
    expect(secp256k1Backend()).toBe(nobleBackend)
  })

  it('stays on noble when the bytes do not compile (e.g. a CSP without wasm-unsafe-eval)', async () => {
    const load = loadCryptoBackend(() => Promise.resolve(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9])))
    const info = await load.ready
    expect(info.fallbackReason).toMatch(/^libsecp256k1 did not compile \(CompileError: /)
    expect(secp256k1Backend()).toBe(nobleBackend)
  })

  it('does not hold the session behind a load that hangs: ready settles after the bound, on noble', async () => {
    const load = loadCryptoBackend(() => new Promise<BufferSource>(() => {}), undefined, { waitAtMostMs: 20 })
    expect(await load.ready).toEqual({ name: nobleBackend.name, fallbackReason: 'libsecp256k1 is still loading after 20 ms' })
    expect(secp256k1Backend()).toBe(nobleBackend)
  })

  it('stays on noble when the backend gives a wrong answer', async () => {
    const broken = { ...libsecp256k1Backend, getPublicKey: () => new Uint8Array(65) }
    const load = loadCryptoBackend(moduleBytes, async () => broken)
    expect((await load.ready).fallbackReason).toBe('libsecp256k1 is unusable (Error: known-answer check failed (1·G))')
    expect(secp256k1Backend()).toBe(nobleBackend)
  })
})

describe('selfCheck', () => {
  it('accepts the real backends', async () => {
    expect(() => selfCheck(nobleBackend)).not.toThrow()
    expect(() => selfCheck(libsecp256k1Backend)).not.toThrow()
    const binding = await instantiateLibsecp256k1(await moduleBytes())
    expect(() => selfCheck(binding)).not.toThrow()
  })

  it('describes errors briefly', () => {
    expect(describeError('x'.repeat(500))).toHaveLength(200)
    expect(describeError(new RangeError('bad'))).toBe('RangeError: bad')
  })
})
