// Picks the background's secp256k1 backend at start: libsecp256k1 (WebAssembly, ~6x faster on
// first-contact operations, which dominate a first sync) when its module compiled in this
// worker and answers a known-answer check, otherwise @noble/curves (pure JS, always works).
// Both produce identical bytes (src/protocol/crypto/backend.test.ts), so switching is safe.
import { secp256k1Backend, setSecp256k1Backend, type Secp256k1Backend } from '../../protocol/crypto/backend.ts'
import { wasmOutcome, describeWasmError, type WasmOutcome } from './wasm-outcome.ts'

export interface CryptoBackendInfo {
  /** The backend every secp256k1 operation of this worker runs on. */
  name: string
  /** Set when libsecp256k1 could not be used: why, in a short sentence. */
  fallbackReason?: string
}

// Known answer: 1·G, the generator (SEC 2 §2.4.1), uncompressed.
const ONE = Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0))
const G_HEX =
  '0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798' +
  '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8'

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Throws unless `backend` derives the generator from the scalar 1. */
export function selfCheck(backend: Secp256k1Backend): void {
  if (toHex(backend.getPublicKey(ONE)) !== G_HEX) throw new Error('known-answer check failed (1·G)')
}

/**
 * Installs libsecp256k1 when `outcome` says its module compiled and the self-check passes;
 * otherwise leaves the current (noble) backend and says why. `load` returns the backend object
 * (a function so the caller controls when tiny-secp256k1 is touched).
 */
export function installCryptoBackend(load: () => Secp256k1Backend, outcome: WasmOutcome = wasmOutcome()): CryptoBackendInfo {
  if (outcome.state === 'failed') {
    return { name: secp256k1Backend().name, fallbackReason: `libsecp256k1 did not load (${outcome.reason})` }
  }
  try {
    const backend = load()
    selfCheck(backend)
    setSecp256k1Backend(backend)
    return { name: backend.name }
  } catch (error) {
    return { name: secp256k1Backend().name, fallbackReason: `libsecp256k1 is unusable (${describeWasmError(error)})` }
  }
}
