// The async libsecp256k1 binding's own promises (that it gives the same bytes as noble is
// backend.test.ts's job): no key stays in the module's memory, and a module it does not
// know is refused with a clear error rather than misread.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { LIBSECP256K1_IMPORTS, libsecp256k1Binding } from './libsecp256k1-wasm.ts'
import { nobleBackend } from './noble-backend.ts'
import { randomBytes } from './random.ts'

const bytes = readFileSync(join(createRequire(import.meta.url).resolve('tiny-secp256k1'), '..', '..', 'secp256k1.wasm'))

/** Whether `needle` occurs anywhere in `haystack`. */
function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

describe('libsecp256k1 binding', () => {
  it('leaves no private key, digest or shared secret in the module memory after each call', async () => {
    const { instance } = await WebAssembly.instantiate(bytes, LIBSECP256K1_IMPORTS)
    const backend = libsecp256k1Binding(instance)
    const memory = () => new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer)
    const privateKey = Uint8Array.from(randomBytes(32), (b, i) => (i === 0 ? 0x11 : b))
    const digest = randomBytes(32)
    const peer = nobleBackend.getPublicKey(Uint8Array.from(randomBytes(32), (b, i) => (i === 0 ? 0x22 : b)))
    const publicKey = backend.getPublicKey(privateKey)
    const signature = backend.signDigest(digest, privateKey)
    const shared = backend.ecdh(privateKey, peer)
    expect(backend.verifyDigest(signature.bytes, digest, publicKey)).toBe(true)
    expect(backend.recoverPublicKey(digest, signature.bytes, signature.recovery as 0 | 1)).toEqual(publicKey)
    expect(shared).toEqual(nobleBackend.ecdh(privateKey, peer))
    for (const secret of [privateKey, digest, shared.subarray(1, 33)]) expect(contains(memory(), secret)).toBe(false)
  })

  it('refuses an instance that is not the module it knows', async () => {
    // The smallest valid module: no exports at all.
    const empty = await WebAssembly.instantiate(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]))
    expect(() => libsecp256k1Binding(empty.instance)).toThrow(/not the libsecp256k1 module this binding knows \(missing memory, /)
  })
})
