import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import {
  buildContentTopic,
  contactTopic,
  conversationTopic,
  dmTopic,
  introTopic,
  inviteTopic,
  isEphemeralTopic,
  isValidTopic,
  privateStoreTopic,
  randomConversationSuffix,
  toEphemeralTopic,
  topicCategory,
  userPreferencesTopic,
} from './topics.ts'

const xmtpjs = createRequire(import.meta.url)('@xmtp/xmtp-js')
const A = '0xF56d1F3b1290204441Cb3843C2Cac1C2f5AEd690'
const B = '0x3De402A325323Bb97f00cE3ad5bFAc96A11F9A34'

describe('topics (§1)', () => {
  it('match xmtp-js 13 builders, normalising addresses to EIP-55', () => {
    expect(contactTopic(A.toLowerCase())).toBe(xmtpjs.buildUserContactTopic(A))
    expect(contactTopic(A)).toBe(`/xmtp/0/contact-${A}/proto`)
    expect(privateStoreTopic(A.toLowerCase())).toBe(`/xmtp/0/privatestore-${A}/key_bundle/proto`)
    expect(privateStoreTopic(A)).toBe(xmtpjs.buildUserPrivateStoreTopic(`${A}/key_bundle`))
    expect(introTopic(A)).toBe(xmtpjs.buildUserIntroTopic(A))
    expect(inviteTopic(A)).toBe(xmtpjs.buildUserInviteTopic(A))
    expect(dmTopic(A, B)).toBe(xmtpjs.buildDirectMessageTopic(A, B))
    expect(dmTopic(B.toLowerCase(), A.toLowerCase())).toBe(`/xmtp/0/dm-${B}-${A}/proto`)
    expect(conversationTopic('4b52be1e8567d72d0bc407debe2d3c7fca2ae93a47e58c3f9b5c5068aff80ec5')).toBe(
      '/xmtp/0/m-4b52be1e8567d72d0bc407debe2d3c7fca2ae93a47e58c3f9b5c5068aff80ec5/proto',
    )
    expect(userPreferencesTopic('EBsHSM9lLmELuUVCMJ-tPE0kDcok1io9IwUO6WPC-cM')).toBe('/xmtp/0/userpreferences-EBsHSM9lLmELuUVCMJ-tPE0kDcok1io9IwUO6WPC-cM/proto')
  })

  it('sorts dm members by code unit (uppercase before lowercase), not case-insensitively', () => {
    const x = '0xaAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
    const members = dmTopic('0x000000000000000000000000000000000000dEaD', '0xB0000000000000000000000000000000000000a0')
    expect(members.indexOf('0x0000')).toBeLessThan(members.indexOf('0xB000'))
    expect(() => dmTopic(x, 'nope')).toThrow(TypeError)
  })

  it('converts to ephemeral twins and classifies categories like the node', () => {
    const m = conversationTopic('abc')
    expect(toEphemeralTopic(m)).toBe('/xmtp/0/mE-abc/proto')
    expect(toEphemeralTopic(dmTopic(A, B))).toBe(dmTopic(A, B).replace('/xmtp/0/dm-', '/xmtp/0/dmE-'))
    expect(toEphemeralTopic(contactTopic(A))).toBe(contactTopic(A))
    expect(topicCategory(privateStoreTopic(A))).toBe('privatestore')
    expect(topicCategory(toEphemeralTopic(m))).toBe('mE')
    expect(topicCategory('/xmtp/0/foo-bar/proto')).toBe('invalid')
    expect(topicCategory('test-123')).toBe('invalid')
    expect(isEphemeralTopic(toEphemeralTopic(dmTopic(A, B)))).toBe(true)
    expect(isEphemeralTopic(m)).toBe(false)
  })

  it('isValidTopic accepts printable topics and rejects junk', () => {
    expect(isValidTopic(conversationTopic(randomConversationSuffix()))).toBe(true)
    expect(isValidTopic(buildContentTopic('m-has space'))).toBe(false)
    expect(isValidTopic(buildContentTopic('m-\u00e9'))).toBe(false)
    expect(isValidTopic('/xmtp/0//proto')).toBe(false)
    expect(isValidTopic('no-markers')).toBe(false)
    expect(isValidTopic(42)).toBe(false)
  })

  it('old random suffixes use the xmtp-js 7–9 alphabet', () => {
    for (let i = 0; i < 20; i++) {
      const suffix = randomConversationSuffix()
      expect(suffix).toMatch(/^[A-Za-z0-9+-]{43}$/)
    }
    expect(() => conversationTopic('a/b')).toThrow(TypeError)
  })
})
