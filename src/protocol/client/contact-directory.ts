// Peers' contact bundles (spec §6): lookups with a per-client cache, many peers in one
// batch query, and publishing our own bundles the way xmtp-js does (legacy V1 bundle,
// then the derived V2 bundle, in two publishes; nothing when the newest valid bundle on
// the topic already equals ours).
import { SortDirection, type ApiClient, type QueryRequest } from '../api/index.ts'
import { toChecksumAddress } from '../crypto/ethereum.ts'
import type { PrivateKeyBundleV1 } from '../keys/index.ts'
import { contactTopic } from '../topics.ts'
import { contactPayloads, needsPublish } from '../contacts/index.ts'
import { chooseContact, type PeerContact } from './contact-payloads.ts'
import { nowNs } from './identity.ts'

export type { PeerContact }

/** xmtp-js reads the 5 newest envelopes of a contact topic (§6, §12.8). */
const CONTACT_PAGE = 5

function contactQuery(address: string): QueryRequest {
  return { contentTopics: [contactTopic(address)], pagingInfo: { limit: CONTACT_PAGE, direction: SortDirection.SORT_DIRECTION_DESCENDING } }
}

export class ContactDirectory {
  readonly #api: ApiClient
  /** Found contacts only: a peer without one may publish later. */
  readonly #cache = new Map<string, PeerContact>()

  constructor(api: ApiClient) {
    this.#api = api
  }

  /** The newest valid contact of `address` (EIP-55), or undefined when it has none. */
  async get(address: string): Promise<PeerContact | undefined> {
    const [contact] = await this.getMany([address])
    return contact
  }

  /** Contacts of several addresses, looked up in batch queries (50 per request). */
  async getMany(addresses: string[]): Promise<Array<PeerContact | undefined>> {
    const normalised = addresses.map((a) => toChecksumAddress(a))
    const missing = [...new Set(normalised.filter((a) => !this.#cache.has(a)))]
    if (missing.length > 0) {
      const responses = await this.#api.batchQuery(missing.map(contactQuery))
      missing.forEach((address, i) => {
        const contact = chooseContact(responses[i]?.envelopes ?? [], address)
        if (contact) this.#cache.set(address, contact)
      })
    }
    return normalised.map((a) => this.#cache.get(a))
  }

  /** Forgets a cached contact (e.g. after a decryption failure that may mean the peer rotated keys). */
  forget(address: string): void {
    this.#cache.delete(toChecksumAddress(address))
  }
}

/** Publishes our contact bundles unless the newest valid one on the topic is already ours (§6). */
export async function publishContactsIfNeeded(api: ApiClient, keys: PrivateKeyBundleV1): Promise<boolean> {
  const topic = contactTopic(keys.walletAddress)
  const page = await api.queryPage(contactQuery(keys.walletAddress))
  if (!needsPublish(keys, page.envelopes.map((e) => e.message))) return false
  const [legacy, signed] = contactPayloads(keys)
  // Two publishes, legacy first, as xmtp-js does (readers take the newest valid one).
  const legacyNs = nowNs()
  await api.publish([{ contentTopic: topic, timestampNs: legacyNs, message: legacy }])
  // Strictly later, so the V2 bundle is the newest even within one millisecond.
  const signedNs = nowNs() > legacyNs ? nowNs() : legacyNs + 1_000_000n
  await api.publish([{ contentTopic: topic, timestampNs: signedNs, message: signed }])
  return true
}
