// Contact bundles (spec §6): what a client publishes on contact-<address> and
// how readers pick the one to trust.
import { xmtp } from '../../gen/proto.js'
import { toChecksumAddress } from '../crypto/ethereum.ts'
import {
  legacyBundleFromSigned,
  requireLegacyBundle,
  requireSignedBundle,
  signedBundlesEqual,
  verifyLegacyBundle,
  verifySignedBundle,
  type CompleteLegacyBundle,
  type CompleteSignedBundle,
} from '../keys/bundles.ts'
import { PrivateKeyBundleV1 } from '../keys/private-bundle.ts'
import { ReasonError } from '../utils/errors.ts'

const pb = xmtp.message_contents

/** A decoded contact: the legacy (v1, or a bare PublicKeyBundle) or signed (v2) public bundle. */
export type Contact = { version: 'v1'; bundle: CompleteLegacyBundle } | { version: 'v2'; bundle: CompleteSignedBundle }

/** A contact that verified, with the EIP-55 wallet it speaks for. */
export type VerifiedContact = Contact & { walletAddress: string }

/** A contact payload could not be decoded. */
export class ContactBundleError extends ReasonError<'malformed'> {
  override readonly name = 'ContactBundleError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('malformed', message, options)
  }
}

function ownPublicBundles(own: PrivateKeyBundleV1): { legacy: CompleteLegacyBundle; signed: CompleteSignedBundle } {
  if (!(own instanceof PrivateKeyBundleV1)) throw new TypeError('bundle must be a PrivateKeyBundleV1')
  return { legacy: own.getPublicKeyBundle(), signed: own.getSignedPublicKeyBundle() }
}

/** `ContactBundle{v1{PublicKeyBundle}}` — the legacy payload, published first. */
export function encodeContactBundleV1(own: PrivateKeyBundleV1): Uint8Array {
  return pb.ContactBundle.encode({ v1: { keyBundle: ownPublicBundles(own).legacy } }).finish()
}

/** `ContactBundle{v2{SignedPublicKeyBundle}}` — derived from the legacy bundle per §3.5, published second. */
export function encodeContactBundleV2(own: PrivateKeyBundleV1): Uint8Array {
  return pb.ContactBundle.encode({ v2: { keyBundle: ownPublicBundles(own).signed } }).finish()
}

/** Both payloads in publish order (two separate Publish calls, §6). */
export function contactPayloads(own: PrivateKeyBundleV1): [v1: Uint8Array, v2: Uint8Array] {
  return [encodeContactBundleV1(own), encodeContactBundleV2(own)]
}

/**
 * Decodes a contact payload: a `ContactBundle`, or — when that does not parse —
 * a bare `PublicKeyBundle` (the oldest clients). Neither arm → ContactBundleError.
 */
export function decodeContactBundle(bytes: Uint8Array): Contact {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
  let first: unknown
  try {
    const contact = pb.ContactBundle.decode(bytes)
    if (contact.v2?.keyBundle) return { version: 'v2', bundle: requireSignedBundle(contact.v2.keyBundle, 'contact bundle') }
    if (contact.v1?.keyBundle) return { version: 'v1', bundle: requireLegacyBundle(contact.v1.keyBundle, 'contact bundle') }
    first = new ContactBundleError('contact bundle has neither a v1 nor a v2 key bundle')
  } catch (error) {
    first = error
  }
  // A bare PublicKeyBundle's fields 1/2 land on the ContactBundle oneof arms and
  // either fail to parse or come out incomplete, so fall back to the bare layout.
  try {
    return { version: 'v1', bundle: requireLegacyBundle(pb.PublicKeyBundle.decode(bytes), 'contact bundle') }
  } catch {
    if (first instanceof ContactBundleError) throw first
    throw new ContactBundleError('contact payload is neither a ContactBundle nor a PublicKeyBundle', { cause: first })
  }
}

/** Verifies a contact (pre-key signature and wallet signature); returns it with its wallet, or throws KeyBundleError. */
export function verifyContact(contact: Contact): VerifiedContact {
  const walletAddress = contact.version === 'v2' ? verifySignedBundle(contact.bundle) : verifyLegacyBundle(contact.bundle)
  return { ...contact, walletAddress }
}

/**
 * Picks the contact to trust for `address` from payloads ordered newest first:
 * the first that decodes and verifies to that address (case-insensitive compare).
 * Undecodable or foreign payloads are skipped; undefined when none qualifies.
 */
export function selectContact(payloadsNewestFirst: Iterable<Uint8Array>, address: string): VerifiedContact | undefined {
  const wanted = toChecksumAddress(address).toLowerCase()
  for (const payload of payloadsNewestFirst) {
    try {
      const verified = verifyContact(decodeContactBundle(payload))
      if (verified.walletAddress.toLowerCase() === wanted) return verified
    } catch {
      // not a usable contact for this address: keep looking at older ones
    }
  }
  return undefined
}

/** The legacy bundle to send V1 messages to a contact (a V2 contact converts back only if legacy-origin). */
export function contactLegacyBundle(contact: Contact): CompleteLegacyBundle {
  return contact.version === 'v1' ? contact.bundle : legacyBundleFromSigned(contact.bundle)
}

/**
 * Whether our own contact must be (re)published (§6): false only when the newest
 * payload that verifies to our address is a V2 bundle equal to ours.
 */
export function needsPublish(own: PrivateKeyBundleV1, existingNewestFirst: Iterable<Uint8Array>): boolean {
  const current = selectContact(existingNewestFirst, own.walletAddress)
  return !(current?.version === 'v2' && signedBundlesEqual(current.bundle, own.getSignedPublicKeyBundle()))
}
