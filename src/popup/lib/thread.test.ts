import { describe, expect, it } from 'vitest'
import type { MessageContentView, MessageView } from '../../extension/views.ts'
import { buildThread, foldReactions, mergeMessages, summarize } from './thread.ts'

const ME = '0x5B38Da6a701c568545dCfcB03FcB875f56beddC4'
const PEER = '0x8ba1f109551bD432803012645Ac136ddd64DBA72'
const T0 = new Date(2026, 11, 1, 10, 0).getTime()
let n = 0
const msg = (sender: string, content: MessageContentView, at: number, extra: Partial<MessageView> = {}): MessageView => ({
  id: (++n).toString(16).padStart(64, '0'),
  topic: '/xmtp/0/m-x/proto',
  senderAddress: sender,
  sentAt: at,
  content,
  delivery: 'sent',
  ...extra,
})
const text = (t: string): MessageContentView => ({ type: 'text', text: t })

describe('thread layout', () => {
  it('groups by day, then by runs of one sender', () => {
    const list = [msg(PEER, text('a'), T0), msg(PEER, text('b'), T0 + 1000), msg(ME.toLowerCase(), text('c'), T0 + 2000), msg(PEER, text('d'), T0 + 86_400_000)]
    const days = buildThread(list, ME)
    expect(days).toHaveLength(2)
    expect(days[0]?.runs.map((r) => [r.mine, r.bubbles.length])).toEqual([
      [false, 2],
      [true, 1],
    ])
    expect(days[1]?.runs[0]?.bubbles[0]?.message.content).toEqual(text('d'))
  })

  it('folds reactions onto their message; a later removal takes one away', () => {
    const target = msg(PEER, text('hi'), T0)
    const list = [
      target,
      msg(ME, { type: 'reaction', reference: target.id, action: 'added', schema: 'unicode', content: '👍' }, T0 + 1),
      msg(PEER, { type: 'reaction', reference: target.id, action: 'added', schema: 'unicode', content: '👍' }, T0 + 2),
      msg(PEER, { type: 'reaction', reference: target.id, action: 'added', schema: 'unicode', content: '😂' }, T0 + 3),
      msg(PEER, { type: 'reaction', reference: target.id, action: 'removed', schema: 'unicode', content: '😂' }, T0 + 4),
    ]
    const days = buildThread(list, ME)
    expect(days[0]?.runs).toHaveLength(1) // reactions are not bubbles
    expect(days[0]?.runs[0]?.bubbles[0]?.reactions).toEqual([{ emoji: '👍', count: 2, mine: true, senders: [ME.toLowerCase(), PEER.toLowerCase()] }])
    list.push(msg(ME, { type: 'reaction', reference: target.id, action: 'removed', schema: 'unicode', content: '👍' }, T0 + 5))
    expect(foldReactions(list, ME).get(target.id)).toEqual([{ emoji: '👍', count: 1, mine: false, senders: [PEER.toLowerCase()] }])
  })

  it('quotes the replied-to message and marks mine read up to the peer receipt', () => {
    const first = msg(ME, text('question?'), T0)
    const second = msg(ME, text('and another'), T0 + 10_000)
    const list = [first, msg(PEER, { type: 'readReceipt' }, T0 + 5000), second, msg(PEER, { type: 'reply', reference: first.id, content: text('answer') }, T0 + 20_000)]
    const bubbles = buildThread(list, ME).flatMap((d) => d.runs.flatMap((r) => r.bubbles))
    expect(bubbles.map((b) => [b.message.id, b.read])).toEqual([
      [first.id, true],
      [second.id, false],
      [list[3]?.id, false],
    ])
    expect(bubbles[2]?.quoted?.id).toBe(first.id)
    expect(bubbles[2]?.quotedMine).toBe(true)
  })

  it('merges updates by id (pending → sent) and keeps time order', () => {
    const a = msg(ME, text('x'), T0 + 5, { delivery: 'pending' })
    const b = msg(PEER, text('y'), T0)
    const merged = mergeMessages([a], [b, { ...a, delivery: 'sent' }])
    expect(merged.map((m) => [m.id, m.delivery])).toEqual([
      [b.id, 'sent'],
      [a.id, 'sent'],
    ])
  })

  it('summarises every content kind in one line', () => {
    expect(summarize({ type: 'attachment', filename: 'a.png', mimeType: 'image/png', dataBase64: '' })).toBe('📎 a.png')
    expect(summarize({ type: 'reply', reference: 'x', content: text('hey') })).toBe('hey')
    expect(summarize({ type: 'unknown', contentType: 'x/y:1.0' })).toBe('A message Parley cannot show yet')
  })
})
