// The libsecp256k1 backend over the WebAssembly module that tiny-secp256k1 2.2 ships
// (lib/secp256k1.wasm), instantiated asynchronously. tiny-secp256k1's own JavaScript reads
// the module's exports while it is imported, so it needs the module compiled synchronously
// before the importing bundle runs; in the extension's service worker that put a 1.2 MB
// compile (and the bytes, inline) on every wake. This binding lets a host fetch and compile
// the module in the background while the noble backend serves, then switch.
//
// The module's ABI (from tiny-secp256k1's lib/index.js): inputs and outputs live in fixed
// buffers inside its memory, whose offsets are exported as globals; functions take lengths
// and flags and return 1 on success. Bad input the module itself detects is reported
// through the imported `throwError(code)`. Every buffer is zeroed after each call, as
// tiny-secp256k1 does, so no key stays in the module's memory.
//
// Inputs arrive checked by secp256k1.ts (lengths, private keys in [1, n−1]); what is left
// is what only the curve can tell, and signature scalars ≥ n, which libsecp256k1's parser
// rejects and callers expect as "does not verify" / "does not recover".
import type { Secp256k1Backend } from './secp256k1-backend.ts'
import { SignatureError } from './errors.ts'

const ERROR_MESSAGES = ['Expected Private', 'Expected Point', 'Expected Tweak', 'Expected Hash', 'Expected Signature', 'Expected Extra Data (32 bytes)', 'Expected Parity (1 | 0)', 'Bad Recovery Id']

/** The module's imports: a seed for its context randomisation, and its error reporter. */
export const LIBSECP256K1_IMPORTS: WebAssembly.Imports = {
  './rand.js': {
    generateInt32: (): number => crypto.getRandomValues(new Int32Array(1))[0]!,
  },
  './validate_error.js': {
    throwError: (code: number): never => {
      throw new TypeError(ERROR_MESSAGES[code] ?? `libsecp256k1 error ${code}`)
    },
  },
}

interface ModuleExports {
  memory: WebAssembly.Memory
  PRIVATE_INPUT: WebAssembly.Global
  PUBLIC_KEY_INPUT: WebAssembly.Global
  TWEAK_INPUT: WebAssembly.Global
  HASH_INPUT: WebAssembly.Global
  SIGNATURE_INPUT: WebAssembly.Global
  isPoint(length: number): number
  pointFromScalar(outputLength: number): number
  pointMultiply(length: number, outputLength: number): number
  signRecoverable(withExtraData: number): number
  verify(length: number, strict: number): number
  recover(outputLength: number, recoveryId: number): number
}

const POINT = 65
// The group order n (SEC 2 §2.4.1): r and s must be below it.
const N = Uint8Array.from([
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
  0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
])
const ZERO = new Uint8Array(32)

function compare32(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1
  return 0
}

const scalarsBelowN = (signature: Uint8Array) => compare32(signature.subarray(0, 32), N) < 0 && compare32(signature.subarray(32), N) < 0
const isUncompressed = (publicKey: Uint8Array) => publicKey.length === POINT && publicKey[0] === 4

function exportsOf(instance: WebAssembly.Instance): ModuleExports {
  const e = instance.exports as unknown as ModuleExports
  const missing = ['memory', 'PRIVATE_INPUT', 'PUBLIC_KEY_INPUT', 'TWEAK_INPUT', 'HASH_INPUT', 'SIGNATURE_INPUT', 'isPoint', 'pointFromScalar', 'pointMultiply', 'signRecoverable', 'verify', 'recover'].filter(
    (name) => !(name in e),
  )
  if (missing.length > 0) throw new TypeError(`not the libsecp256k1 module this binding knows (missing ${missing.join(', ')})`)
  return e
}

