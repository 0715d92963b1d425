// The node's cap on invite- topics (issue 19): real xmtp-js 13 invitations, with and without a
// context, with a few KB of metadata, pass and list on both sides; an envelope larger than any
// invitation is refused with a clear error (hostile-sync.int.test.ts covers a node without it).
import { describe, expect, it } from 'vitest'
import { Client } from '../../src/protocol/index.ts'
import { InvalidRequestError } from '../../src/protocol/api/index.ts'
import { inviteTopic } from '../../src/protocol/topics.ts'
import { DEFAULT_MAX_INVITE_MESSAGE_BYTES } from '../../src/node/limits.ts'
import { MAX_INVITATION_BYTES } from '../../src/protocol/client/conversations.ts'
import { newWallet } from '../helpers/wallets.ts'
import { createReferenceClient } from '../helpers/xmtp-js.ts'
import { useNode } from '../helpers/interop-setup.ts'

const env = useNode()

describe('the invite-topic cap', () => {
  it('lets every real xmtp-js invitation through, and they are far below both caps', async () => {
    const parleyWallet = newWallet()
    const parley = await Client.create(parleyWallet, { apiUrl: env.node.url })
    const js = await createReferenceClient(newWallet(), env.node.url)
    const metadata: Record<string, string> = {}
    for (let i = 0; i < 20; i++) metadata[`key${i}`] = 'm'.repeat(100)
    await js.conversations.newConversation(parleyWallet.address)
    await js.conversations.newConversation(parleyWallet.address, { conversationId: 'example.com/plain', metadata: { title: 'hi' } })
    await js.conversations.newConversation(parleyWallet.address, { conversationId: 'example.com/' + 'x'.repeat(200), metadata })
    // And Parley inviting xmtp-js: the sealed invitation lands on the xmtp-js side too.
    await parley.conversations.newConversation(js.address, { conversationId: 'from-parley', metadata: {} })
    const envelopes = await parley.api.query({ contentTopic: inviteTopic(parleyWallet.address) })
    expect(envelopes).toHaveLength(4)
    const largest = Math.max(...envelopes.map((e) => e.message.length))
    expect(largest).toBeLessThan(MAX_INVITATION_BYTES / 4)
    expect(MAX_INVITATION_BYTES).toBeLessThanOrEqual(DEFAULT_MAX_INVITE_MESSAGE_BYTES)
    expect((await parley.conversations.list()).map((c) => c.context?.conversationId ?? '').sort()).toEqual(
      ['', 'example.com/' + 'x'.repeat(200), 'example.com/plain', 'from-parley'].sort(),
    )
    expect((await js.conversations.list()).map((c: { context?: { conversationId: string } }) => c.context?.conversationId)).toContain('from-parley')
    await parley.close()
  })

  it('refuses a message on an invite topic larger than the cap with a clear error, and only there', async () => {
    const attacker = await Client.create(newWallet(), { apiUrl: env.node.url })
    const victim = newWallet()
    const junk = { contentTopic: inviteTopic(victim.address), timestampNs: BigInt(Date.now()) * 1_000_000n, message: new Uint8Array(DEFAULT_MAX_INVITE_MESSAGE_BYTES + 1) }
    const error = await attacker.api.publish([junk]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidRequestError)
    expect((error as Error).message).toContain(`an invitation is at most ${DEFAULT_MAX_INVITE_MESSAGE_BYTES} bytes`)
    expect(await attacker.api.query({ contentTopic: junk.contentTopic })).toEqual([])
    // The same size on a conversation topic is an ordinary message.
    await attacker.api.publish([{ ...junk, contentTopic: '/xmtp/0/m-invite-cap-test/proto' }])
    await attacker.close()
  })
})
