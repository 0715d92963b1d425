import { describe, expect, it } from 'vitest'
import { ContentTypeId, toContentTypeId } from './content-type-id.ts'
import { refPrimitives } from './testing/xmtp-reference.ts'

describe('ContentTypeId', () => {
  const reaction = new ContentTypeId({ authorityId: 'xmtp.org', typeId: 'reaction', versionMajor: 1, versionMinor: 0 })

  it('prints authority/type:major.minor like the reference and parses it back', () => {
    const ref = new refPrimitives.ContentTypeId({ authorityId: 'xmtp.org', typeId: 'reaction', versionMajor: 1, versionMinor: 0 })
    expect(reaction.toString()).toBe(ref.toString())
    expect(reaction.toString()).toBe('xmtp.org/reaction:1.0')
    const parsed = ContentTypeId.fromString('example.com/poll:12.3')
    expect(parsed).toMatchObject({ authorityId: 'example.com', typeId: 'poll', versionMajor: 12, versionMinor: 3 })
    expect(parsed.toString()).toBe('example.com/poll:12.3')
  })

  it('sameAs ignores versions, equals does not', () => {
    const v2 = new ContentTypeId({ authorityId: 'xmtp.org', typeId: 'reaction', versionMajor: 2, versionMinor: 1 })
    expect(reaction.sameAs(v2)).toBe(true)
    expect(reaction.equals(v2)).toBe(false)
    expect(reaction.equals({ authorityId: 'xmtp.org', typeId: 'reaction', versionMajor: 1, versionMinor: 0 })).toBe(true)
    expect(reaction.sameAs({ authorityId: 'xmtp.org', typeId: 'reply', versionMajor: 1, versionMinor: 0 })).toBe(false)
  })

  it('is immutable and converts to and from the protobuf shape', () => {
    expect(Object.isFrozen(reaction)).toBe(true)
    expect(ContentTypeId.fromProto(reaction.toProto()).equals(reaction)).toBe(true)
    expect(toContentTypeId(reaction)).toBe(reaction)
    expect(toContentTypeId({ authorityId: 'a', typeId: 'b', versionMajor: 0, versionMinor: 0 }).key).toBe('a/b')
  })

  it('rejects malformed ids with labelled errors', () => {
    expect(() => new ContentTypeId({ authorityId: '', typeId: 't', versionMajor: 1, versionMinor: 0 })).toThrow(
      /authorityId must be a non-empty string/,
    )
    expect(() => new ContentTypeId({ authorityId: 'a/b', typeId: 't', versionMajor: 1, versionMinor: 0 })).toThrow(TypeError)
    expect(() => new ContentTypeId({ authorityId: 'a', typeId: 't', versionMajor: -1, versionMinor: 0 })).toThrow(RangeError)
    expect(() => new ContentTypeId({ authorityId: 'a', typeId: 't', versionMajor: 1.5, versionMinor: 0 })).toThrow(TypeError)
    expect(() => ContentTypeId.fromString('xmtp.org/text')).toThrow(/authority\/type:major.minor/)
    expect(() => ContentTypeId.fromString('xmtp.org/text:1.x')).toThrow(TypeError)
    expect(() => toContentTypeId(null as never)).toThrow(/contentType must be a ContentTypeId/)
  })
})
