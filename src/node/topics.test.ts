import { describe, expect, it } from 'vitest'
import { isEphemeralTopic, isUserPreferencesTopic, isXmtpTopic, restrictedTopicOwner } from './topics.ts'

const A = '0xAbC0000000000000000000000000000000000001'

describe('topics', () => {
  it('treats mE- and dmE- as ephemeral only', () => {
    expect(isEphemeralTopic('/xmtp/0/mE-abc/proto')).toBe(true)
    expect(isEphemeralTopic('/xmtp/0/dmE-a-b/proto')).toBe(true)
    expect(isEphemeralTopic('/xmtp/0/m-abc/proto')).toBe(false)
    expect(isEphemeralTopic('/xmtp/0/dm-a-b/proto')).toBe(false)
    expect(isEphemeralTopic('mE-abc')).toBe(false)
  })

  it('names the owner of contact and privatestore topics, exactly as written', () => {
    expect(restrictedTopicOwner(`/xmtp/0/contact-${A}/proto`)).toBe(A)
    expect(restrictedTopicOwner(`/xmtp/0/privatestore-${A}/key_bundle/proto`)).toBe(A)
    expect(restrictedTopicOwner(`/xmtp/0/contact-${A.toLowerCase()}/proto`)).toBe(A.toLowerCase())
    expect(restrictedTopicOwner('/xmtp/0/contact/proto')).toBe('')
    expect(restrictedTopicOwner(`/xmtp/0/invite-${A}/proto`)).toBeUndefined()
    expect(restrictedTopicOwner(`/xmtp/0/intro-${A}/proto`)).toBeUndefined()
    expect(restrictedTopicOwner(`contact-${A}`)).toBeUndefined()
  })

  it('knows /xmtp/0/ topics and userpreferences topics', () => {
    expect(isXmtpTopic('/xmtp/0/m-a/proto')).toBe(true)
    expect(isXmtpTopic('/xmtp/1/m-a/proto')).toBe(false)
    expect(isUserPreferencesTopic('/xmtp/0/userpreferences-abc/proto')).toBe(true)
    expect(isUserPreferencesTopic('userpreferences-abc')).toBe(true)
    expect(isUserPreferencesTopic('/xmtp/0/m-userpreferences-abc/proto')).toBe(false)
  })
})
