// An identity created while a node is down is caught up by that node, proof and all: a fresh
// xmtp-js 13 client on it restores the same keys (instead of creating a new identity that would
// replace the user's contact everywhere) and reads the V2 conversation started meanwhile.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { randomWallet, xmtpjs } from '../testing/identities.ts'
import { healthOf, startNetNode, topicContents, waitFor, waitForPeers, type NetNode } from './testing.ts'

const { Client } = xmtpjs
let dir: string
let a: NetNode, c: NetNode
const startC = () => startNetNode({ db: join(dir, 'c.db'), bootstrap: [a.bareAddress] })
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const identityKey = (client: any) => Buffer.from(client.publicKeyBundle.identityKey.secp256k1Uncompressed.bytes).toString('hex')

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-proofs-'))
  a = await startNetNode({ db: join(dir, 'a.db') })
  c = await startC()
  await waitForPeers(c, [a.peerId])
}, 120_000)
afterAll(async () => {
  await Promise.all([a, c].map((n) => n?.stop()))
  rmSync(dir, { recursive: true, force: true })
})

it('a node that was down catches up an identity: xmtp-js on it restores the same key and reads a V2 message sent on A', { timeout: 240_000 }, async () => {
  await c.kill('SIGKILL')
  const erinWallet = randomWallet()
  const bobWallet = randomWallet()
  const onA = { env: 'local', apiUrl: a.url }
  const erin = await Client.create(erinWallet, onA)
  const bob = await Client.create(bobWallet, onA)
  const conversation = await bob.conversations.newConversation(erinWallet.address, { conversationId: 'parley/proofs', metadata: {} })
  await conversation.send('sent on A while C was down')
  const privateStore = `/xmtp/0/privatestore-${erinWallet.address}/key_bundle/proto`
  const contact = `/xmtp/0/contact-${erinWallet.address}/proto`
  const contactsOnA = await topicContents(a, contact)

  c = await startC()
  await waitForPeers(c, [a.peerId])
  await waitFor('C to catch up erin\'s private key bundle', async () => (await topicContents(c, privateStore)).length === 1, 60_000)
  expect(await topicContents(c, privateStore)).toEqual(await topicContents(a, privateStore))

  const erinOnC = await Client.create(erinWallet, { env: 'local', apiUrl: c.url })
  expect(identityKey(erinOnC)).toBe(identityKey(erin))
  const found = (await erinOnC.conversations.list()).find((x: { topic: string }) => x.topic === conversation.topic)
  expect(found).toBeDefined()
  expect((await found.messages()).map((m: { content: unknown }) => m.content)).toEqual(['sent on A while C was down'])
  // Nothing replaced erin's identity: her contact topic holds what A had, on both nodes.
  expect(await topicContents(c, contact)).toEqual(contactsOnA)
  expect(await topicContents(a, contact)).toEqual(contactsOnA)
  const catchUp = (await healthOf(c)).p2p.catchUp
  expect(catchUp.refusedEnvelopes).toBe(0)
  expect(catchUp.storedEnvelopes).toBeGreaterThanOrEqual(4) // private store, two contacts, invitations, the message
  for (const client of [erin, bob, erinOnC]) await client.close?.()
})
