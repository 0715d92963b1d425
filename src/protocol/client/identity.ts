// Loading or creating the wallet's XMTP identity (spec §5) and keeping its contact
// bundles published (§6), exactly as xmtp-js 13 does it on the wire, so either client
// can restore what the other created and neither republishes what the other wrote.
import { ApiClient, type Authenticator } from '../api/index.ts'
import { createAuthToken } from '../auth/index.ts'
import { toChecksumAddress } from '../crypto/ethereum.ts'
import { PrivateKeyBundleV1, decryptPrivateKeyBundle, encryptPrivateKeyBundle, type Signer } from '../keys/index.ts'
import { privateStoreTopic } from '../topics.ts'
import { ClientError } from './errors.ts'

/** Nanoseconds now (ms precision), as the envelope timestamps of xmtp-js. */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n
}

/**
 * Signs publish auth tokens with the identity key once it is known. Created before the
 * keys exist because a new identity's first publish (its private store) needs a token
 * made from the NEW identity key (§5 step 5).
 */
export class IdentityAuthenticator implements Authenticator {
  #keys: PrivateKeyBundleV1 | undefined

  setKeys(keys: PrivateKeyBundleV1): void {
    this.#keys = keys
  }

  async createToken(): Promise<string> {
    const keys = this.#keys
    if (!keys) throw new ClientError('no-identity', 'no identity yet: cannot authenticate a publish')
    return createAuthToken({
      identityPrivateKey: keys.identityKey.privateKey,
      identityPublicKey: keys.identityKey.publicKey,
      walletAddress: keys.walletAddress,
    })
  }
}

export interface LoadedIdentity {
  keys: PrivateKeyBundleV1
  /** True when this call generated the identity and published its private store. */
  created: boolean
}

/**
 * The wallet's identity from the network (newest privatestore envelope, opened with the
 * wallet's Enable Identity signature), or a new one that is generated and stored.
 * Stored bytes in a legacy layout are re-stored in the current one, as xmtp-js does.
 */
export async function loadOrCreateIdentity(api: ApiClient, auth: IdentityAuthenticator, signer: Signer): Promise<LoadedIdentity> {
  const address = toChecksumAddress(await signer.getAddress())
  const topic = privateStoreTopic(address)
  const [stored] = await api.query({ contentTopic: topic, direction: 'descending', pageSize: 1, limit: 1 })
  if (stored) {
    const opened = await decryptPrivateKeyBundle(stored.message, signer)
    // A wallet that answers for one address but signs with another key must not adopt a foreign identity.
    if (opened.bundle.walletAddress !== address) {
      opened.bundle.destroy()
      throw new ClientError('identity-mismatch', 'the stored identity belongs to a different wallet than the signer reports')
    }
    auth.setKeys(opened.bundle)
    if (opened.needsReStore) await storeIdentity(api, opened.bundle, signer)
    return { keys: opened.bundle, created: false }
  }
  const keys = await PrivateKeyBundleV1.generate(signer)
  auth.setKeys(keys)
  await storeIdentity(api, keys, signer)
  return { keys, created: true }
}

async function storeIdentity(api: ApiClient, keys: PrivateKeyBundleV1, signer: Signer): Promise<void> {
  const message = await encryptPrivateKeyBundle(keys, signer)
  await api.publish([{ contentTopic: privateStoreTopic(keys.walletAddress), timestampNs: nowNs(), message }])
}
