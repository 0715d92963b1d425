// Reading a conversation sends a read receipt: only for an accepted conversation with something
// unread, only with the setting on; never in a request.
import { describe, expect, it } from 'vitest'
import type { ContentInput, ConversationView } from '../../extension/views.ts'
import type { AccountData } from '../contracts.ts'
import { createMessagingHandlers } from './messaging.ts'

const EXT = { kind: 'extension' } as const

function handlersWith(conversation: Partial<ConversationView>, setting: boolean) {
  const sent: ContentInput[] = []
  const view = { topic: '/xmtp/0/m-a/proto', peerAddress: '0x2222222222222222222222222222222222222222', version: 'v2', createdAt: 1, consent: 'allowed', unreadCount: 2, muted: false, ...conversation } as ConversationView
  const data = {
    getConversation: async () => view,
    markRead: async () => 0,
    send: async (_topic: string, content: ContentInput) => {
      sent.push(content)
      return {} as never
    },
  } as Partial<AccountData> as AccountData
  const h = createMessagingHandlers({ activeData: () => data, locked: () => false, sessionView: () => ({ state: 'ready' }), openTab: async () => {}, readReceipts: async () => setting })
  return { h, sent, topic: view.topic }
}

describe('read receipts', () => {
  it('are sent when an accepted conversation with unread messages is read', async () => {
    const { h, sent, topic } = handlersWith({}, true)
    expect(await h.conversations_markRead({ topic }, EXT)).toEqual({ unreadTotal: 0 })
    expect(sent).toEqual([{ type: 'readReceipt' }])
  })

  it('are never sent in a request, with nothing unread, or with the setting off', async () => {
    for (const [conversation, setting] of [
      [{ consent: 'unknown' }, true],
      [{ unreadCount: 0 }, true],
      [{}, false],
    ] as const) {
      const { h, sent, topic } = handlersWith(conversation, setting)
      await h.conversations_markRead({ topic }, EXT)
      expect(sent, JSON.stringify([conversation, setting])).toEqual([])
    }
  })
})
