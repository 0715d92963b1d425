// Test-only: a populated fake background (two accounts, a few conversations with reactions,
// a reply, an image, a failed message, a read receipt, a request) for previews and tests.
import { SAMPLE_PNG_BASE64 } from './sample-image.ts'
import { FakeBackground, type FakeOptions } from './fake-background.ts'

export const PEERS = {
  alice: '0x8ba1f109551bD432803012645Ac136ddd64DBA72',
  bob: '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  carol: '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  dave: '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
} as const

export function demoBackground(options: FakeOptions = {}): FakeBackground {
  const fake = new FakeBackground({ initialized: true, ...options })
  const me = fake.addAccount('Personal', '0x5B38Da6a701c568545dCfcB03FcB875f56beddC4').address
  fake.addAccount('Work', '0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2')
  const now = fake.now
  const min = 60_000
  const day = 86_400_000

  const alice = fake.addConversation(PEERS.alice)
  const a1 = fake.addMessage(alice.topic, PEERS.alice, { type: 'text', text: 'Hey! Did you see the governance proposal for the grants round?' }, now - day - 40 * min)
  fake.addMessage(alice.topic, me, { type: 'text', text: 'Yes, reading it now. The budget split looks fair to me.' }, now - day - 35 * min)
  fake.addMessage(alice.topic, PEERS.alice, { type: 'reaction', reference: a1.id, action: 'added', schema: 'unicode', content: '👍' }, now - day - 34 * min)
  const a2 = fake.addMessage(alice.topic, PEERS.alice, { type: 'text', text: 'Great. I will vote for it tonight.' }, now - 50 * min)
  fake.addMessage(alice.topic, PEERS.alice, { type: 'attachment', filename: 'sunset.png', mimeType: 'image/png', dataBase64: SAMPLE_PNG_BASE64 }, now - 49 * min)
  fake.addMessage(alice.topic, me, { type: 'reply', reference: a2.id, content: { type: 'text', text: 'Same here. Want to grab a coffee after the call?' } }, now - 20 * min)
  const a3 = fake.addMessage(alice.topic, me, { type: 'text', text: 'Around 5 works for me ☕' }, now - 19 * min)
  fake.addMessage(alice.topic, PEERS.alice, { type: 'reaction', reference: a3.id, action: 'added', schema: 'unicode', content: '❤️' }, now - 15 * min)
  fake.addMessage(alice.topic, me, { type: 'reaction', reference: a3.id, action: 'added', schema: 'unicode', content: '❤️' }, now - 14 * min)
  fake.addMessage(alice.topic, PEERS.alice, { type: 'readReceipt' }, now - 13 * min)
  fake.addMessage(alice.topic, PEERS.alice, { type: 'text', text: 'Perfect, see you there!' }, now - 3 * min)
  fake.addMessage(alice.topic, me, { type: 'text', text: 'I will bring the slides.' }, now - 1 * min, 'failed', 'The node did not answer. Check your connection.')
  alice.unreadCount = 2

  const bob = fake.addConversation(PEERS.bob)
  fake.addMessage(bob.topic, me, { type: 'text', text: 'Sent you the invoice for the audit.' }, now - 3 * day)
  fake.addMessage(bob.topic, PEERS.bob, { type: 'text', text: 'Thanks, paid. Tx is on chain.' }, now - 2 * day)
  bob.unreadCount = 0

  const carol = fake.addConversation(PEERS.carol)
  fake.addMessage(carol.topic, PEERS.carol, { type: 'text', text: 'gm! are you coming to the meetup on Friday?' }, now - 5 * 60 * min)
  carol.unreadCount = 0

  const dave = fake.addConversation(PEERS.dave, 'unknown')
  fake.addMessage(dave.topic, PEERS.dave, { type: 'text', text: 'Hi, I found your address on the hackathon page. Open to collaborate?' }, now - 90 * min)

  fake.sites = [{ origin: 'https://app.uniswap.example', accountAddress: me, scopes: ['read', 'send', 'stream'], connectedAt: now - 7 * day }]
  return fake
}
