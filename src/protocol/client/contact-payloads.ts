// The client's view of a peer's contact (spec §6, §7): the V2 form for invitations, the
// legacy form (when the keys allow it) for V1 messages, and whether the newest bundle is
// legacy (then xmtp-js 13 still starts V1 conversations). Built on src/protocol/contacts.
import type { Envelope } from '../api/index.ts'
import { contactLegacyBundle, selectContact, type VerifiedContact } from '../contacts/index.ts'
import { signedBundleFromLegacy, type CompleteLegacyBundle, type CompleteSignedBundle } from '../keys/index.ts'

export interface PeerContact {
  address: string
  /** The newest valid bundle on the topic is a legacy (V1) one: V1 conversations apply (§7). */
  newestIsLegacy: boolean
  /** The V2 (signed) form, converted from legacy when needed (§3.5). */
  signed: CompleteSignedBundle
  /** The legacy form, when the keys are legacy-origin (needed for V1 messages). */
  legacy: CompleteLegacyBundle | undefined
}

function toPeerContact(contact: VerifiedContact): PeerContact {
  let legacy: CompleteLegacyBundle | undefined
  try {
    legacy = contactLegacyBundle(contact)
  } catch {
    legacy = undefined // a natively signed V2 key has no legacy form
  }
  return {
    address: contact.walletAddress,
    newestIsLegacy: contact.version === 'v1',
    signed: contact.version === 'v2' ? contact.bundle : signedBundleFromLegacy(contact.bundle),
    legacy,
  }
}

/** The newest valid contact of `address` among envelopes ordered newest first. */
export function chooseContact(envelopesNewestFirst: Envelope[], address: string): PeerContact | undefined {
  const contact = selectContact(
    envelopesNewestFirst.map((e) => e.message),
    address,
  )
  return contact ? toPeerContact(contact) : undefined
}
