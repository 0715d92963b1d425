import { describe, expect, it } from 'vitest'
import { createDefaultRegistry } from '../defaults.ts'
import { decodeContent, encodeContent } from '../encoded-content.ts'
import { ContentCodecError } from '../errors.ts'
import { referenceContentClient, refReaction } from '../testing/xmtp-reference.ts'
import { ContentTypeReaction, ReactionCodec, type Reaction } from './reaction.ts'

const registry = createDefaultRegistry()
const reference = referenceContentClient()
const codec = new ReactionCodec()
const messageId = 'f3a1'.repeat(16)

describe('ReactionCodec', () => {
  const cases: Reaction[] = [
    { reference: messageId, action: 'added', schema: 'unicode', content: '👍' },
    { reference: messageId, action: 'removed', schema: 'shortcode', content: ':tada:' },
    { reference: messageId, referenceInboxId: 'inbox-1', action: 'added', schema: 'custom', content: 'party-parrot' },
  ]

  it('encodes to the same bytes as the reference and decodes both ways', async () => {
    expect(ContentTypeReaction.toString()).toBe('xmtp.org/reaction:1.0')
    for (const reaction of cases) {
      const ours = await encodeContent(reaction, { contentType: ContentTypeReaction }, registry)
      const theirs = await reference.encodeContent(reaction, { contentType: refReaction.ContentTypeReaction })
      expect(ours).toEqual(theirs.payload)
      const decoded = await decodeContent(theirs.payload, registry)
      expect(decoded.content).toEqual(reaction)
      const back = await reference.decodeContent(ours)
      expect({ ...back.content, referenceInboxId: back.content.referenceInboxId ?? undefined }).toEqual({
        referenceInboxId: undefined,
        ...reaction,
      })
    }
  })

  it('has the reference fallbacks (curly quotes) and pushes added reactions only (13.0.3)', () => {
    const ref = new refReaction.ReactionCodec()
    for (const reaction of cases) expect(codec.fallback(reaction)).toBe(ref.fallback(reaction))
    expect(codec.fallback(cases[0]!)).toBe('Reacted \u201c👍\u201d to an earlier message')
    expect(codec.fallback(cases[1]!)).toBe('Removed \u201c:tada:\u201d from an earlier message')
    expect(codec.shouldPush(cases[0]!)).toBe(true)
    expect(codec.shouldPush(cases[1]!)).toBe(false)
  })

  it('decodes the legacy parameters form (emoji as content)', () => {
    const legacy = {
      type: ContentTypeReaction,
      parameters: { encoding: 'UTF-8', action: 'added', reference: messageId, schema: 'unicode' },
      content: new TextEncoder().encode('🔥'),
    }
    const expected = { reference: messageId, action: 'added', schema: 'unicode', content: '🔥' }
    expect(codec.decode(legacy)).toEqual(expected)
    const ref = new refReaction.ReactionCodec().decode(legacy)
    expect(ref).toEqual(expected)
    // a legacy emoji that happens to be valid JSON (a number) still uses the parameters
    expect(codec.decode({ ...legacy, content: new TextEncoder().encode('100') }).content).toBe('100')
  })

  it('rejects unknown actions or schemas and non-reactions', () => {
    const bad = (json: object) => ({ type: ContentTypeReaction, parameters: {}, content: new TextEncoder().encode(JSON.stringify(json)) })
    expect(() => codec.decode(bad({ ...cases[0], action: 'poked' }))).toThrow(ContentCodecError)
    expect(() => codec.decode(bad({ ...cases[0], schema: 'ascii' }))).toThrow(/unknown schema/)
    expect(() => codec.decode(bad({ ...cases[0], reference: 5 }))).toThrow(/reference/)
    expect(() => codec.decode({ type: ContentTypeReaction, parameters: {}, content: new TextEncoder().encode('👍') })).toThrow(
      /neither reaction JSON nor the legacy/,
    )
    expect(() => codec.encode({ ...cases[0]!, action: 'liked' as never })).toThrow(TypeError)
    expect(() => codec.encode({ ...cases[0]!, referenceInboxId: 7 as never })).toThrow(/referenceInboxId/)
  })
})
