// Public surface of the content layer (§10): content type ids, codecs, the registry,
// EncodedContent encoding/decoding with compression, and remote-attachment payloads.
export { ContentTypeId, toContentTypeId, type ContentTypeIdFields } from './content-type-id.ts'
export {
  Compression,
  ContentCodecRegistry,
  type CodecRegistry,
  type ContentCodec,
  type EncodedContent,
  type EncodedContentFields,
} from './codec.ts'
export { compress, decompress, isCompression, DEFAULT_MAX_DECOMPRESSED_BYTES, MAX_MESSAGE_INFLATED_BYTES, InflateBudget } from './compression.ts'
export {
  encodeContent,
  prepareContent,
  decodeContent,
  encodedContentToBytes,
  encodedContentFromBytes,
  MIN_COMPRESSIBLE_BYTES,
  type EncodeContentOptions,
  type PreparedContent,
  type DecodedContent,
  type DecodeContentOptions,
} from './encoded-content.ts'
export { defaultCodecs, createDefaultRegistry } from './defaults.ts'
export { ContentTypeText, TextCodec } from './codecs/text.ts'
export {
  ContentTypeComposite,
  CompositeCodec,
  type Composite,
  type CompositePart,
  type CompositeParts,
} from './codecs/composite.ts'
export {
  ContentTypeReaction,
  ReactionCodec,
  type Reaction,
  type ReactionAction,
  type ReactionSchema,
} from './codecs/reaction.ts'
export { ContentTypeReply, ReplyCodec, type Reply } from './codecs/reply.ts'
export { ContentTypeReadReceipt, ReadReceiptCodec, type ReadReceipt } from './codecs/read-receipt.ts'
export { ContentTypeAttachment, AttachmentCodec, attachmentFallback, type Attachment } from './codecs/attachment.ts'
export {
  ContentTypeRemoteAttachment,
  RemoteAttachmentCodec,
  checkRemoteAttachment,
  type RemoteAttachment,
} from './codecs/remote-attachment.ts'
export {
  ContentTypeTransactionReference,
  TransactionReferenceCodec,
  type TransactionReference,
  type TransactionReferenceMetadata,
} from './codecs/transaction-reference.ts'
export {
  encryptAttachment,
  encryptContentForUpload,
  toRemoteAttachment,
  decryptRemoteAttachment,
  type EncryptedRemotePayload,
  type DecryptRemoteOptions,
} from './remote-attachment-payload.ts'
export {
  ContentError,
  UnknownContentTypeError,
  MalformedContentError,
  DecompressedSizeError,
  ContentCodecError,
  RemoteAttachmentDigestError,
  RemoteAttachmentDecryptionError,
} from './errors.ts'
