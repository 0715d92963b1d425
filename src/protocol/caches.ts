// Every module-level cache of the crypto layers, cleared in one call.
//
// All of them hold public data only (verified-bundle results, decoded points,
// precomputed multiples of peers' public keys), but they do tell which peers
// this process has talked to, and they make later work faster. Call
// clearCryptoCaches when keys are locked, and before measuring a cold path.
import { clearBundleVerificationMemo } from './keys/bundles.ts'
import { clearVerifiedBundleCache } from './invitations/verified-bundle.ts'
import { clearPreKeyTables } from './invitations/pre-key-verifier.ts'
import { clearPeerPoints } from './crypto/peer-points.ts'

/**
 * Clears the bundle-verification memo (keys/bundles.ts), the invitation
 * layer's verified-bundle views and pre-key signature tables, and the ECDH
 * peer-point tables (crypto/peer-points.ts).
 */
export function clearCryptoCaches(): void {
  clearBundleVerificationMemo()
  clearVerifiedBundleCache()
  clearPreKeyTables()
  clearPeerPoints()
}
