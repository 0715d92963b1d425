// Verified-token cache. Verifying a token costs two secp256k1 operations (a few ms); xmtp-js
// reuses one token for up to an hour, so the node verifies each token once and afterwards only
// re-checks its age. Verification depends on nothing but the token bytes and the clock, so a
// cached answer is the answer verification would give; failures are never cached.

import type { TokenVerifier } from './auth.ts'

export interface VerifiedToken {
  walletAddress: string
  createdNs: bigint
}

export function cachingVerifier(
  verifyDetailed: (token: string, nowNs: bigint) => VerifiedToken,
  options: { maxAgeNs: bigint; maxEntries?: number },
): TokenVerifier & { readonly size: number } {
  const maxEntries = options.maxEntries ?? 10_000
  const cache = new Map<string, VerifiedToken>()
  const verify = (token: string, nowNs: bigint): string => {
    const hit = cache.get(token)
    if (hit && nowNs - hit.createdNs <= options.maxAgeNs) return hit.walletAddress
    // A miss, or an entry that has aged out: the full check gives the exact error.
    cache.delete(token)
    const verified = verifyDetailed(token, nowNs)
    cache.set(token, { walletAddress: verified.walletAddress, createdNs: verified.createdNs })
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string)
    return verified.walletAddress
  }
  Object.defineProperty(verify, 'size', { get: () => cache.size })
  return verify as TokenVerifier & { readonly size: number }
}
