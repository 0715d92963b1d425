import { describe, expect, it } from 'vitest'
import { ContentTypeId, ContentTypeText, type DecodedMessage } from '../../protocol/index.ts'
import { DecompressedSizeError } from '../../protocol/content/index.ts'
import { MAX_TEXT_CHARS, toStoredMessage } from './content.ts'

const NOW = Date.UTC(2026, 11, 7, 12)

function message(fields: Partial<DecodedMessage>): DecodedMessage {
  return {
    id: 'ab'.repeat(32),
    messageVersion: 'v2',
    senderAddress: '0x0000000000000000000000000000000000000001',
    sent: new Date(NOW),
    content: 'hi',
    contentType: ContentTypeText,
    contentTopic: '/xmtp/0/m-x/proto',
    conversation: undefined as never,
    contentBytes: new Uint8Array(0),
    ...fields,
  }
}

describe('toStoredMessage under hostile content (issue 19)', () => {
  it('keeps at most MAX_TEXT_CHARS of a text, marked truncated', () => {
    const huge = 'x'.repeat(3 * 1024 * 1024)
    const { view } = toStoredMessage(message({ content: huge }), '/xmtp/0/m-x/proto', 'sent', NOW)
    expect(view.content).toEqual({ type: 'text', text: huge.slice(0, MAX_TEXT_CHARS), truncated: true })
    expect(JSON.stringify(view).length).toBeLessThan(MAX_TEXT_CHARS + 1000)
    const small = toStoredMessage(message({ content: 'short' }), '/xmtp/0/m-x/proto', 'sent', NOW).view
    expect(small.content).toEqual({ type: 'text', text: 'short' })
  })

  it('stores content past the inflation cap as too large to show, and caps the fallback', () => {
    const { view } = toStoredMessage(
      message({ content: undefined, error: new DecompressedSizeError(1024 * 1024), fallback: 'f'.repeat(100_000) }),
      '/xmtp/0/m-x/proto',
      'sent',
      NOW,
    )
    expect(view.content.type).toBe('unknown')
    expect(view.content).toMatchObject({ reason: 'tooLarge' })
    expect((view.content as { fallback: string }).fallback.length).toBeLessThanOrEqual(1000)
  })

  it('shows a time more than 5 minutes ahead of receipt as the time received, and keeps the claim', () => {
    const ahead = NOW + 3 * 3_600_000
    const { view } = toStoredMessage(message({ sent: new Date(ahead) }), '/xmtp/0/m-x/proto', 'sent', NOW)
    expect(view.sentAt).toBe(NOW)
    expect(view.claimedSentAt).toBe(ahead)
    const slightlyAhead = toStoredMessage(message({ sent: new Date(NOW + 60_000) }), '/xmtp/0/m-x/proto', 'sent', NOW).view
    expect(slightlyAhead.sentAt).toBe(NOW + 60_000) // a clock a minute fast is believed
    expect(slightlyAhead.claimedSentAt).toBeUndefined()
  })

  it('caps every other string a peer controls', () => {
    const type = new ContentTypeId({ authorityId: 'evil.example', typeId: 't'.repeat(10_000), versionMajor: 1, versionMinor: 0 })
    const { view } = toStoredMessage(message({ content: {}, contentType: type }), '/xmtp/0/m-x/proto', 'sent', NOW)
    expect((view.content as { contentType: string }).contentType.length).toBeLessThanOrEqual(256)
  })
})
