// V2 conversations from the invite topic (spec §8.4, §8.5): each sealed invitation is
// opened on its own (a failure is reported and skipped, never thrown); an invitation
// whose consent proof our own wallet signed marks the inviter for an automatic allow.
// A listing's pages are opened through `openInvitations` (invitations/batch-opener.ts): on
// this thread by default, elsewhere when the application passes its own opener.
import type { Envelope } from '../api/index.ts'
import { openInvitationsInThread, type InvitationOpener, type InvitationOutcome } from '../invitations/batch-opener.ts'
import { verifyConsentProof } from '../invitations/invitation.ts'
import { SharedSecretCache } from '../invitations/shared-secrets.ts'
import { isValidTopic } from '../topics.ts'
import type { ConversationDeps } from './deps.ts'
import type { ConversationRecord } from './conversation-index.ts'
import { EnvelopeSkippedError } from './errors.ts'

export class V2Listing {
  readonly #deps: ConversationDeps
  /** 3DH secrets per peer bundle (shared with sealing); key-derived material, cleared on close. */
  readonly secrets = new SharedSecretCache()
  /** Inviters whose invitation carried a valid consent proof (§8.5), not yet acted on. */
  readonly #provenInviters = new Set<string>()
  /** Opens a page of invitations (ClientOptions.openInvitations); default: on this thread. */
  openInvitations: InvitationOpener = openInvitationsInThread

  constructor(deps: ConversationDeps) {
    this.#deps = deps
  }

  /** Records of the invitations that open, in envelope order (the index decides between claims on one topic). */
  async fromInvites(envelopes: Envelope[], onOpened?: () => void): Promise<ConversationRecord[]> {
    const keys = this.#deps.keys
    let outcomes: InvitationOutcome[] | undefined
    try {
      outcomes = await keys.openInvitationBatch(envelopes, this.openInvitations, { secrets: this.secrets })
    } catch {
      // A replacement opener that fails as a whole costs its speed, never the page.
    }
    if (!Array.isArray(outcomes) || outcomes.length !== envelopes.length) outcomes = await keys.openInvitationBatch(envelopes, openInvitationsInThread, { secrets: this.secrets })
    const records: ConversationRecord[] = []
    envelopes.forEach((envelope, i) => {
      const record = this.#fromOutcome(envelope, outcomes[i]!)
      onOpened?.()
      if (record) records.push(record)
    })
    return records
  }

  async fromInvite(envelope: Envelope): Promise<ConversationRecord | undefined> {
    let outcome: InvitationOutcome
    try {
      outcome = { ok: true, invitation: await this.#deps.keys.openInvitation(envelope, { secrets: this.secrets }) }
    } catch (cause) {
      outcome = { ok: false, error: cause instanceof Error ? cause : new Error(String(cause)) }
    }
    return this.#fromOutcome(envelope, outcome)
  }

  #fromOutcome(envelope: Envelope, outcome: InvitationOutcome): ConversationRecord | undefined {
    try {
      if (!outcome.ok) throw outcome.error
      const invitation = outcome.invitation
      if (!isValidTopic(invitation.topic)) throw new TypeError('invitation names an invalid topic')
      const record: ConversationRecord = {
        version: 'v2',
        topic: invitation.topic,
        peerAddress: invitation.peerAddress,
        createdNs: invitation.createdNs,
        keyMaterial: invitation.keyMaterial,
        verified: invitation.deterministic,
      }
      if (invitation.context) record.context = { conversationId: invitation.context.conversationId, metadata: { ...invitation.context.metadata } }
      if (
        invitation.role === 'recipient' &&
        invitation.consentProof &&
        verifyConsentProof(invitation.consentProof, { inviterAddress: invitation.peerAddress, recipientAddress: this.#deps.address })
      ) {
        this.#provenInviters.add(invitation.peerAddress)
      }
      return record
    } catch (cause) {
      this.#deps.reportSkipped(new EnvelopeSkippedError(envelope.contentTopic, 'an invitation could not be opened', { cause }))
      return undefined
    }
  }

  /** Allows the proven inviters this wallet has not decided about yet (§8.5). */
  async applyConsentProofs(): Promise<void> {
    if (this.#provenInviters.size === 0) return
    const inviters = [...this.#provenInviters]
    this.#provenInviters.clear()
    const contacts = this.#deps.consent
    await contacts.ensureLoaded()
    const undecided = inviters.filter((a) => contacts.consentState(a) === 'unknown')
    if (undecided.length > 0) await contacts.allow(undecided)
  }
}
