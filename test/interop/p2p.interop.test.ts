// xmtp-js 13 and Parley on different nodes of one peer-to-peer network (auth on): an xmtp-js
// client on node A, a Parley client on node C. Everything each one publishes (contact bundles,
// invitations, messages) reaches the other only through the gossip relay between the nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, type DecodedMessage } from '../../src/protocol/index.ts'
import { startNetNode, waitFor, waitForPeers, type NetNode } from '../../src/node/p2p/testing.ts'
import { nextWithin } from '../helpers/streams.ts'
import { newWallet, type TestWallet } from '../helpers/wallets.ts'
import { createReferenceClient } from '../helpers/xmtp-js.ts'

let a: NetNode
let c: NetNode
let jsWallet: TestWallet
let parleyWallet: TestWallet
let js: any // eslint-disable-line @typescript-eslint/no-explicit-any
let parley: Client

beforeAll(async () => {
  a = await startNetNode({ auth: true })
  c = await startNetNode({ auth: true, bootstrap: [a.bareAddress] })
  await Promise.all([waitForPeers(a, [c.peerId]), waitForPeers(c, [a.peerId])])
  jsWallet = newWallet()
  parleyWallet = newWallet()
  js = await createReferenceClient(jsWallet, a.url)
  parley = await Client.create(parleyWallet, { apiUrl: c.url })
  // Each side's contact bundle was published on its own node; the relay carries it across.
  await waitFor('A and C to know both contacts', async () => (await parley.canMessage(jsWallet.address)) && (await js.canMessage(parleyWallet.address)))
})
afterAll(async () => {
  await parley?.close()
  await Promise.all([a?.stop(), c?.stop()])
})

describe('xmtp-js on node A ⇄ Parley on node C', () => {
  it('a conversation Parley starts on C is listed by xmtp-js on A; messages flow both ways', async () => {
    const context = { conversationId: 'p2p.test/from-parley', metadata: {} }
    const convo = await parley.conversations.newConversation(jsWallet.address, context)
    await convo.send('hi from parley on C')
    let jsConvo: any // eslint-disable-line @typescript-eslint/no-explicit-any
    await waitFor('xmtp-js to list the conversation', async () => {
      jsConvo = (await js.conversations.list()).find((x: { topic: string }) => x.topic === convo.topic)
      return jsConvo !== undefined && (await jsConvo.messages()).length === 1
    })
    const [first] = await jsConvo.messages()
    expect([first.content, first.senderAddress]).toEqual(['hi from parley on C', parleyWallet.address])

    await jsConvo.send('hi from xmtp-js on A')
    await waitFor('Parley to read the reply', async () => (await convo.messages()).length === 2)
    expect((await convo.messages()).map((m) => [m.senderAddress, m.content])).toEqual([
      [parleyWallet.address, 'hi from parley on C'],
      [jsWallet.address, 'hi from xmtp-js on A'],
    ])
  })

  it('a conversation xmtp-js starts on A reaches Parley\'s live stream on C, and Parley answers', async () => {
    const stream = await parley.conversations.streamAllMessages()
    try {
      const jsConvo = await js.conversations.newConversation(parleyWallet.address, { conversationId: 'p2p.test/from-js', metadata: {} })
      await jsConvo.send('streamed across the network')
      const message: DecodedMessage = await nextWithin(stream, 30_000)
      expect([message.content, message.senderAddress, message.contentTopic]).toEqual(['streamed across the network', jsWallet.address, jsConvo.topic])

      const convo = (await parley.conversations.list()).find((x) => x.topic === jsConvo.topic)
      expect(convo).toBeDefined()
      await convo!.send('answer from C')
      await waitFor('xmtp-js to read the answer', async () => (await jsConvo.messages()).length === 2)
      expect((await jsConvo.messages()).map((m: DecodedMessage) => m.content)).toEqual(['streamed across the network', 'answer from C'])
    } finally {
      await stream.return?.()
    }
  })
})
