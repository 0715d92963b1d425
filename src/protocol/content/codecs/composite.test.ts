import { describe, expect, it } from 'vitest'
import { ContentTypeId } from '../content-type-id.ts'
import { createDefaultRegistry } from '../defaults.ts'
import { decodeContent, encodeContent } from '../encoded-content.ts'
import { ContentCodecError, MalformedContentError, UnknownContentTypeError } from '../errors.ts'
import { refProto, refReaction, refText } from '../testing/xmtp-reference.ts'
import { CompositeCodec, ContentTypeComposite, type Composite, type CompositeParts } from './composite.ts'
import { ContentTypeReaction, type Reaction } from './reaction.ts'
import { ContentTypeText } from './text.ts'

const registry = createDefaultRegistry()
const codec = new CompositeCodec()
const reaction: Reaction = { reference: 'cd'.repeat(32), action: 'added', schema: 'unicode', content: '✅' }

// xmtp-js 13 ships no composite codec; @xmtp/proto's Composite message (ts-proto) is the
// external reference for the wire shape, filled with parts from the reference codecs.
function referenceComposite(): Uint8Array {
  const text = new refText.TextCodec()
  const react = new refReaction.ReactionCodec()
  const part = (encoded: { type: ContentTypeId; parameters: Record<string, string>; content: Uint8Array }) => ({
    part: {
      type: { ...encoded.type },
      parameters: encoded.parameters,
      content: encoded.content,
      fallback: undefined,
      compression: undefined,
    },
  })
  return refProto.composite.Composite.encode({
    parts: [part(text.encode('first')), { composite: { parts: [part(react.encode(reaction)), part(text.encode('nested'))] } }],
  }).finish()
}

const ours: Composite = {
  parts: [
    { type: ContentTypeText, content: 'first' },
    {
      parts: [
        { type: ContentTypeReaction, content: reaction },
        { type: ContentTypeText, content: 'nested' },
      ],
    },
  ],
}

describe('CompositeCodec', () => {
  it('produces the same bytes as the reference Composite message and decodes it', () => {
    expect(ContentTypeComposite.toString()).toBe('xmtp.org/composite:1.0')
    const expected = referenceComposite()
    expect(codec.encode(ours, registry).content).toEqual(expected)
    const decoded = codec.decode({ type: ContentTypeComposite, parameters: {}, content: expected }, registry)
    expect(decoded.parts[0]).toMatchObject({ content: 'first' })
    const nested = decoded.parts[1] as CompositeParts
    expect(nested.parts[0]).toMatchObject({ content: reaction })
    expect(nested.parts[1]).toMatchObject({ content: 'nested' })
    expect((nested.parts[0] as { type: ContentTypeId }).type.equals(ContentTypeReaction)).toBe(true)
  })

  it('wraps a single value as a one-part composite and round-trips through EncodedContent', async () => {
    const single = codec.encode({ type: ContentTypeText, content: 'solo' }, registry)
    const parsed = refProto.composite.Composite.decode(single.content)
    expect(parsed.parts).toHaveLength(1)
    expect(new TextDecoder().decode(parsed.parts[0].part.content)).toBe('solo')
    const bytes = await encodeContent(ours, { contentType: ContentTypeComposite }, registry)
    const decoded = await decodeContent<CompositeParts>(bytes, registry)
    expect(decoded.content).toEqual(ours)
    expect(decoded.fallback).toBeUndefined()
    expect(codec.shouldPush()).toBe(false)
  })

  it('reports unknown part types, parts without content and malformed bytes', () => {
    const pollType = new ContentTypeId({ authorityId: 'example.com', typeId: 'poll', versionMajor: 1, versionMinor: 0 })
    expect(() => codec.encode({ parts: [{ type: pollType, content: {} }] }, registry)).toThrow(UnknownContentTypeError)
    const unknownPart = refProto.composite.Composite.encode({
      parts: [{ part: { type: { ...pollType }, parameters: {}, content: new Uint8Array(1) } }],
    }).finish()
    expect(() => codec.decode({ type: ContentTypeComposite, parameters: {}, content: unknownPart }, registry)).toThrow(
      UnknownContentTypeError,
    )
    const emptyPart = refProto.composite.Composite.encode({ parts: [{}] }).finish()
    expect(() => codec.decode({ type: ContentTypeComposite, parameters: {}, content: emptyPart }, registry)).toThrow(ContentCodecError)
    expect(() => codec.decode({ type: ContentTypeComposite, parameters: {}, content: new Uint8Array([0x0a, 0x09]) }, registry)).toThrow(
      MalformedContentError,
    )
  })

  it('bounds nesting depth', () => {
    let deep: Composite = { type: ContentTypeText, content: 'core' }
    for (let i = 0; i < 40; i++) deep = { parts: [deep] }
    expect(() => codec.encode(deep, registry)).toThrow(RangeError)
    expect(() => codec.encode({ parts: 'nope' } as never, registry)).toThrow(/composite.parts must be an array/)
  })
})
