// xmtp.org/composite:1.0 (§2.6, §10.2): a tree of parts, each an EncodedContent made by its
// own codec (no fallback) or a nested composite. A single value is wrapped as one part.
import { xmtp } from '../../../gen/proto.js'
import type { CodecRegistry, ContentCodec, EncodedContent, EncodedContentFields } from '../codec.ts'
import { ContentTypeId, toContentTypeId } from '../content-type-id.ts'
import { plainBytes } from '../encoded-content.ts'
import { ContentCodecError, ContentError, MalformedContentError, UnknownContentTypeError } from '../errors.ts'

export const ContentTypeComposite = new ContentTypeId({
  authorityId: 'xmtp.org',
  typeId: 'composite',
  versionMajor: 1,
  versionMinor: 0,
})

/** One typed value inside a composite. */
export interface CompositePart<T = unknown> {
  type: ContentTypeId
  content: T
}

/** A composite: a list whose items are typed values or nested composites. */
export interface CompositeParts {
  parts: Composite[]
}

export type Composite = CompositePart | CompositeParts

type PartProto = xmtp.message_contents.Composite.Part.$Properties
type CompositeProto = xmtp.message_contents.Composite.$Properties

// Deep enough for any real message; bounds the recursion a hostile sender can cause.
const MAX_DEPTH = 32

function isParts(value: Composite): value is CompositeParts {
  return typeof value === 'object' && value !== null && 'parts' in value
}

function encodePart(part: CompositePart, registry: CodecRegistry): PartProto {
  if (typeof part !== 'object' || part === null) throw new TypeError('composite part must be an object')
  const type = toContentTypeId(part.type, 'composite part type')
  const codec = registry.codecFor(type)
  if (!codec) throw new UnknownContentTypeError(type)
  const fields = codec.encode(part.content, registry)
  return {
    part: { type: toContentTypeId(fields.type, 'composite part type').toProto(), parameters: { ...fields.parameters }, content: fields.content },
  }
}

function toProto(value: Composite, registry: CodecRegistry, depth: number): CompositeProto {
  if (depth > MAX_DEPTH) throw new RangeError(`composite nesting exceeds ${MAX_DEPTH} levels`)
  if (!isParts(value)) return { parts: [encodePart(value, registry)] }
  if (!Array.isArray(value.parts)) throw new TypeError('composite.parts must be an array')
  return {
    parts: value.parts.map((item) =>
      isParts(item) ? { composite: toProto(item, registry, depth + 1) } : encodePart(item, registry),
    ),
  }
}

function fail(message: string, cause?: unknown): never {
  throw new ContentCodecError(ContentTypeComposite, message, cause === undefined ? undefined : { cause })
}

function fromProto(proto: CompositeProto, registry: CodecRegistry, depth: number): CompositeParts {
  if (depth > MAX_DEPTH) fail(`nesting exceeds ${MAX_DEPTH} levels`)
  const parts = (proto.parts ?? []).map((item): Composite => {
    if (item.part) {
      let type: ContentTypeId
      try {
        type = ContentTypeId.fromProto(item.part.type ?? {})
      } catch (error) {
        fail('a part has a missing or invalid content type', error)
      }
      const codec = registry.codecFor(type)
      if (!codec) throw new UnknownContentTypeError(type)
      const encoded: EncodedContent = {
        type,
        parameters: { ...(item.part.parameters ?? {}) },
        content: plainBytes(item.part.content ?? new Uint8Array(0)),
      }
      try {
        return { type, content: codec.decode(encoded, registry) }
      } catch (error) {
        if (error instanceof ContentError) throw error
        throw new ContentCodecError(type, 'codec could not decode a composite part', { cause: error })
      }
    }
    if (item.composite) return fromProto(item.composite, registry, depth + 1)
    return fail('a part is neither content nor a composite')
  })
  return { parts }
}

export class CompositeCodec implements ContentCodec<Composite> {
  get contentType(): ContentTypeId {
    return ContentTypeComposite
  }

  encode(content: Composite, registry: CodecRegistry): EncodedContentFields {
    if (typeof content !== 'object' || content === null) throw new TypeError('composite content must be an object')
    const proto = toProto(content, registry, 0)
    return { type: ContentTypeComposite, parameters: {}, content: xmtp.message_contents.Composite.encode(proto).finish() }
  }

  /** Always returns the `{ parts }` form, whatever the sender's top-level shape was. */
  decode(encoded: EncodedContent, registry: CodecRegistry): CompositeParts {
    let proto: xmtp.message_contents.Composite
    try {
      proto = xmtp.message_contents.Composite.decode(encoded.content)
    } catch (error) {
      throw new MalformedContentError('composite content is not a valid Composite message', { cause: error })
    }
    return fromProto(proto, registry, 0)
  }

  fallback(): string | undefined {
    return undefined
  }

  shouldPush(): boolean {
    return false
  }
}
