// Bench setup shared by the client and extension benches: a fresh invitee on a node, and
// `peers` inviters who between them invite it `count` times to V2 conversations. Inviter
// identities are generated locally and their invitations sealed with the protocol library,
// published in batches; the inviters publish no contacts (listing does not read them).
import { Client, PrivateKeySigner } from '../../src/protocol/index.ts'
import { PrivateKeyBundleV1 } from '../../src/protocol/keys/index.ts'
import { randomBytes } from '../../src/protocol/crypto/random.ts'
import { deriveConversation, sealInvitation, SharedSecretCache } from '../../src/protocol/invitations/index.ts'
import type { Envelope } from '../../src/protocol/api/index.ts'
import { createRequire } from 'node:module'
import { keysOf } from '../../src/protocol/client/testing/exported-keys.ts'

const xmtpjs = createRequire(import.meta.url)('@xmtp/xmtp-js')

const PUBLISH_BATCH = 100 // envelopes per publish request

export interface Invitee {
  /** The invitee's wallet key (what a user would import into a wallet). */
  walletKey: Uint8Array
  /** Its PrivateKeyBundle bytes (what Client.create / xmtp-js take as privateKeyOverride). */
  keys: Uint8Array
  address: string
}

export async function inviteMany(apiUrl: string, count: number, peers: number): Promise<Invitee> {
  const walletKey = randomBytes(32)
  const invitee = await Client.create(new PrivateKeySigner(walletKey), { apiUrl })
  const recipient = keysOf(invitee).getSignedPublicKeyBundle()
  const inviters: PrivateKeyBundleV1[] = []
  for (let p = 0; p < peers; p++) inviters.push(await PrivateKeyBundleV1.generate(new PrivateKeySigner(randomBytes(32))))
  const secrets = new SharedSecretCache()
  let batch: Envelope[] = []
  for (let i = 0; i < count; i++) {
    const sender = inviters[i % inviters.length]!
    const context = { conversationId: `bench.parley/${i}`, metadata: {} }
    const derived = deriveConversation(sender, recipient, { conversationId: context.conversationId, secrets })
    const sealed = await sealInvitation({ sender, recipient, invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial, context }, secrets })
    batch.push(...sealed.envelopes)
    if (batch.length >= PUBLISH_BATCH || i === count - 1) {
      await invitee.api.publish(batch)
      batch = []
    }
  }
  const out = { walletKey, keys: keysOf(invitee).encode(), address: invitee.address }
  await invitee.close()
  return out
}

/** The baseline both benches compare with: a fresh xmtp-js 13 client's cold conversations.list(), in ms. */
export async function xmtpjsColdList(apiUrl: string, keys: Uint8Array, expected: number): Promise<number> {
  const client = await xmtpjs.Client.create(null, { env: 'local', apiUrl, privateKeyOverride: keys, skipContactPublishing: true })
  const start = performance.now()
  const list = await client.conversations.list()
  const ms = performance.now() - start
  if (list.length !== expected) throw new Error(`xmtp-js listed ${list.length}, expected ${expected}`)
  await client.close()
  return ms
}
