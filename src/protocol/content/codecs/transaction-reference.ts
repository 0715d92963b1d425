// xmtp.org/transactionReference:1.0 (§10.2): UTF-8 JSON describing an on-chain transaction.
import type { ContentCodec, EncodedContent, EncodedContentFields } from '../codec.ts'
import { ContentTypeId } from '../content-type-id.ts'
import { ContentCodecError } from '../errors.ts'
import { fromUtf8, utf8 } from '../../../wire/bytes.ts'

export const ContentTypeTransactionReference = new ContentTypeId({
  authorityId: 'xmtp.org',
  typeId: 'transactionReference',
  versionMajor: 1,
  versionMinor: 0,
})

export interface TransactionReferenceMetadata {
  transactionType: string
  currency: string
  amount: number
  decimals: number
  fromAddress: string
  toAddress: string
}

export interface TransactionReference {
  /** CAIP-2 namespace, e.g. "eip155". */
  namespace?: string
  /** Chain id, e.g. 1 or "0x1". */
  networkId: number | string
  /** The transaction hash. */
  reference: string
  metadata?: TransactionReferenceMetadata
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export class TransactionReferenceCodec implements ContentCodec<TransactionReference> {
  get contentType(): ContentTypeId {
    return ContentTypeTransactionReference
  }

  encode(content: TransactionReference): EncodedContentFields {
    if (!isObject(content)) throw new TypeError('transaction reference must be an object')
    if (typeof content.reference !== 'string') throw new TypeError('transactionReference.reference must be a string')
    if (typeof content.networkId !== 'number' && typeof content.networkId !== 'string') {
      throw new TypeError('transactionReference.networkId must be a number or a string')
    }
    if (content.namespace !== undefined && typeof content.namespace !== 'string') {
      throw new TypeError('transactionReference.namespace must be a string when given')
    }
    if (content.metadata !== undefined && !isObject(content.metadata)) {
      throw new TypeError('transactionReference.metadata must be an object when given')
    }
    const json = JSON.stringify({
      namespace: content.namespace,
      networkId: content.networkId,
      reference: content.reference,
      metadata: content.metadata,
    })
    return { type: ContentTypeTransactionReference, parameters: {}, content: utf8(json) }
  }

  decode(encoded: EncodedContent): TransactionReference {
    let parsed: unknown
    try {
      parsed = JSON.parse(fromUtf8(encoded.content))
    } catch (error) {
      throw new ContentCodecError(ContentTypeTransactionReference, 'content is not UTF-8 JSON', { cause: error })
    }
    if (!isObject(parsed)) throw new ContentCodecError(ContentTypeTransactionReference, 'content is not a JSON object')
    const { namespace, networkId, reference, metadata } = parsed
    if (typeof reference !== 'string') throw new ContentCodecError(ContentTypeTransactionReference, 'reference must be a string')
    if (typeof networkId !== 'number' && typeof networkId !== 'string') {
      throw new ContentCodecError(ContentTypeTransactionReference, 'networkId must be a number or a string')
    }
    const result: TransactionReference = { networkId, reference }
    if (typeof namespace === 'string') result.namespace = namespace
    if (isObject(metadata)) result.metadata = metadata as unknown as TransactionReferenceMetadata
    return result
  }

  fallback(content: TransactionReference): string | undefined {
    if (content.reference) {
      return `[Crypto transaction] Use a blockchain explorer to learn more using the transaction hash: ${content.reference}`
    }
    return 'Crypto transaction'
  }

  shouldPush(): boolean {
    return true
  }
}
