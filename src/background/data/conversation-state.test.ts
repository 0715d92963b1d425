import { describe, expect, it } from 'vitest'
import type { MessageView } from '../../extension/views.ts'
import { applyMessage, type ConversationState } from './conversation-state.ts'

const ME = '0x1111111111111111111111111111111111111111'
const PEER = '0x2222222222222222222222222222222222222222'
const state: ConversationState = { topic: '/xmtp/0/m-x/proto', peerAddress: PEER, version: 'v2', createdAt: 1, muted: false, unreadCount: 0, lastReadAt: 0, repliedByMe: false }
const message = (content: MessageView['content'], sender = ME): MessageView => ({ id: 'aa', topic: state.topic, senderAddress: sender, sentAt: 10, content, delivery: 'sent' })

describe('applyMessage and consent', () => {
  it('what the user writes accepts a request; a read receipt of theirs does not', () => {
    expect(applyMessage(state, message({ type: 'readReceipt' }), ME, true).repliedByMe).toBe(false)
    expect(applyMessage(state, message({ type: 'text', text: 'hi' }), ME, true).repliedByMe).toBe(true)
    expect(applyMessage(state, message({ type: 'text', text: 'hi' }, PEER), ME, true).repliedByMe).toBe(false)
  })
})