/** The backend over an instantiated module (see LIBSECP256K1_IMPORTS). */
export function libsecp256k1Binding(instance: WebAssembly.Instance): Secp256k1Backend {
  const wasm = exportsOf(instance)
  // The fixed buffers, as views of the module's memory. The offsets never change; the views
  // are made again only if the memory grew (which detaches the old ArrayBuffer).
  const offsets = {
    privateKey: wasm.PRIVATE_INPUT.value as number,
    publicKey: wasm.PUBLIC_KEY_INPUT.value as number,
    tweak: wasm.TWEAK_INPUT.value as number,
    hash: wasm.HASH_INPUT.value as number,
    signature: wasm.SIGNATURE_INPUT.value as number,
  }
  let buffer: ArrayBuffer | null = null
  let views: Record<keyof typeof offsets, Uint8Array>
  const view = (name: keyof typeof offsets): Uint8Array => {
    if (wasm.memory.buffer !== buffer) {
      buffer = wasm.memory.buffer
      const make = (offset: number, length: number) => new Uint8Array(buffer!, offset, length)
      views = {
        privateKey: make(offsets.privateKey, 32),
        publicKey: make(offsets.publicKey, POINT),
        tweak: make(offsets.tweak, 32),
        hash: make(offsets.hash, 32),
        signature: make(offsets.signature, 64),
      }
    }
    return views[name]
  }
  const privateInput = () => view('privateKey')
  const publicInput = () => view('publicKey')
  const tweakInput = () => view('tweak')
  const hashInput = () => view('hash')
  const signatureInput = () => view('signature')
  /** Runs `call` and zeroes the given buffers whatever happens. */
  function scrubbed<T>(buffers: Array<() => Uint8Array>, call: () => T): T {
    try {
      return call()
    } finally {
      for (const buffer of buffers) buffer().fill(0)
    }
  }

  const isPoint = (publicKey: Uint8Array): boolean =>
    scrubbed([publicInput], () => {
      publicInput().set(publicKey)
      return wasm.isPoint(publicKey.length) === 1
    })

  return {
    name: 'libsecp256k1 (wasm)',

    isValidPrivateKey: (privateKey) => privateKey.length === 32 && compare32(privateKey, ZERO) > 0 && compare32(privateKey, N) < 0,

    // libsecp256k1 also parses the "hybrid" 0x06/0x07 encoding, which noble and XMTP refuse.
    isValidPublicKey: (publicKey) => isUncompressed(publicKey) && isPoint(publicKey),

    getPublicKey: (privateKey) =>
      scrubbed([privateInput, publicInput], () => {
        privateInput().set(privateKey)
        if (wasm.pointFromScalar(POINT) !== 1) throw new RangeError('privateKey is not a valid secp256k1 scalar')
        return publicInput().slice()
      }),

    // No extra data: libsecp256k1's default nonce is plain RFC 6979 (HMAC-SHA256), the nonce
    // noble derives, and its signatures are always low-S.
    signDigest: (digest, privateKey) =>
      scrubbed([hashInput, privateInput, signatureInput], () => {
        hashInput().set(digest)
        privateInput().set(privateKey)
        const recovery = wasm.signRecoverable(0)
        return { bytes: signatureInput().slice(), recovery }
      }),

    verifyDigest(signature, digest, publicKey) {
      if (!isUncompressed(publicKey) || signature.length !== 64 || !scalarsBelowN(signature)) return false
      try {
        return scrubbed([hashInput, publicInput, signatureInput], () => {
          hashInput().set(digest)
          publicInput().set(publicKey)
          signatureInput().set(signature)
          // strict = 1: a high-S signature is rejected, not normalised (as noble with lowS, and xmtp-js).
          return wasm.verify(POINT, 1) === 1
        })
      } catch {
        return false // a key off the curve
      }
    },

    recoverPublicKey: (digest, signature, recovery) =>
      scrubbed([hashInput, signatureInput, publicInput], () => {
        if (signature.length !== 64 || !scalarsBelowN(signature) || compare32(signature.subarray(0, 32), ZERO) === 0 || compare32(signature.subarray(32), ZERO) === 0) {
          throw new SignatureError('signature does not recover to a public key')
        }
        hashInput().set(digest)
        signatureInput().set(signature)
        if (wasm.recover(POINT, recovery) !== 1) throw new SignatureError('signature does not recover to a public key')
        return publicInput().slice()
      }),

    ecdh: (privateKey, publicKey) =>
      scrubbed([publicInput, tweakInput], () => {
        if (!isUncompressed(publicKey)) throw new RangeError('publicKey is not an uncompressed point')
        publicInput().set(publicKey)
        tweakInput().set(privateKey)
        if (wasm.pointMultiply(POINT, POINT) !== 1) throw new RangeError('publicKey gives a shared point at infinity')
        return publicInput().slice()
      }),
  }
}

/** Compiles and instantiates the module from its bytes (asynchronously: off the caller's path). */
export async function instantiateLibsecp256k1(bytes: BufferSource): Promise<Secp256k1Backend> {
  const { instance } = await WebAssembly.instantiate(bytes, LIBSECP256K1_IMPORTS)
  return libsecp256k1Binding(instance)
}
