// xmtp.org/reaction:1.0 (§10.2): UTF-8 JSON; older senders put action/reference/schema into
// parameters and the emoji alone into the content ("legacy parameters form").
import type { ContentCodec, EncodedContent, EncodedContentFields } from '../codec.ts'
import { ContentTypeId } from '../content-type-id.ts'
import { ContentCodecError } from '../errors.ts'
import { fromUtf8, utf8 } from '../../../wire/bytes.ts'

export const ContentTypeReaction = new ContentTypeId({
  authorityId: 'xmtp.org',
  typeId: 'reaction',
  versionMajor: 1,
  versionMinor: 0,
})

export type ReactionAction = 'added' | 'removed'
export type ReactionSchema = 'unicode' | 'shortcode' | 'custom'

export interface Reaction {
  /** ID (hex SHA-256 of the Message bytes) of the message reacted to. */
  reference: string
  /** Inbox of the referenced message's sender (V3 groups only). */
  referenceInboxId?: string
  action: ReactionAction
  schema: ReactionSchema
  content: string
}

const ACTIONS: readonly string[] = ['added', 'removed']
const SCHEMAS: readonly string[] = ['unicode', 'shortcode', 'custom']

function fail(message: string): never {
  throw new ContentCodecError(ContentTypeReaction, message)
}

function checkDecoded(fields: Record<string, unknown>): Reaction {
  const { action, reference, referenceInboxId, schema, content } = fields
  if (typeof action !== 'string' || !ACTIONS.includes(action)) fail(`unknown action ${JSON.stringify(action ?? null)}`)
  if (typeof schema !== 'string' || !SCHEMAS.includes(schema)) fail(`unknown schema ${JSON.stringify(schema ?? null)}`)
  if (typeof reference !== 'string') fail('reference must be a string')
  if (typeof content !== 'string') fail('content must be a string')
  const reaction: Reaction = { reference, action: action as ReactionAction, schema: schema as ReactionSchema, content }
  if (typeof referenceInboxId === 'string') reaction.referenceInboxId = referenceInboxId
  return reaction
}

export class ReactionCodec implements ContentCodec<Reaction> {
  get contentType(): ContentTypeId {
    return ContentTypeReaction
  }

  encode(reaction: Reaction): EncodedContentFields {
    if (typeof reaction !== 'object' || reaction === null) throw new TypeError('reaction must be an object')
    if (!ACTIONS.includes(reaction.action)) throw new TypeError('reaction.action must be "added" or "removed"')
    if (!SCHEMAS.includes(reaction.schema)) throw new TypeError('reaction.schema must be "unicode", "shortcode" or "custom"')
    if (typeof reaction.reference !== 'string') throw new TypeError('reaction.reference must be a string')
    if (typeof reaction.content !== 'string') throw new TypeError('reaction.content must be a string')
    if (reaction.referenceInboxId !== undefined && typeof reaction.referenceInboxId !== 'string') {
      throw new TypeError('reaction.referenceInboxId must be a string when given')
    }
    // Key order as in the reference codec (JSON.stringify drops an undefined referenceInboxId),
    // so both produce identical bytes.
    const json = JSON.stringify({
      action: reaction.action,
      reference: reaction.reference,
      referenceInboxId: reaction.referenceInboxId,
      schema: reaction.schema,
      content: reaction.content,
    })
    return { type: ContentTypeReaction, parameters: {}, content: utf8(json) }
  }

  decode(encoded: EncodedContent): Reaction {
    let text: string
    try {
      text = fromUtf8(encoded.content)
    } catch (error) {
      throw new ContentCodecError(ContentTypeReaction, 'content is not UTF-8', { cause: error })
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined // not JSON: the legacy form, whose content is the bare emoji
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return checkDecoded(parsed as Record<string, unknown>)
    }
    const { action, reference, schema } = encoded.parameters
    if (action === undefined && reference === undefined && schema === undefined) {
      fail('content is neither reaction JSON nor the legacy parameters form')
    }
    return checkDecoded({ action, reference, schema, content: text })
  }

  fallback(reaction: Reaction): string | undefined {
    switch (reaction.action) {
      case 'added':
        return `Reacted \u201c${reaction.content}\u201d to an earlier message`
      case 'removed':
        return `Removed \u201c${reaction.content}\u201d from an earlier message`
      default:
        return undefined
    }
  }

  /** xmtp-js 13.0.3 behaviour: push for added reactions only (§10.2). */
  shouldPush(reaction: Reaction): boolean {
    return reaction.action === 'added'
  }
}
