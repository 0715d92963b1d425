// What the conversation layer does with the wallet's private keys, as one narrow interface:
// seal and open V1 and V2 messages, derive, seal and open invitations, encrypt and decrypt
// the private preferences (consent) and name their topic. The keys themselves stay inside
// the implementation (BundleKeyOperations); the only way they leave the client is
// Client.exportKeyBundle(), an explicit, named export.
import type { Envelope } from '../api/index.ts'
import { decryptPreferencesAction, encryptPreferencesAction, preferencesTopic, type PreferencesAction } from '../consent/index.ts'
import { deriveConversation } from '../invitations/deterministic.ts'
import type { InvitationEnvelope, InvitationOpener, InvitationOutcome } from '../invitations/batch-opener.ts'
import { openInvitation, sealInvitation, type SealedInvitationOutput } from '../invitations/sealed.ts'
import type { OpenedInvitation } from '../invitations/sealed.ts'
import type { SharedSecretCache } from '../invitations/shared-secrets.ts'
import type { Invitation } from '../invitations/invitation.ts'
import type { CompleteLegacyBundle, CompleteSignedBundle, LegacyPublicKeyBundle, PrivateKeyBundleV1, SignedPublicKeyBundle } from '../keys/index.ts'
import { decryptMessageV1, encodeMessageV1, type DecodedMessageV1, type EncodedMessageV1 } from '../messages/v1.ts'
import { encodeMessageV2, type ConversationSecret, type EncodedMessageV2 } from '../messages/v2.ts'

export type DerivedConversation = ReturnType<typeof deriveConversation>

export interface KeyOperations {
  /** The wallet address the keys belong to (checksummed). */
  readonly walletAddress: string
  /** The identity and pre-key in legacy form (what ContactBundle v1 and V1 headers carry). */
  publicKeyBundle(): CompleteLegacyBundle
  /** The identity and pre-key as a SignedPublicKeyBundle (what V2 invitations carry). */
  signedPublicKeyBundle(): CompleteSignedBundle

  /** V1 (§7): encrypts `content` for the peer's legacy bundle with the 3DH secret. */
  encodeMessageV1(recipient: LegacyPublicKeyBundle, content: Uint8Array): Promise<EncodedMessageV1>
  /** V1: decrypts a message this wallet sent or received. */
  decryptMessageV1(message: DecodedMessageV1): Promise<Uint8Array>
  /** V2 (§9): encrypts with the conversation's key material, signed by the current pre-key. */
  encodeMessageV2(conversation: ConversationSecret, payload: Uint8Array, shouldPush: boolean): Promise<EncodedMessageV2>

  /** The deterministic V2 conversation with `peer` (§8.2). */
  deriveConversation(peer: SignedPublicKeyBundle, options: { conversationId?: string | undefined; secrets?: SharedSecretCache | undefined }): DerivedConversation
  /** Seals `invitation` for `recipient` (§8.3). */
  sealInvitation(recipient: SignedPublicKeyBundle, invitation: Invitation, options: { secrets?: SharedSecretCache | undefined }): Promise<SealedInvitationOutput>
  /** Opens one invite-topic envelope (§8.4); throws when it is not a valid invitation for this wallet. */
  openInvitation(envelope: Pick<Envelope, 'timestampNs' | 'message'>, options: { secrets?: SharedSecretCache | undefined }): Promise<OpenedInvitation>
  /**
   * Opens a page of invite-topic envelopes through `opener` (invitations/batch-opener.ts): one
   * outcome per envelope, in order. The opener is the one place keys go past this object, and
   * only one the application itself passed (ClientOptions.openInvitations) or the in-thread default.
   */
  openInvitationBatch(envelopes: readonly InvitationEnvelope[], opener: InvitationOpener, options: { secrets?: SharedSecretCache | undefined }): Promise<InvitationOutcome[]>

  /** The private preferences topic (§11), named from the identity key. */
  preferencesTopic(): string
  encryptPreferencesAction(action: PreferencesAction): Promise<Uint8Array>
  decryptPreferencesAction(payload: Uint8Array): Promise<PreferencesAction>
}

/** KeyOperations over a PrivateKeyBundleV1 held privately (never handed out). */
export class BundleKeyOperations implements KeyOperations {
  readonly #keys: PrivateKeyBundleV1
  #preferencesTopic: string | undefined

  constructor(keys: PrivateKeyBundleV1) {
    this.#keys = keys
  }

  get walletAddress(): string {
    return this.#keys.walletAddress
  }

  publicKeyBundle(): CompleteLegacyBundle {
    return this.#keys.getPublicKeyBundle()
  }

  signedPublicKeyBundle(): CompleteSignedBundle {
    return this.#keys.getSignedPublicKeyBundle()
  }

  encodeMessageV1(recipient: LegacyPublicKeyBundle, content: Uint8Array): Promise<EncodedMessageV1> {
    return encodeMessageV1({ sender: this.#keys, recipient, content })
  }

  decryptMessageV1(message: DecodedMessageV1): Promise<Uint8Array> {
    return decryptMessageV1(message, this.#keys)
  }

  encodeMessageV2(conversation: ConversationSecret, payload: Uint8Array, shouldPush: boolean): Promise<EncodedMessageV2> {
    return encodeMessageV2({ sender: this.#keys, conversation, payload, shouldPush })
  }

  deriveConversation(peer: SignedPublicKeyBundle, options: { conversationId?: string | undefined; secrets?: SharedSecretCache | undefined }): DerivedConversation {
    return deriveConversation(this.#keys, peer, options)
  }

  sealInvitation(recipient: SignedPublicKeyBundle, invitation: Invitation, options: { secrets?: SharedSecretCache | undefined }): Promise<SealedInvitationOutput> {
    return sealInvitation({ sender: this.#keys, recipient, invitation, secrets: options.secrets })
  }

  openInvitation(envelope: Pick<Envelope, 'timestampNs' | 'message'>, options: { secrets?: SharedSecretCache | undefined }): Promise<OpenedInvitation> {
    return openInvitation(this.#keys, envelope, options)
  }

  openInvitationBatch(envelopes: readonly InvitationEnvelope[], opener: InvitationOpener, options: { secrets?: SharedSecretCache | undefined }): Promise<InvitationOutcome[]> {
    return opener(this.#keys, envelopes, options)
  }

  preferencesTopic(): string {
    return (this.#preferencesTopic ??= preferencesTopic(this.#keys.identityKey.privateKey))
  }

  encryptPreferencesAction(action: PreferencesAction): Promise<Uint8Array> {
    return encryptPreferencesAction(action, this.#keys.identityKey.privateKey)
  }

  decryptPreferencesAction(payload: Uint8Array): Promise<PreferencesAction> {
    return decryptPreferencesAction(payload, this.#keys.identityKey.privateKey)
  }
}
