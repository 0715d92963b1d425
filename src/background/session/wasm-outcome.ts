// Whether the libsecp256k1 WebAssembly module compiled in this realm. The build's inline loader
// (scripts/vite-libsecp256k1.ts) records the outcome here while tiny-secp256k1 is being
// imported; crypto-backend.ts reads it to pick the backend. In Node nothing records anything
// (tiny-secp256k1 loads its .wasm from disk there) and the outcome stays 'not-bundled'.

export type WasmOutcome = { state: 'not-bundled' } | { state: 'loaded' } | { state: 'failed'; reason: string }

let outcome: WasmOutcome = { state: 'not-bundled' }

export function recordWasmOutcome(error: unknown): void {
  outcome = error === null || error === undefined ? { state: 'loaded' } : { state: 'failed', reason: describeWasmError(error) }
}

export function wasmOutcome(): WasmOutcome {
  return outcome
}

/** A short reason without stack or bytes, e.g. "CompileError: WebAssembly.Module(): Wasm code generation disallowed". */
export function describeWasmError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200)
  return String(error).slice(0, 200)
}
