// The standard codecs (§10.2), so standard types work without registering anything.
import { ContentCodecRegistry, type ContentCodec } from './codec.ts'
import { AttachmentCodec } from './codecs/attachment.ts'
import { CompositeCodec } from './codecs/composite.ts'
import { ReactionCodec } from './codecs/reaction.ts'
import { ReadReceiptCodec } from './codecs/read-receipt.ts'
import { RemoteAttachmentCodec } from './codecs/remote-attachment.ts'
import { ReplyCodec } from './codecs/reply.ts'
import { TextCodec } from './codecs/text.ts'
import { TransactionReferenceCodec } from './codecs/transaction-reference.ts'

/** Fresh instances of every standard codec. */
export function defaultCodecs(): ContentCodec<any>[] {
  return [
    new TextCodec(),
    new CompositeCodec(),
    new ReactionCodec(),
    new ReplyCodec(),
    new ReadReceiptCodec(),
    new AttachmentCodec(),
    new RemoteAttachmentCodec(),
    new TransactionReferenceCodec(),
  ]
}

/** A registry holding the standard codecs, then `extra` (which may override a standard one). */
export function createDefaultRegistry(extra: Iterable<ContentCodec<any>> = []): ContentCodecRegistry {
  const registry = new ContentCodecRegistry(defaultCodecs())
  for (const codec of extra) registry.register(codec)
  return registry
}
