// Picks the background's secp256k1 backend: libsecp256k1 (WebAssembly, ~6x faster on
// first-contact operations, which dominate a first sync) once its module is fetched, compiled
// and answers a known-answer check; until then, and for good if any of that fails,
// @noble/curves (pure JS, always works). Both produce identical bytes
// (src/protocol/crypto/backend.test.ts), so switching between two calls is safe.
//
// The module is compiled asynchronously, off the wake path: compiling its 1.2 MB inside the
// worker's bundle (as tiny-secp256k1's own loader needs) made every wake about 35 ms slower.
import { secp256k1Backend, setSecp256k1Backend, type Secp256k1Backend } from '../../protocol/crypto/backend.ts'
import { instantiateLibsecp256k1 } from '../../protocol/crypto/libsecp256k1-wasm.ts'

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

/** A short reason without stack or bytes, e.g. "CompileError: WebAssembly.instantiate(): Wasm code generation disallowed". */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200)
  return String(error).slice(0, 200)
}

export interface CryptoBackendLoad {
  /** What runs now (noble while the module loads). */
  info(): CryptoBackendInfo
  /** Settles once the module is installed or has failed; never rejects. */
  ready: Promise<CryptoBackendInfo>
}

/**
 * Starts loading libsecp256k1 from `fetchModule` (the module's bytes) and installs it once it
 * compiled and passed the known-answer check; noble serves meanwhile and after any failure.
 * `instantiate` is the binding (replaceable in tests).
 */
export function loadCryptoBackend(
  fetchModule: () => Promise<BufferSource>,
  instantiate: (bytes: BufferSource) => Promise<Secp256k1Backend> = instantiateLibsecp256k1,
  { waitAtMostMs = 5000 }: { waitAtMostMs?: number } = {},
): CryptoBackendLoad {
  let current: CryptoBackendInfo = { name: secp256k1Backend().name }
  const loading = (async (): Promise<CryptoBackendInfo> => {
    let stage = 'did not load'
    try {
      const bytes = await fetchModule()
      stage = 'did not compile'
      const backend = await instantiate(bytes)
      stage = 'is unusable'
      selfCheck(backend)
      setSecp256k1Backend(backend)
      current = { name: backend.name }
    } catch (error) {
      current = { name: secp256k1Backend().name, fallbackReason: `libsecp256k1 ${stage} (${describeError(error)})` }
    }
    return current
  })()
  // The session waits on `ready`: a load that hangs must not hold it. After the bound it goes on
  // with noble (the load may still finish and switch later; both backends give the same bytes).
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<CryptoBackendInfo>((resolve) => {
    timer = setTimeout(() => resolve({ ...current, fallbackReason: `libsecp256k1 is still loading after ${waitAtMostMs} ms` }), waitAtMostMs)
  })
  const ready = Promise.race([loading, late]).finally(() => clearTimeout(timer))
  return { info: () => current, ready }
}
