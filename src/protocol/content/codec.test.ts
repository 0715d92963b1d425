import { describe, expect, it } from 'vitest'
import { ContentCodecRegistry, type ContentCodec } from './codec.ts'
import { ContentTypeId } from './content-type-id.ts'
import { TextCodec } from './codecs/text.ts'
import { createDefaultRegistry, defaultCodecs } from './defaults.ts'

function fakeCodec(type: ContentTypeId, tag: string): ContentCodec<string> {
  return {
    contentType: type,
    encode: (content) => ({ type, parameters: { tag }, content: new TextEncoder().encode(content) }),
    decode: (encoded) => `${tag}:${new TextDecoder().decode(encoded.content)}`,
    fallback: () => undefined,
    shouldPush: () => false,
  }
}

describe('ContentCodecRegistry', () => {
  const pollV2 = new ContentTypeId({ authorityId: 'example.com', typeId: 'poll', versionMajor: 2, versionMinor: 0 })

  it('finds codecs by authority/type and accepts older or equal major versions', () => {
    const registry = new ContentCodecRegistry([fakeCodec(pollV2, 'p')])
    expect(registry.codecFor(pollV2)?.contentType).toBe(pollV2)
    expect(registry.codecFor({ ...pollV2.toProto(), versionMajor: 1, versionMinor: 7 } as never)).toBeDefined()
    expect(registry.codecFor({ authorityId: 'example.com', typeId: 'poll', versionMajor: 2, versionMinor: 9 })).toBeDefined()
  })

  it('treats a newer major version and unregistered types as unknown', () => {
    const registry = new ContentCodecRegistry([fakeCodec(pollV2, 'p')])
    expect(registry.codecFor({ authorityId: 'example.com', typeId: 'poll', versionMajor: 3, versionMinor: 0 })).toBeUndefined()
    expect(registry.codecFor({ authorityId: 'example.org', typeId: 'poll', versionMajor: 1, versionMinor: 0 })).toBeUndefined()
  })

  it('lets a later registration replace a codec with the same authority/type', () => {
    const registry = new ContentCodecRegistry([fakeCodec(pollV2, 'first')])
    registry.register(fakeCodec(pollV2, 'second'))
    expect(registry.codecs()).toHaveLength(1)
    const codec = registry.codecFor(pollV2)!
    expect(codec.decode({ type: pollV2, parameters: {}, content: new Uint8Array([0x78]) }, registry)).toBe('second:x')
  })

  it('rejects things that are not codecs', () => {
    const registry = new ContentCodecRegistry()
    expect(() => registry.register({} as never)).toThrow(TypeError)
    const text = new TextCodec()
    const withStringType = {
      contentType: 'xmtp.org/text:1.0',
      encode: text.encode,
      decode: text.decode,
      fallback: text.fallback,
      shouldPush: text.shouldPush,
    }
    expect(() => registry.register(withStringType as never)).toThrow(/codec.contentType must be a ContentTypeId/)
    expect(() => registry.register({ ...withStringType, contentType: { authorityId: 'a', typeId: '' } } as never)).toThrow(TypeError)
    expect(registry.codecs()).toHaveLength(0)
    expect(() => registry.codecFor(null as never)).toThrow(TypeError)
  })

  it('the default registry holds every standard type and takes app codecs on top', () => {
    const names = defaultCodecs().map((c) => c.contentType.toString())
    expect(names.sort()).toEqual(
      [
        'xmtp.org/attachment:1.0',
        'xmtp.org/composite:1.0',
        'xmtp.org/reaction:1.0',
        'xmtp.org/readReceipt:1.0',
        'xmtp.org/remoteStaticAttachment:1.0',
        'xmtp.org/reply:1.0',
        'xmtp.org/text:1.0',
        'xmtp.org/transactionReference:1.0',
      ].sort(),
    )
    const registry = createDefaultRegistry([fakeCodec(pollV2, 'p')])
    expect(registry.codecs()).toHaveLength(9)
    expect(registry.codecFor(pollV2)).toBeDefined()
    expect(registry.codecFor(new TextCodec().contentType)).toBeInstanceOf(TextCodec)
  })
})
