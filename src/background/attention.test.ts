import { describe, expect, it } from 'vitest'
import type { ConversationView, MessageView } from '../extension/views.ts'
import { accountNotificationId, Attention, badgeText, notificationId, previewOf, targetOfNotification, topicOfNotification } from './attention.ts'

const NOW = 1_800_000_000_000
const TOPIC = '/xmtp/0/m-abc/proto'
const PEER = '0x1111111111111111111111111111111111111111'
const ME = '0x2222222222222222222222222222222222222222'

const conversation = (over: Partial<ConversationView> = {}): ConversationView => ({
  topic: TOPIC,
  peerAddress: PEER,
  version: 'v2',
  createdAt: NOW - 1000,
  consent: 'allowed',
  unreadCount: 1,
  muted: false,
  ...over,
})
const message = (id: string, over: Partial<MessageView> = {}): MessageView => ({
  id,
  topic: TOPIC,
  senderAddress: PEER,
  sentAt: NOW - 1000,
  content: { type: 'text', text: `hello ${id}` },
  delivery: 'sent',
  ...over,
})

function attention(over: { enabled?: boolean; viewing?: string | null } = {}) {
  const shown: { id: string; title: string; message: string }[] = []
  const badges: string[] = []
  const a = new Attention({
    setBadge: async (t) => void badges.push(t),
    notify: async (id, o) => void shown.push({ id, ...o }),
    notificationsEnabled: async () => over.enabled ?? true,
    isViewing: (t) => t === over.viewing,
    ownAddress: () => ME,
    now: () => NOW,
  })
  return { a, shown, badges }
}

describe('Attention notifications', () => {
  it('notifies once per new message from an allowed sender', async () => {
    const { a, shown } = attention()
    expect(await a.onMessages(conversation(), [message('m1'), message('m2')])).toEqual(['m1', 'm2'])
    expect(await a.onMessages(conversation(), [message('m1')])).toEqual([]) // replay / poll + stream overlap
    expect(shown[0]).toEqual({ id: notificationId(TOPIC, 'm1'), title: '0x1111…1111', message: 'hello m1' })
    expect(topicOfNotification(shown[0]!.id)).toBe(TOPIC)
  })

  it('stays quiet for requests, muted conversations, the open conversation, own and old messages, and when switched off', async () => {
    expect(await attention().a.onMessages(conversation({ consent: 'unknown' }), [message('m')])).toEqual([])
    expect(await attention().a.onMessages(conversation({ muted: true }), [message('m')])).toEqual([])
    expect(await attention({ viewing: TOPIC }).a.onMessages(conversation(), [message('m')])).toEqual([])
    expect(await attention({ enabled: false }).a.onMessages(conversation(), [message('m')])).toEqual([])
    const { a } = attention()
    expect(await a.onMessages(conversation(), [message('own', { senderAddress: ME }), message('old', { sentAt: NOW - 3_600_000 })])).toEqual([])
  })
})

describe('badge', () => {
  it('shows the unread count, nothing at zero, and skips repeats', async () => {
    expect([badgeText(0), badgeText(7), badgeText(120)]).toEqual(['', '7', '99+'])
    const { a, badges } = attention()
    await a.updateBadge(2)
    await a.updateBadge(2)
    await a.updateBadge(0)
    expect(badges).toEqual(['2', ''])
  })
})

describe('previewOf', () => {
  it('gives one line per content type', () => {
    expect(previewOf(message('a', { content: { type: 'attachment', filename: 'cat.png', mimeType: 'image/png', dataBase64: '' } }))).toBe('📎 cat.png')
    expect(previewOf(message('a', { content: { type: 'reaction', reference: 'x', action: 'added', schema: 'unicode', content: '👍' } }))).toBe('Reacted 👍')
    expect(previewOf(message('a', { content: { type: 'text', text: 'x'.repeat(300) } }))).toHaveLength(140)
  })
})

describe('notification ids', () => {
  it('carry the account for a message to an account not in use, and only the topic otherwise', () => {
    const topic = '/xmtp/0/m-ab:cd/proto'
    expect(targetOfNotification(notificationId(topic, 'ff'))).toEqual({ accountId: null, topic })
    expect(targetOfNotification(accountNotificationId('acct:7', topic, 'ff'))).toEqual({ accountId: 'acct:7', topic })
    expect(targetOfNotification('something else')).toBeNull()
  })
})
