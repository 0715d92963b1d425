import { describe, expect, it } from 'vitest'
import { createDefaultRegistry } from '../defaults.ts'
import { decodeContent, encodeContent } from '../encoded-content.ts'
import { ContentCodecError } from '../errors.ts'
import { ContentTypeTransactionReference, TransactionReferenceCodec, type TransactionReference } from './transaction-reference.ts'

const registry = createDefaultRegistry()
const codec = new TransactionReferenceCodec()
const txHash = '0x' + 'ab'.repeat(32)

describe('TransactionReferenceCodec', () => {
  // No @xmtp/content-type-transaction-reference package is installed; the expected bytes
  // follow §10.2: UTF-8 JSON of {namespace?, networkId, reference, metadata?}.
  it('encodes UTF-8 JSON and round-trips', async () => {
    expect(ContentTypeTransactionReference.toString()).toBe('xmtp.org/transactionReference:1.0')
    const tx: TransactionReference = {
      namespace: 'eip155',
      networkId: 8453,
      reference: txHash,
      metadata: {
        transactionType: 'transfer',
        currency: 'USDC',
        amount: 100000,
        decimals: 6,
        fromAddress: '0x' + '11'.repeat(20),
        toAddress: '0x' + '22'.repeat(20),
      },
    }
    const fields = codec.encode(tx)
    expect(fields.parameters).toEqual({})
    expect(JSON.parse(new TextDecoder().decode(fields.content))).toEqual(tx)
    const decoded = await decodeContent(await encodeContent(tx, { contentType: ContentTypeTransactionReference }, registry), registry)
    expect(decoded.content).toEqual(tx)
    expect(decoded.fallback).toBe(
      `[Crypto transaction] Use a blockchain explorer to learn more using the transaction hash: ${txHash}`,
    )
  })

  it('omits absent optional fields and falls back without a reference', () => {
    const minimal = { networkId: '0x1', reference: '' }
    expect(new TextDecoder().decode(codec.encode(minimal).content)).toBe('{"networkId":"0x1","reference":""}')
    expect(codec.fallback(minimal)).toBe('Crypto transaction')
    expect(codec.shouldPush()).toBe(true)
  })

  it('rejects malformed content', () => {
    const enc = (text: string) => ({ type: ContentTypeTransactionReference, parameters: {}, content: new TextEncoder().encode(text) })
    expect(() => codec.decode(enc('not json'))).toThrow(ContentCodecError)
    expect(() => codec.decode(enc('[1]'))).toThrow(/not a JSON object/)
    expect(() => codec.decode(enc('{"networkId":1}'))).toThrow(/reference/)
    expect(() => codec.decode(enc('{"reference":"x","networkId":true}'))).toThrow(/networkId/)
    expect(() => codec.encode({ networkId: 1 } as never)).toThrow(TypeError)
  })
})
