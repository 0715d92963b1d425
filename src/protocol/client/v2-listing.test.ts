// The listing's invitation-opening seam (ClientOptions.openInvitations, issue 24): each page of
// invite-topic envelopes goes to the opener passed in; its outcomes decide what is listed and
// what is skipped; an opener that fails as a whole costs nothing but its speed.
import { describe, expect, it } from 'vitest'
import { generatePrivateKey } from '../crypto/index.ts'
import { deriveConversation, openInvitationsInThread, sealInvitation, type InvitationOpener } from '../invitations/index.ts'
import { PrivateKeyBundleV1, PrivateKeySigner } from '../keys/index.ts'
import { Client } from './client.ts'

interface StoredEnvelope {
  contentTopic: string
  timestampNs: string
  message: string
}

/** An in-memory message API: stores what is published, answers queries per topic in time order. */
function nodeDouble() {
  const stored: StoredEnvelope[] = []
  const answer = (query: { contentTopics?: string[] }) => ({
    envelopes: stored.filter((e) => (query.contentTopics ?? []).includes(e.contentTopic)).sort((a, b) => (BigInt(a.timestampNs) < BigInt(b.timestampNs) ? -1 : 1)),
    pagingInfo: null,
  })
  return async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body ?? '{}'))
    if (url.endsWith('/message/v1/publish')) {
      stored.push(...(body.envelopes as StoredEnvelope[]))
      return new Response('{}')
    }
    if (url.endsWith('/message/v1/query')) return new Response(JSON.stringify(answer(body)))
    if (url.endsWith('/message/v1/batch-query')) return new Response(JSON.stringify({ responses: (body.requests as object[]).map(answer) }))
    return new Response(JSON.stringify({ code: 12, message: 'not in the double' }), { status: 501 })
  }
}

/** An invitee on a node double holding `count` invitations from distinct inviters. */
async function invited(count: number) {
  const fetch = nodeDouble()
  const inviteeKeys = await PrivateKeyBundleV1.generate(new PrivateKeySigner(generatePrivateKey()))
  const recipient = inviteeKeys.getSignedPublicKeyBundle()
  const publisher = await Client.create(null, { apiUrl: 'http://node.test', fetch, privateKeyOverride: inviteeKeys.encode() })
  const topics: string[] = []
  for (let i = 0; i < count; i++) {
    const sender = await PrivateKeyBundleV1.generate(new PrivateKeySigner(generatePrivateKey()))
    const derived = deriveConversation(sender, recipient)
    const sealed = await sealInvitation({ sender, recipient, invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial } })
    await publisher.api.publish(sealed.envelopes)
    topics.push(derived.topic)
  }
  const listWith = async (openInvitations?: InvitationOpener) => {
    const client = await Client.create(null, { apiUrl: 'http://node.test', fetch, privateKeyOverride: inviteeKeys.encode(), ...(openInvitations ? { openInvitations } : {}) })
    const listed = (await client.conversations.list()).map((c) => c.topic)
    return { client, listed }
  }
  return { topics, listWith, inviteeAddress: inviteeKeys.walletAddress }
}

describe('V2 listing: the invitation opener passed in', () => {
  it('gets every page of envelopes with the client keys, and its outcomes are what is listed', async () => {
    const world = await invited(3)
    const calls: Array<{ address: string; count: number }> = []
    const opener: InvitationOpener = async (keys, envelopes, options) => {
      calls.push({ address: keys.walletAddress, count: envelopes.length })
      return openInvitationsInThread(keys, envelopes, options)
    }
    const { listed } = await world.listWith(opener)
    expect(listed.sort()).toEqual([...world.topics].sort())
    expect(calls.reduce((sum, c) => sum + c.count, 0)).toBe(3)
    expect(calls.every((c) => c.address === world.inviteeAddress)).toBe(true)
  })

  it('an envelope the opener could not open is skipped and reported, the rest listed', async () => {
    const world = await invited(3)
    const opener: InvitationOpener = async (keys, envelopes, options) => {
      const outcomes = await openInvitationsInThread(keys, envelopes, options)
      return outcomes.map((o, i) => (i === 0 ? { ok: false as const, error: new Error('worker: not opened') } : o))
    }
    const { client, listed } = await world.listWith(opener)
    expect(listed).toHaveLength(2)
    expect(client.conversations.skippedCount).toBe(1)
  })

  it('an opener that rejects, or answers with the wrong number of outcomes, falls back to this thread', async () => {
    const world = await invited(2)
    const rejecting = await world.listWith(async () => {
      throw new Error('the worker went away')
    })
    expect(rejecting.listed.sort()).toEqual([...world.topics].sort())
    expect(rejecting.client.conversations.skippedCount).toBe(0)
    const short = await world.listWith(async () => [])
    expect(short.listed.sort()).toEqual([...world.topics].sort())
  })

  it('Client.create rejects an opener that is not a function, with a labelled error', async () => {
    const keys = await PrivateKeyBundleV1.generate(new PrivateKeySigner(generatePrivateKey()))
    await expect(
      Client.create(null, { apiUrl: 'http://node.test', fetch: nodeDouble(), privateKeyOverride: keys.encode(), openInvitations: 'fast' as unknown as InvitationOpener }),
    ).rejects.toThrow('options.openInvitations must be a function')
  })
})
