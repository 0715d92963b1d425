// The public API of Parley's XMTP library. Names and shapes follow xmtp-js 13, so apps
// (and our interop tests) can use the two side by side:
//
//   const client = await Client.create(wallet, { apiUrl: 'http://127.0.0.1:5555' })
//   const convo = await client.conversations.newConversation(peerAddress)
//   await convo.send('gm')
//   for (const message of await convo.messages()) console.log(message.senderAddress, message.content)
//   const stream = await client.conversations.streamAllMessages()
//   for await (const message of stream) { ... }   // stream.return() ends it
export { Client, type ClientOptions, type NetworkOptions, type PublicKeyBundleView } from './client/client.ts'
export { Conversations } from './client/conversations.ts'
export { Conversation, type OpenedMessage, type PreparedMessage, type PublishPreparedOptions } from './client/conversation.ts'
export { ConversationV2 } from './client/conversation-v2.ts'
export { ConversationV1 } from './client/conversation-v1.ts'
export { ConsentContacts, type ConsentState, type PreferencesAction } from './client/consent-contacts.ts'
export { AsyncStream } from './client/async-stream.ts'
export { ClientError, EnvelopeSkippedError, type ClientErrorReason } from './client/errors.ts'
export { InMemoryPersistence, NamespacedPersistence, type Persistence } from './client/persistence.ts'
export { PersistenceConversationStore, type ConversationStore } from './client/conversation-store.ts'
export { encodeRecord as encodeConversationRecord, decodeRecord as decodeConversationRecord, type ConversationRecord } from './client/conversation-index.ts'
export { toSigner, type SignerLike } from './client/signer-adapter.ts'
export type { DecodedMessage, ListMessagesOptions, SendOptions, ConversationLike, ConversationVersion, InvitationContext } from './client/types.ts'
export { type Signer, PrivateKeySigner } from './keys/index.ts'
export { SortDirection } from './api/index.ts'
export { clearCryptoCaches } from './caches.ts'
// The secp256k1 arithmetic is pluggable; Node hosts may install libsecp256k1 from the
// separate module './crypto/libsecp256k1.ts' (see crypto/backend.ts for why it is opt-in).
export { setSecp256k1Backend, secp256k1Backend, type Secp256k1Backend } from './crypto/backend.ts'
export { ApiError, NetworkError, RateLimitedError, UnauthenticatedError, PermissionDeniedError, InvalidRequestError } from './api/index.ts'
export {
  Compression,
  ContentTypeId,
  ContentTypeText,
  ContentTypeReaction,
  ContentTypeReply,
  ContentTypeReadReceipt,
  ContentTypeAttachment,
  ContentTypeRemoteAttachment,
  ContentTypeComposite,
  ContentTypeTransactionReference,
  type ContentCodec,
  type Reaction,
  type Reply,
  type ReadReceipt,
  type Attachment,
  type RemoteAttachment,
} from './content/index.ts'
