// Where the build puts libsecp256k1's WebAssembly module in the extension (scripts/vite-libsecp256k1.ts
// emits it; the worker fetches it at start, crypto-backend.ts). One name for both sides.
export const LIBSECP256K1_ASSET = 'assets/libsecp256k1.wasm'
