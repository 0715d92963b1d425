// The seam between XMTP's secp256k1 rules (secp256k1.ts: input checks,
// labelled errors, the 65-byte / low-S / RFC 6979 conventions of spec §3.4,
// §4.1, §17) and the code that does the curve arithmetic.
//
// Why two backends:
//  - noble (noble-backend.ts, the default): @noble/curves, pure JavaScript,
//    blinded scalar multiplication. It runs everywhere with no setup, which is
//    what an MV3 service worker needs from a library it bundles.
//  - libsecp256k1 (libsecp256k1.ts, opt-in): tiny-secp256k1, which is Bitcoin
//    Core's libsecp256k1 — the reference implementation, constant-time signing
//    and ECDH — compiled to WebAssembly. Measured on our 2-core machine it is
//    5-20x faster per operation (ECDH 0.15 ms vs 1.6 ms), which is what brings
//    first contact with a new peer under xmtp-js's time. Node hosts (the XMTP
//    node, the benchmarks, the node/interop tests) install it at start.
//
// Both produce the same bytes: RFC 6979 nonces with no extra entropy (the
// private key store's secret is a wallet signature, so a signature must be
// byte-identical whoever computes it), low-S, recovery 0|1, uncompressed
// points; a unit test cross-checks them on random keys and on bad input.
//
// The extension's background runs the same compiled libsecp256k1 without tiny-secp256k1's
// JavaScript, which compiles the module synchronously at import: libsecp256k1-wasm.ts binds
// an instance the worker compiles asynchronously from a file of the build
// (scripts/vite-libsecp256k1.ts, 'wasm-unsafe-eval' in the CSP), and the background installs
// it after a known-answer check, noble serving until then (src/background/session/crypto-backend.ts).
// Nothing under src/protocol imports tiny-secp256k1 except libsecp256k1.ts, so bundles that
// never import that module stay pure JavaScript.
import { nobleBackend } from './noble-backend.ts'
import type { Secp256k1Backend } from './secp256k1-backend.ts'

export type { Secp256k1Backend }

let current: Secp256k1Backend = nobleBackend

/** The backend secp256k1.ts currently dispatches to (noble unless a host installed another). */
export function secp256k1Backend(): Secp256k1Backend {
  return current
}

/**
 * Installs the backend for every later secp256k1 operation in this realm and
 * returns the previous one (so tests can restore it). Hosts call this once at
 * start, before any key is used.
 */
export function setSecp256k1Backend(backend: Secp256k1Backend): Secp256k1Backend {
  const required = ['isValidPrivateKey', 'isValidPublicKey', 'getPublicKey', 'signDigest', 'verifyDigest', 'recoverPublicKey', 'ecdh'] as const
  if (backend === null || typeof backend !== 'object' || typeof backend.name !== 'string') {
    throw new TypeError('backend must be a Secp256k1Backend')
  }
  for (const method of required) {
    if (typeof backend[method] !== 'function') throw new TypeError(`backend.${method} must be a function`)
  }
  const previous = current
  current = backend
  return previous
}
