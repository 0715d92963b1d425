// Invitations from xmtp-js 13 pass Parley's topic-ownership check (issue 19 item 1): crossed
// and re-sent invitations, with and without context, list as one conversation each, never
// as a conflict, on the client that saw them arrive and on a fresh install.
import Long from 'long'
import { describe, expect, it } from 'vitest'
import { Client, InMemoryPersistence } from '../../src/protocol/index.ts'
import { sealInvitation } from '../../src/protocol/invitations/index.ts'
import { inviteTopic } from '../../src/protocol/topics.ts'
import { useNode } from '../helpers/interop-setup.ts'
import { newWallet } from '../helpers/wallets.ts'
import { createReferenceClient } from '../helpers/xmtp-js.ts'
import { keysOf } from '../../src/protocol/client/testing/exported-keys.ts'

const setup = useNode()

describe('xmtp-js 13 invitations are verified deterministic invitations', () => {
  it('crossed and re-sent invitations, with and without context, list once each and carry messages', async () => {
    const parleyWallet = newWallet()
    const jsWallet = newWallet()
    const parley = await Client.create(parleyWallet, { apiUrl: setup.node.url })
    const js = await createReferenceClient(jsWallet, setup.node.url)
    try {
      const context = { conversationId: 'xmtp.test/crossed', metadata: { k: 'v' } }
      // xmtp-js invites first; Parley, which has not listed yet, invites too: crossed invitations.
      const jsPlain = await js.conversations.newConversation(parleyWallet.address)
      const jsWithContext = await js.conversations.newConversation(parleyWallet.address, context)
      const plain = await parley.conversations.newConversation(jsWallet.address)
      const withContext = await parley.conversations.newConversation(jsWallet.address, context)
      expect([plain.topic, withContext.topic]).toEqual([jsPlain.topic, jsWithContext.topic])
      // xmtp-js re-sends both invitations (what a fresh xmtp-js keystore does for a known peer).
      const contact = await js.getUserContact(parleyWallet.address)
      for (const ctx of [undefined, context]) {
        const timestamp = new Date()
        const { payload } = await js.keystore.createInvite({ recipient: contact, createdNs: Long.fromNumber(timestamp.getTime()).multiply(1_000_000), context: ctx })
        await js.publishEnvelopes([{ contentTopic: inviteTopic(parleyWallet.address), message: payload, timestamp }])
      }
      await jsPlain.send('plain from xmtp-js')
      await jsWithContext.send('context from xmtp-js')

      const fresh = await Client.create(parleyWallet, { apiUrl: setup.node.url, persistence: new InMemoryPersistence() })
      try {
        for (const client of [parley, fresh]) {
          const listed = await client.conversations.list()
          expect(listed.map((c) => [c.topic, c.peerAddress, c.context?.conversationId])).toEqual([
            [jsPlain.topic, jsWallet.address, undefined],
            [jsWithContext.topic, jsWallet.address, context.conversationId],
          ])
          expect(client.conversations.conflicts()).toEqual([])
          expect(client.conversations.skippedCount).toBe(0)
          expect((await listed[0]!.messages()).map((m) => m.content)).toEqual(['plain from xmtp-js'])
          expect((await listed[1]!.messages()).map((m) => m.content)).toEqual(['context from xmtp-js'])
        }
        // Both topics are proven, not merely first seen: a squat on them is refused, not a conflict.
        const mallory = await Client.create(newWallet(), { apiUrl: setup.node.url })
        try {
          for (const topic of [jsPlain.topic, jsWithContext.topic]) {
            const sealed = await sealInvitation({ sender: keysOf(mallory), recipient: keysOf(parley).getSignedPublicKeyBundle(), invitation: { topic, keyMaterial: new Uint8Array(32).fill(1) } })
            await mallory.api.publish(sealed.envelopes)
          }
        } finally {
          await mallory.close()
        }
        for (const client of [parley, fresh]) {
          expect((await client.conversations.list()).map((c) => c.peerAddress)).toEqual([jsWallet.address, jsWallet.address])
          expect(client.conversations.conflicts()).toEqual([])
          expect(client.conversations.skippedCount).toBe(2)
        }
        // Reuse from the fresh install: the listed conversation, no new invitation needed.
        expect((await fresh.conversations.newConversation(jsWallet.address, context)).topic).toBe(jsWithContext.topic)
      } finally {
        await fresh.close()
      }
    } finally {
      await parley.close()
      await js.close()
    }
  })
})
