// Content type identifiers (§2.6, §10.1): `<authority_id>/<type_id>:<major>.<minor>`.
import type { xmtp } from '../../gen/proto.js'

export interface ContentTypeIdFields {
  authorityId: string
  typeId: string
  versionMajor: number
  versionMinor: number
}

const MAX_UINT32 = 0xffff_ffff

function checkName(value: unknown, label: string, forbidden: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${label} must be a non-empty string`)
  for (const ch of forbidden) {
    if (value.includes(ch)) throw new TypeError(`${label} must not contain "${ch}"`)
  }
  return value
}

function checkVersion(value: unknown, label: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${label} must be an integer`)
  if (value < 0 || value > MAX_UINT32) throw new RangeError(`${label} must be a uint32`)
  return value
}

/** Identifies a content type; immutable. Codecs are looked up by authority and type only. */
export class ContentTypeId {
  readonly authorityId: string
  readonly typeId: string
  readonly versionMajor: number
  readonly versionMinor: number

  constructor(fields: ContentTypeIdFields) {
    if (typeof fields !== 'object' || fields === null) throw new TypeError('contentType must be an object')
    // The string form uses '/' and ':' as separators, so they may not appear inside the names.
    this.authorityId = checkName(fields.authorityId, 'contentType.authorityId', '/:')
    this.typeId = checkName(fields.typeId, 'contentType.typeId', '/:')
    this.versionMajor = checkVersion(fields.versionMajor, 'contentType.versionMajor')
    this.versionMinor = checkVersion(fields.versionMinor, 'contentType.versionMinor')
    Object.freeze(this)
  }

  /** Parses `authority/type:major.minor`. */
  static fromString(text: string): ContentTypeId {
    if (typeof text !== 'string') throw new TypeError('contentType must be a string')
    const match = /^([^/:]+)\/([^/:]+):(\d+)\.(\d+)$/.exec(text)
    if (!match) throw new TypeError(`contentType "${text}" is not of the form authority/type:major.minor`)
    return new ContentTypeId({
      authorityId: match[1]!,
      typeId: match[2]!,
      versionMajor: Number(match[3]),
      versionMinor: Number(match[4]),
    })
  }

  /** Builds an id from a decoded protobuf `ContentTypeId`; throws TypeError when fields are missing. */
  static fromProto(proto: xmtp.message_contents.ContentTypeId.$Properties): ContentTypeId {
    return new ContentTypeId({
      authorityId: proto.authorityId ?? '',
      typeId: proto.typeId ?? '',
      versionMajor: proto.versionMajor ?? 0,
      versionMinor: proto.versionMinor ?? 0,
    })
  }

  /** The codec lookup key: `authority/type` (§10.1). */
  get key(): string {
    return `${this.authorityId}/${this.typeId}`
  }

  toString(): string {
    return `${this.authorityId}/${this.typeId}:${this.versionMajor}.${this.versionMinor}`
  }

  /** Same authority and type, whatever the versions (the reference SDK's rule). */
  sameAs(other: ContentTypeIdFields): boolean {
    return this.authorityId === other.authorityId && this.typeId === other.typeId
  }

  /** Same authority, type and both versions. */
  equals(other: ContentTypeIdFields): boolean {
    return this.sameAs(other) && this.versionMajor === other.versionMajor && this.versionMinor === other.versionMinor
  }

  toProto(): xmtp.message_contents.ContentTypeId.$Properties {
    return {
      authorityId: this.authorityId,
      typeId: this.typeId,
      versionMajor: this.versionMajor,
      versionMinor: this.versionMinor,
    }
  }
}

/** Accepts a ContentTypeId or plain fields and returns a checked ContentTypeId. */
export function toContentTypeId(value: ContentTypeId | ContentTypeIdFields, label = 'contentType'): ContentTypeId {
  if (value instanceof ContentTypeId) return value
  if (typeof value !== 'object' || value === null) throw new TypeError(`${label} must be a ContentTypeId`)
  return new ContentTypeId(value)
}
