import { describe, expect, it } from 'vitest'
import { createDefaultRegistry } from '../defaults.ts'
import { ContentCodecError } from '../errors.ts'
import { refText } from '../testing/xmtp-reference.ts'
import { ContentTypeText, TextCodec } from './text.ts'

const registry = createDefaultRegistry()
const codec = new TextCodec()
const ref = new refText.TextCodec()

describe('TextCodec', () => {
  it('has the exact type id and matches the reference codec field for field', () => {
    expect(ContentTypeText.toString()).toBe('xmtp.org/text:1.0')
    for (const text of ['', 'hello', 'emoji 🦊 and ünïcödé', 'line\nbreaks\tand "quotes"']) {
      const ours = codec.encode(text)
      const theirs = ref.encode(text)
      expect(ours.parameters).toEqual(theirs.parameters)
      expect(ours.content).toEqual(theirs.content)
      expect(ours.type.toString()).toBe(theirs.type.toString())
      expect(codec.decode({ ...theirs, type: ContentTypeText })).toBe(text)
      expect(ref.decode(ours)).toBe(text)
    }
    expect(codec.fallback()).toBeUndefined()
    expect(codec.shouldPush()).toBe(ref.shouldPush())
  })

  it('rejects any encoding other than UTF-8', () => {
    const content = new TextEncoder().encode('hi')
    expect(() => codec.decode({ type: ContentTypeText, parameters: { encoding: 'utf-16' }, content })).toThrow(ContentCodecError)
    expect(() => codec.decode({ type: ContentTypeText, parameters: {}, content })).toThrow(/unrecognized encoding null/)
  })

  it('shows malformed UTF-8 with replacement characters rather than failing', () => {
    const decoded = codec.decode({ type: ContentTypeText, parameters: { encoding: 'UTF-8' }, content: new Uint8Array([0x68, 0xff, 0x69]) })
    expect(decoded).toBe('h\ufffdi')
  })

  it('refuses non-string content', () => {
    expect(() => codec.encode(5 as never)).toThrow(TypeError)
    expect(registry.codecFor(ContentTypeText)).toBeInstanceOf(TextCodec)
  })
})
