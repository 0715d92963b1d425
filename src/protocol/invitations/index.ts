// Public surface of the V2 invitation layer (spec §8).
export { InvalidInvitationError, type InvalidInvitationReason, DecryptionError, CiphertextFormatError } from './errors.ts'
export { verifySignedBundle, bundleFingerprint, clearVerifiedBundleCache, type VerifiedBundle } from './verified-bundle.ts'
export { SharedSecretCache, invitationSecret } from './shared-secrets.ts'
export {
  INVITATION_SALT,
  KEY_MATERIAL_LENGTH,
  derivationIsRecipient,
  deriveConversationKeys,
  deriveConversation,
  matchesDerivation,
  type ConversationKeys,
} from './deterministic.ts'
export {
  CONSENT_PROOF_PAYLOAD_VERSION_1,
  CONSENT_PROOF_MAX_AGE_MS,
  encodeConsentProof,
  decodeConsentProof,
  createConsentProof,
  verifyConsentProof,
  encodeInvitation,
  decodeInvitation,
  type Invitation,
  type InvitationContext,
  type ConsentProof,
} from './invitation.ts'
export {
  nowNs,
  sealInvitation,
  openInvitation,
  type SealInvitationInput,
  type SealedInvitationOutput,
  type OpenedInvitation,
} from './sealed.ts'
export {
  openInvitationsInThread,
  checkInvitationOpener,
  type InvitationOpener,
  type InvitationOutcome,
  type InvitationEnvelope,
  type OpenedInvitationData,
} from './batch-opener.ts'
