// Turns a conversation's messages (oldest first, as messages_list returns them) into what the
// screen draws: day sections, runs of bubbles from one sender, reactions folded onto the message
// they react to, and where the peer's latest read receipt falls. Pure, so it is tested directly.
import type { MessageContentView, MessageView } from '../../extension/views.ts'
import { sameAddress } from './address.ts'
import { sameDay } from './time.ts'

export interface ReactionSummary {
  emoji: string
  count: number
  /** Whether the viewer's own latest action for this emoji is 'added'. */
  mine: boolean
  senders: string[]
}

export interface BubbleItem {
  message: MessageView
  mine: boolean
  reactions: ReactionSummary[]
  /** For replies: the message quoted, when it is loaded. */
  quoted?: MessageView
  /** The quoted message is the viewer's own. */
  quotedMine: boolean
  /** The peer has read this message (their latest receipt is at or after it). */
  read: boolean
}

export interface SenderRun {
  senderAddress: string
  mine: boolean
  bubbles: BubbleItem[]
}

export interface DaySection {
  day: number
  runs: SenderRun[]
}

/** Messages that show as a bubble (reactions and read receipts are folded elsewhere). */
export function isVisible(content: MessageContentView): boolean {
  return content.type !== 'reaction' && content.type !== 'readReceipt'
}

/** Per referenced message: emoji → latest action per sender, in message order. */
export function foldReactions(messages: MessageView[], me: string): Map<string, ReactionSummary[]> {
  const state = new Map<string, Map<string, Map<string, boolean>>>()
  for (const m of messages) {
    if (m.content.type !== 'reaction') continue
    const { reference, content, action } = m.content
    const byEmoji = state.get(reference) ?? new Map<string, Map<string, boolean>>()
    state.set(reference, byEmoji)
    const bySender = byEmoji.get(content) ?? new Map<string, boolean>()
    byEmoji.set(content, bySender)
    bySender.set(m.senderAddress.toLowerCase(), action === 'added')
  }
  const out = new Map<string, ReactionSummary[]>()
  for (const [reference, byEmoji] of state) {
    const list: ReactionSummary[] = []
    for (const [emoji, bySender] of byEmoji) {
      const senders = [...bySender].filter(([, on]) => on).map(([s]) => s)
      if (senders.length === 0) continue
      list.push({ emoji, count: senders.length, mine: senders.includes(me.toLowerCase()), senders })
    }
    if (list.length > 0) out.set(reference, list)
  }
  return out
}

/** sentAt of the newest read receipt the peer sent, or 0. */
export function peerReadUpTo(messages: MessageView[], me: string): number {
  let at = 0
  for (const m of messages) {
    if (m.content.type === 'readReceipt' && !sameAddress(m.senderAddress, me)) at = Math.max(at, m.sentAt)
  }
  return at
}

export function buildThread(messages: MessageView[], me: string): DaySection[] {
  const reactions = foldReactions(messages, me)
  const byId = new Map(messages.map((m) => [m.id, m]))
  const readUpTo = peerReadUpTo(messages, me)
  const sections: DaySection[] = []
  for (const message of messages) {
    if (!isVisible(message.content)) continue
    const mine = sameAddress(message.senderAddress, me)
    const quoted = message.content.type === 'reply' ? byId.get(message.content.reference) : undefined
    const bubble: BubbleItem = {
      message,
      mine,
      reactions: reactions.get(message.id) ?? [],
      quotedMine: quoted ? sameAddress(quoted.senderAddress, me) : false,
      read: mine && message.delivery === 'sent' && readUpTo > 0 && message.sentAt <= readUpTo,
      ...(quoted ? { quoted } : {}),
    }
    let section = sections.at(-1)
    if (!section || !sameDay(section.day, message.sentAt)) {
      section = { day: message.sentAt, runs: [] }
      sections.push(section)
    }
    const run = section.runs.at(-1)
    if (run && sameAddress(run.senderAddress, message.senderAddress)) run.bubbles.push(bubble)
    else section.runs.push({ senderAddress: message.senderAddress, mine, bubbles: [bubble] })
  }
  return sections
}

/** Merges updates into a list by id (an update replaces the old copy), oldest first. */
export function mergeMessages(current: MessageView[], updates: MessageView[]): MessageView[] {
  const byId = new Map(current.map((m) => [m.id, m]))
  for (const m of updates) byId.set(m.id, m)
  return [...byId.values()].sort((a, b) => a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** One line for a quote or a preview. */
export function summarize(content: MessageContentView): string {
  switch (content.type) {
    case 'text':
      return content.text
    case 'reply':
      return summarize(content.content)
    case 'attachment':
      return `📎 ${content.filename}`
    case 'remoteAttachment':
      return `📎 ${content.filename ?? 'Attachment'}`
    case 'reaction':
      return content.action === 'added' ? `Reacted ${content.content}` : 'Removed a reaction'
    case 'readReceipt':
      return 'Read'
    case 'unknown':
      return content.fallback ?? 'A message Parley cannot show yet'
  }
}
