import { afterEach, describe, expect, it } from 'vitest'
import { secp256k1Backend, setSecp256k1Backend } from '../../protocol/crypto/backend.ts'
import { nobleBackend } from '../../protocol/crypto/noble-backend.ts'
import { libsecp256k1Backend } from '../../protocol/crypto/libsecp256k1.ts'
import { installCryptoBackend, selfCheck } from './crypto-backend.ts'
import { describeWasmError, recordWasmOutcome, wasmOutcome } from './wasm-outcome.ts'

afterEach(() => {
  setSecp256k1Backend(nobleBackend)
})

describe('installCryptoBackend', () => {
  it('installs libsecp256k1 when its module loaded and it passes the known-answer check', () => {
    const info = installCryptoBackend(() => libsecp256k1Backend, { state: 'loaded' })
    expect(info).toEqual({ name: 'libsecp256k1 (wasm)' })
    expect(secp256k1Backend()).toBe(libsecp256k1Backend)
  })

  it('stays on noble and says why when the module did not compile', () => {
    let touched = false
    const info = installCryptoBackend(
      () => {
        touched = true
        return libsecp256k1Backend
      },
      { state: 'failed', reason: 'CompileError: Wasm code generation disallowed by embedder' },
    )
    expect(touched).toBe(false)
    expect(secp256k1Backend()).toBe(nobleBackend)
    expect(info.name).toBe(nobleBackend.name)
    expect(info.fallbackReason).toContain('Wasm code generation disallowed')
  })

  it('stays on noble when the backend gives a wrong answer', () => {
    const broken = { ...libsecp256k1Backend, getPublicKey: () => new Uint8Array(65) }
    const info = installCryptoBackend(() => broken, { state: 'not-bundled' })
    expect(secp256k1Backend()).toBe(nobleBackend)
    expect(info.fallbackReason).toContain('known-answer check failed')
  })

  it('stays on noble when loading throws', () => {
    const info = installCryptoBackend(() => {
      throw new TypeError('no WebAssembly')
    }, { state: 'not-bundled' })
    expect(secp256k1Backend()).toBe(nobleBackend)
    expect(info.fallbackReason).toBe('libsecp256k1 is unusable (TypeError: no WebAssembly)')
  })
})

describe('selfCheck', () => {
  it('accepts both real backends', () => {
    expect(() => selfCheck(nobleBackend)).not.toThrow()
    expect(() => selfCheck(libsecp256k1Backend)).not.toThrow()
  })
})

describe('wasm outcome', () => {
  it('records success and failure with a short reason', () => {
    expect(wasmOutcome()).toEqual({ state: 'not-bundled' })
    recordWasmOutcome(new WebAssembly.CompileError('disallowed'))
    expect(wasmOutcome()).toEqual({ state: 'failed', reason: 'CompileError: disallowed' })
    recordWasmOutcome(null)
    expect(wasmOutcome()).toEqual({ state: 'loaded' })
    expect(describeWasmError('x'.repeat(500))).toHaveLength(200)
  })
})
